"""The nine complaint types the Comisaría Virtual takes online (as of 15 April 2025; STATION.md §1).

Every type asks when and where it happened, what happened, and whether it was already reported; most
also ask what was taken and its value. The fields below are the type's own questions. ``offense`` is
the formal-report offense type code in analytics' catalogue (analytics maps complaints by it).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

from ..fields import Field


@dataclass(frozen=True)
class ComplaintType:
    code: str
    title: str
    description: str
    fields: tuple[Field, ...] = ()
    items_label: str = N_("What was taken")
    items_required: bool = True

    @property
    def offense(self) -> str:
        return self.code


_SUSPECT = Field("suspect", N_("Who did it, if you know"), required=False, help=N_("A name or a description."))
_SUSPECT_RUT = Field("suspect_rut", N_("Their RUT, if you know it"), kind="rut", required=False)
_ANIMALS = (
    ("dog", N_("Dog")),
    ("cat", N_("Cat")),
    ("horse", N_("Horse")),
    ("bird", N_("Bird")),
    ("other", N_("Other animal")),
)

COMPLAINT_TYPES: dict[str, ComplaintType] = {
    complaint_type.code: complaint_type
    for complaint_type in (
        ComplaintType(
            "simple_theft",
            N_("Simple theft (hurto simple)"),
            N_("Someone took something of yours without violence and without you noticing."),
            (_SUSPECT,),
        ),
        ComplaintType(
            "found_property_theft",
            N_("Theft of found property (hurto de hallazgo)"),
            N_("You lost something, and whoever found it kept it."),
            (Field("where_lost", N_("Where you lost it")), _SUSPECT),
        ),
        ComplaintType(
            "aggravated_theft",
            N_("Aggravated theft (hurto agravado)"),
            N_("A theft by someone you trusted or in a place that makes it more serious."),
            (
                Field(
                    "circumstance",
                    N_("What made it more serious"),
                    kind="choice",
                    choices=(
                        ("trusted_person", N_("Someone I trusted took it")),
                        ("worker", N_("A worker or employee took it")),
                        ("lodging", N_("It was taken where I was staying")),
                        ("other", N_("Something else")),
                    ),
                ),
                _SUSPECT,
                _SUSPECT_RUT,
            ),
        ),
        ComplaintType(
            "property_damage",
            N_("Damage to property (daños)"),
            N_("Someone broke or damaged something of yours."),
            (Field("damaged_property", N_("What was damaged"), help=N_("For example: car window, front gate.")),),
            items_label=N_("What it costs to repair"),
        ),
        ComplaintType(
            "animal_cruelty",
            N_("Animal cruelty (maltrato animal)"),
            N_("Someone hurt or neglected an animal."),
            (
                Field("animal_type", N_("Type of animal"), kind="choice", choices=_ANIMALS, public=True),
                Field("how", N_("How it happened"), kind="textarea"),
                Field("animal_owner", N_("Who the animal belongs to, if you know"), required=False),
            ),
            items_required=False,
        ),
        ComplaintType(
            "vehicle_accessory_theft",
            N_("Theft of vehicle accessories"),
            N_("Someone took parts or things from your vehicle: mirrors, wheels, the radio."),
            (
                Field("plate", N_("Licence plate"), kind="plate"),
                Field("vehicle", N_("Make and model"), help=N_("For example: Toyota Yaris.")),
            ),
        ),
        ComplaintType(
            "surprise_robbery",
            N_("Surprise robbery (robo por sorpresa)"),
            N_("Someone snatched something from you by surprise, for example your phone or bag."),
            (Field("injured", N_("Were you hurt?"), kind="yesno"), _SUSPECT),
        ),
        ComplaintType(
            "embezzlement",
            N_("Embezzlement (apropiación indebida)"),
            N_("You lent or entrusted something and the person did not give it back."),
            (
                Field(
                    "handed_over_as",
                    N_("How you handed it over"),
                    kind="choice",
                    choices=(
                        ("loan", N_("A loan")),
                        ("rental", N_("A rental")),
                        ("deposit", N_("For safekeeping")),
                        ("work", N_("For a job or repair")),
                    ),
                ),
                Field("suspect", N_("Who has it"), help=N_("A name or a description.")),
                _SUSPECT_RUT,
            ),
        ),
        ComplaintType(
            "fraud",
            N_("Fraud (estafa)"),
            N_("Someone deceived you to take your money or things."),
            (
                Field(
                    "channel",
                    N_("How they contacted you"),
                    kind="choice",
                    choices=(
                        ("phone", N_("Phone call or message")),
                        ("internet", N_("Internet or social media")),
                        ("in_person", N_("In person")),
                    ),
                ),
                Field("reference", N_("Transfer or order number, if any"), required=False),
                _SUSPECT,
                _SUSPECT_RUT,
            ),
            items_label=N_("What you lost"),
        ),
    )
}
