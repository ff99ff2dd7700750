"""The nine constancias (chileatiende.gob.cl/fichas/412): facts put on record to support later steps elsewhere.

Each has its own questions. ``public`` fields are printed on the public verification page; nothing there
names a person. A constancia has no expiry of its own (``validity_days`` None): it records a fact.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from ..fields import Field


@dataclass(frozen=True)
class ConstanciaKind:
    code: str
    title: str
    description: str
    fields: tuple[Field, ...]
    occurred_field: str = "occurred_on"
    validity_days: int | None = None


_WHEN = Field("occurred_on", gettext_noop("Date of the fact"), kind="date", public=True)
_COMUNA = Field("comuna", gettext_noop("Comuna where it happened"), kind="comuna", public=True)
_NARRATIVE = Field("narrative", gettext_noop("Tell us what happened"), kind="textarea")
_NARRATIVE_OPTIONAL = Field("narrative", gettext_noop("Anything else to record"), kind="textarea", required=False)
_CARRIERS = (
    ("entel", "Entel"),
    ("movistar", "Movistar"),
    ("claro", "Claro"),
    ("wom", "WOM"),
    ("other", gettext_noop("Other company")),
)

CONSTANCIA_KINDS: dict[str, ConstanciaKind] = {
    kind.code: kind
    for kind in (
        ConstanciaKind(
            "home_abandonment",
            gettext_noop("Home abandonment"),
            gettext_noop("Your spouse or partner left the shared home."),
            (
                Field("person_name", gettext_noop("Full name of the person who left")),
                Field("person_rut", gettext_noop("Their RUT, if you know it"), kind="rut", required=False),
                Field(
                    "relationship",
                    gettext_noop("Your relationship"),
                    kind="choice",
                    choices=(
                        ("spouse", gettext_noop("Spouse")),
                        ("civil_partner", gettext_noop("Civil partner")),
                        ("cohabitant", gettext_noop("Living together")),
                    ),
                ),
                Field("home_address", gettext_noop("Address of the home")),
                _WHEN,
                _COMUNA,
                _NARRATIVE_OPTIONAL,
            ),
        ),
        ConstanciaKind(
            "labor_breach",
            gettext_noop("Labor breach"),
            gettext_noop("Your employer or your worker did not meet what you agreed."),
            (
                Field(
                    "declarant_side",
                    gettext_noop("You are"),
                    kind="choice",
                    choices=(("worker", gettext_noop("The worker")), ("employer", gettext_noop("The employer"))),
                    public=True,
                ),
                Field("counterpart_name", gettext_noop("Name of the other side (person or company)")),
                Field("counterpart_rut", gettext_noop("RUT of the other side"), kind="rut"),
                Field(
                    "breach",
                    gettext_noop("What was not met"),
                    kind="choice",
                    choices=(
                        ("unpaid_wages", gettext_noop("Wages were not paid")),
                        ("absence", gettext_noop("The worker did not come to work")),
                        ("dismissal", gettext_noop("Dismissal without notice")),
                        ("other", gettext_noop("Something else")),
                    ),
                ),
                _WHEN,
                _COMUNA,
                _NARRATIVE,
            ),
        ),
        ConstanciaKind(
            "lost_documents",
            gettext_noop("Lost documents"),
            gettext_noop("You lost your identity card, driving licence or other documents."),
            (
                Field(
                    "documents",
                    gettext_noop("Which documents you lost"),
                    help=gettext_noop("For example: identity card, licence."),
                ),
                Field("document_numbers", gettext_noop("Their numbers, if you know them"), required=False),
                _WHEN,
                _COMUNA,
                _NARRATIVE_OPTIONAL,
            ),
        ),
        ConstanciaKind(
            "lost_mobile_phone",
            gettext_noop("Lost mobile phone"),
            gettext_noop("For your phone company, to block the phone and the line."),
            (
                Field("phone_number", gettext_noop("Phone number"), kind="phone"),
                Field("carrier", gettext_noop("Phone company"), kind="choice", choices=_CARRIERS, public=True),
                Field(
                    "imei",
                    gettext_noop("IMEI (15 digits)"),
                    kind="imei",
                    help=gettext_noop("It is on the box. Dial *#06# on the phone."),
                ),
                Field("model", gettext_noop("Make and model"), required=False),
                _WHEN,
                _COMUNA,
            ),
        ),
        ConstanciaKind(
            "visitation_breach",
            gettext_noop("Visitation schedule not met"),
            gettext_noop("The child's other parent did not meet the visits the court set."),
            (
                Field("other_parent_name", gettext_noop("Full name of the other parent")),
                Field("other_parent_rut", gettext_noop("Their RUT, if you know it"), kind="rut", required=False),
                Field("children", gettext_noop("Names of the children")),
                Field("court_case", gettext_noop("Court case number (RIT), if any"), required=False),
                Field(
                    "what_happened",
                    gettext_noop("What happened"),
                    kind="choice",
                    choices=(
                        ("not_handed_over", gettext_noop("The child was not handed over")),
                        ("not_picked_up", gettext_noop("The child was not picked up")),
                        ("not_returned", gettext_noop("The child was not returned on time")),
                    ),
                ),
                _WHEN,
                _COMUNA,
                _NARRATIVE_OPTIONAL,
            ),
        ),
        ConstanciaKind(
            "unpaid_child_support",
            gettext_noop("Unpaid child support"),
            gettext_noop("The person who must pay child support did not pay."),
            (
                Field("debtor_name", gettext_noop("Full name of who must pay")),
                Field("debtor_rut", gettext_noop("Their RUT, if you know it"), kind="rut", required=False),
                Field("court_case", gettext_noop("Court case number (RIT), if any"), required=False),
                Field("monthly_amount", gettext_noop("Monthly amount in pesos"), kind="money"),
                Field("months_unpaid", gettext_noop("Months unpaid"), kind="count"),
                _WHEN,
                _NARRATIVE_OPTIONAL,
            ),
        ),
        ConstanciaKind(
            "injured_firefighter",
            gettext_noop("Injured firefighter"),
            gettext_noop("For the CMF: a volunteer firefighter was hurt in an act of service."),
            (
                Field("fire_department", gettext_noop("Fire department (Cuerpo de Bomberos)"), public=True),
                Field("company", gettext_noop("Company (compañía)")),
                Field("emergency", gettext_noop("The emergency you attended")),
                Field("injuries", gettext_noop("Your injuries"), kind="textarea"),
                Field("medical_centre", gettext_noop("Where you were treated"), required=False),
                _WHEN,
                _COMUNA,
            ),
        ),
        ConstanciaKind(
            "police_conduct",
            gettext_noop("Complaint about police conduct"),
            gettext_noop("Tell us about how a police officer treated you."),
            (
                Field("unit", gettext_noop("Police unit, if you know it"), required=False),
                Field("officer", gettext_noop("Name or number of the officer, if you know it"), required=False),
                _WHEN,
                _COMUNA,
                _NARRATIVE,
            ),
        ),
        ConstanciaKind(
            "lost_residence_certificate",
            gettext_noop("Lost permanent-residence certificate"),
            gettext_noop("You lost the certificate of your permanent residence in Chile."),
            (
                Field("nationality", gettext_noop("Your nationality")),
                Field("certificate_number", gettext_noop("Certificate number, if you know it"), required=False),
                _WHEN,
                _COMUNA,
                _NARRATIVE_OPTIONAL,
            ),
        ),
    )
}
