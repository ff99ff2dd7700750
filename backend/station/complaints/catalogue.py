"""The nine complaint types the Comisaría Virtual takes online (as of 15 April 2025; STATION.md §1).

Every type asks when and where it happened, what happened, and whether it was already reported; most
also ask what was taken and its value. The fields below are the type's own questions. ``offense`` is
the formal-report offense type code in analytics' catalogue (analytics maps complaints by it).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from ..fields import Field


@dataclass(frozen=True)
class ComplaintType:
    code: str
    title: str
    description: str
    fields: tuple[Field, ...] = ()
    items_label: str = gettext_noop("What was taken")
    items_required: bool = True

    @property
    def offense(self) -> str:
        return self.code


_SUSPECT = Field(
    "suspect", gettext_noop("Who did it, if you know"), required=False, help=gettext_noop("A name or a description.")
)
_SUSPECT_RUT = Field("suspect_rut", gettext_noop("Their RUT, if you know it"), kind="rut", required=False)
_ANIMALS = (
    ("dog", gettext_noop("Dog")),
    ("cat", gettext_noop("Cat")),
    ("horse", gettext_noop("Horse")),
    ("bird", gettext_noop("Bird")),
    ("other", gettext_noop("Other animal")),
)

COMPLAINT_TYPES: dict[str, ComplaintType] = {
    complaint_type.code: complaint_type
    for complaint_type in (
        ComplaintType(
            "simple_theft",
            gettext_noop("Simple theft (hurto simple)"),
            gettext_noop("Someone took something of yours without violence and without you noticing."),
            (_SUSPECT,),
        ),
        ComplaintType(
            "found_property_theft",
            gettext_noop("Theft of found property (hurto de hallazgo)"),
            gettext_noop("You lost something, and whoever found it kept it."),
            (Field("where_lost", gettext_noop("Where you lost it")), _SUSPECT),
        ),
        ComplaintType(
            "aggravated_theft",
            gettext_noop("Aggravated theft (hurto agravado)"),
            gettext_noop("A theft by someone you trusted or in a place that makes it more serious."),
            (
                Field(
                    "circumstance",
                    gettext_noop("What made it more serious"),
                    kind="choice",
                    choices=(
                        ("trusted_person", gettext_noop("Someone I trusted took it")),
                        ("worker", gettext_noop("A worker or employee took it")),
                        ("lodging", gettext_noop("It was taken where I was staying")),
                        ("other", gettext_noop("Something else")),
                    ),
                ),
                _SUSPECT,
                _SUSPECT_RUT,
            ),
        ),
        ComplaintType(
            "property_damage",
            gettext_noop("Damage to property (daños)"),
            gettext_noop("Someone broke or damaged something of yours."),
            (
                Field(
                    "damaged_property",
                    gettext_noop("What was damaged"),
                    help=gettext_noop("For example: car window, front gate."),
                ),
            ),
            items_label=gettext_noop("What it costs to repair"),
        ),
        ComplaintType(
            "animal_cruelty",
            gettext_noop("Animal cruelty (maltrato animal)"),
            gettext_noop("Someone hurt or neglected an animal."),
            (
                Field("animal_type", gettext_noop("Type of animal"), kind="choice", choices=_ANIMALS, public=True),
                Field("how", gettext_noop("How it happened"), kind="textarea"),
                Field("animal_owner", gettext_noop("Who the animal belongs to, if you know"), required=False),
            ),
            items_required=False,
        ),
        ComplaintType(
            "vehicle_accessory_theft",
            gettext_noop("Theft of vehicle accessories"),
            gettext_noop("Someone took parts or things from your vehicle: mirrors, wheels, the radio."),
            (
                Field("plate", gettext_noop("Licence plate"), kind="plate"),
                Field("vehicle", gettext_noop("Make and model"), help=gettext_noop("For example: Toyota Yaris.")),
            ),
        ),
        ComplaintType(
            "surprise_robbery",
            gettext_noop("Surprise robbery (robo por sorpresa)"),
            gettext_noop("Someone snatched something from you by surprise, for example your phone or bag."),
            (Field("injured", gettext_noop("Were you hurt?"), kind="yesno"), _SUSPECT),
        ),
        ComplaintType(
            "embezzlement",
            gettext_noop("Embezzlement (apropiación indebida)"),
            gettext_noop("You lent or entrusted something and the person did not give it back."),
            (
                Field(
                    "handed_over_as",
                    gettext_noop("How you handed it over"),
                    kind="choice",
                    choices=(
                        ("loan", gettext_noop("A loan")),
                        ("rental", gettext_noop("A rental")),
                        ("deposit", gettext_noop("For safekeeping")),
                        ("work", gettext_noop("For a job or repair")),
                    ),
                ),
                Field("suspect", gettext_noop("Who has it"), help=gettext_noop("A name or a description.")),
                _SUSPECT_RUT,
            ),
        ),
        ComplaintType(
            "fraud",
            gettext_noop("Fraud (estafa)"),
            gettext_noop("Someone deceived you to take your money or things."),
            (
                Field(
                    "channel",
                    gettext_noop("How they contacted you"),
                    kind="choice",
                    choices=(
                        ("phone", gettext_noop("Phone call or message")),
                        ("internet", gettext_noop("Internet or social media")),
                        ("in_person", gettext_noop("In person")),
                    ),
                ),
                Field("reference", gettext_noop("Transfer or order number, if any"), required=False),
                _SUSPECT,
                _SUSPECT_RUT,
            ),
            items_label=gettext_noop("What you lost"),
        ),
    )
}
