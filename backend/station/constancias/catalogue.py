"""The nine constancias (chileatiende.gob.cl/fichas/412): facts put on record to support later steps elsewhere.

Each has its own questions. ``public`` fields are printed on the public verification page; nothing there
names a person. A constancia has no expiry of its own (``validity_days`` None): it records a fact.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

from ..fields import Field


@dataclass(frozen=True)
class ConstanciaKind:
    code: str
    title: str
    description: str
    fields: tuple[Field, ...]
    occurred_field: str = "occurred_on"
    validity_days: int | None = None


_WHEN = Field("occurred_on", N_("Date of the fact"), kind="date", public=True)
_COMUNA = Field("comuna", N_("Comuna where it happened"), kind="comuna", public=True)
_NARRATIVE = Field("narrative", N_("Tell us what happened"), kind="textarea")
_NARRATIVE_OPTIONAL = Field("narrative", N_("Anything else to record"), kind="textarea", required=False)
_CARRIERS = (
    ("entel", "Entel"),
    ("movistar", "Movistar"),
    ("claro", "Claro"),
    ("wom", "WOM"),
    ("other", N_("Other company")),
)

CONSTANCIA_KINDS: dict[str, ConstanciaKind] = {
    kind.code: kind
    for kind in (
        ConstanciaKind(
            "home_abandonment",
            N_("Home abandonment"),
            N_("Your spouse or partner left the shared home."),
            (
                Field("person_name", N_("Full name of the person who left")),
                Field("person_rut", N_("Their RUT, if you know it"), kind="rut", required=False),
                Field(
                    "relationship",
                    N_("Your relationship"),
                    kind="choice",
                    choices=(
                        ("spouse", N_("Spouse")),
                        ("civil_partner", N_("Civil partner")),
                        ("cohabitant", N_("Living together")),
                    ),
                ),
                Field("home_address", N_("Address of the home")),
                _WHEN,
                _COMUNA,
                _NARRATIVE_OPTIONAL,
            ),
        ),
        ConstanciaKind(
            "labor_breach",
            N_("Labor breach"),
            N_("Your employer or your worker did not meet what you agreed."),
            (
                Field(
                    "declarant_side",
                    N_("You are"),
                    kind="choice",
                    choices=(("worker", N_("The worker")), ("employer", N_("The employer"))),
                    public=True,
                ),
                Field("counterpart_name", N_("Name of the other side (person or company)")),
                Field("counterpart_rut", N_("RUT of the other side"), kind="rut"),
                Field(
                    "breach",
                    N_("What was not met"),
                    kind="choice",
                    choices=(
                        ("unpaid_wages", N_("Wages were not paid")),
                        ("absence", N_("The worker did not come to work")),
                        ("dismissal", N_("Dismissal without notice")),
                        ("other", N_("Something else")),
                    ),
                ),
                _WHEN,
                _COMUNA,
                _NARRATIVE,
            ),
        ),
        ConstanciaKind(
            "lost_documents",
            N_("Lost documents"),
            N_("You lost your identity card, driving licence or other documents."),
            (
                Field("documents", N_("Which documents you lost"), help=N_("For example: identity card, licence.")),
                Field("document_numbers", N_("Their numbers, if you know them"), required=False),
                _WHEN,
                _COMUNA,
                _NARRATIVE_OPTIONAL,
            ),
        ),
        ConstanciaKind(
            "lost_mobile_phone",
            N_("Lost mobile phone"),
            N_("For your phone company, to block the phone and the line."),
            (
                Field("phone_number", N_("Phone number"), kind="phone"),
                Field("carrier", N_("Phone company"), kind="choice", choices=_CARRIERS, public=True),
                Field(
                    "imei", N_("IMEI (15 digits)"), kind="imei", help=N_("It is on the box. Dial *#06# on the phone.")
                ),
                Field("model", N_("Make and model"), required=False),
                _WHEN,
                _COMUNA,
            ),
        ),
        ConstanciaKind(
            "visitation_breach",
            N_("Visitation schedule not met"),
            N_("The child's other parent did not meet the visits the court set."),
            (
                Field("other_parent_name", N_("Full name of the other parent")),
                Field("other_parent_rut", N_("Their RUT, if you know it"), kind="rut", required=False),
                Field("children", N_("Names of the children")),
                Field("court_case", N_("Court case number (RIT), if any"), required=False),
                Field(
                    "what_happened",
                    N_("What happened"),
                    kind="choice",
                    choices=(
                        ("not_handed_over", N_("The child was not handed over")),
                        ("not_picked_up", N_("The child was not picked up")),
                        ("not_returned", N_("The child was not returned on time")),
                    ),
                ),
                _WHEN,
                _COMUNA,
                _NARRATIVE_OPTIONAL,
            ),
        ),
        ConstanciaKind(
            "unpaid_child_support",
            N_("Unpaid child support"),
            N_("The person who must pay child support did not pay."),
            (
                Field("debtor_name", N_("Full name of who must pay")),
                Field("debtor_rut", N_("Their RUT, if you know it"), kind="rut", required=False),
                Field("court_case", N_("Court case number (RIT), if any"), required=False),
                Field("monthly_amount", N_("Monthly amount in pesos"), kind="money"),
                Field("months_unpaid", N_("Months unpaid"), kind="count"),
                _WHEN,
                _NARRATIVE_OPTIONAL,
            ),
        ),
        ConstanciaKind(
            "injured_firefighter",
            N_("Injured firefighter"),
            N_("For the CMF: a volunteer firefighter was hurt in an act of service."),
            (
                Field("fire_department", N_("Fire department (Cuerpo de Bomberos)"), public=True),
                Field("company", N_("Company (compañía)")),
                Field("emergency", N_("The emergency you attended")),
                Field("injuries", N_("Your injuries"), kind="textarea"),
                Field("medical_centre", N_("Where you were treated"), required=False),
                _WHEN,
                _COMUNA,
            ),
        ),
        ConstanciaKind(
            "police_conduct",
            N_("Complaint about police conduct"),
            N_("Tell us about how a police officer treated you."),
            (
                Field("unit", N_("Police unit, if you know it"), required=False),
                Field("officer", N_("Name or number of the officer, if you know it"), required=False),
                _WHEN,
                _COMUNA,
                _NARRATIVE,
            ),
        ),
        ConstanciaKind(
            "lost_residence_certificate",
            N_("Lost permanent-residence certificate"),
            N_("You lost the certificate of your permanent residence in Chile."),
            (
                Field("nationality", N_("Your nationality")),
                Field("certificate_number", N_("Certificate number, if you know it"), required=False),
                _WHEN,
                _COMUNA,
                _NARRATIVE_OPTIONAL,
            ),
        ),
    )
}
