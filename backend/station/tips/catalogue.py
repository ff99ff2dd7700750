"""What tips are about: the categories the form offers, and the dispatch category each becomes when forwarded.

A catalogue in code, like the complaint types: a force adds or renames a category here (and in the station's
Spanish catalogue). ``alert_category`` must be a code of the alerts' category catalogue (backend/alerts/catalogue.py).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from ..models import TipUrgency


@dataclass(frozen=True)
class TipCategory:
    code: str
    title: str
    description: str
    alert_category: str


TIP_CATEGORIES: dict[str, TipCategory] = {
    category.code: category
    for category in (
        TipCategory(
            "organized_crime",
            gettext_noop("Organized crime"),
            gettext_noop("Gangs, extortion, arms trafficking, people who order others to commit crimes."),
            alert_category="suspicious_person",
        ),
        TipCategory(
            "vehicle_crimes",
            gettext_noop("Vehicle crimes"),
            gettext_noop("Stolen cars or parts, chop shops, cloned plates, vehicles used for crimes."),
            alert_category="vehicle_theft",
        ),
        TipCategory(
            "drugs",
            gettext_noop("Drugs"),
            gettext_noop("Drug selling points, storage, trafficking or growing."),
            alert_category="drugs",
        ),
    )
}

# What each urgency means to the person choosing it (English msgids).
URGENCY_HELP: dict[str, str] = {
    TipUrgency.LOW: gettext_noop("It has been going on for a while."),
    TipUrgency.MEDIUM: gettext_noop("It happens often or will happen soon."),
    TipUrgency.HIGH: gettext_noop("Someone may be hurt soon."),
    TipUrgency.IMMEDIATE: gettext_noop("It is happening right now."),
}
