"""The services the station offers, with each form's questions, for the pages and the apps."""

from django.utils.translation import gettext

from .complaints.catalogue import COMPLAINT_TYPES
from .condolences.catalogue import CONDOLENCE_FIELDS
from .constancias.catalogue import CONSTANCIA_KINDS
from .elections import catalogue as elections_catalogue
from .feedback.catalogue import FEEDBACK_FIELDS, FEEDBACK_KIND_DESCRIPTIONS
from .fields import Field
from .models import FeedbackKind, TipUrgency
from .reunification import catalogue as reunification_catalogue
from .tips.catalogue import TIP_CATEGORIES, URGENCY_HELP


def field_dict(field: Field) -> dict:
    return {
        "name": field.name,
        "label": gettext(field.label),
        "kind": field.kind,
        "required": field.required,
        "help": gettext(field.help) if field.help else "",
        "choices": [{"value": value, "label": gettext(label)} for value, label in field.choices],
    }


def services_catalogue() -> dict:
    return {
        "complaints": [
            {
                "code": kind.code,
                "title": gettext(kind.title),
                "description": gettext(kind.description),
                "items_label": gettext(kind.items_label),
                "items_required": kind.items_required,
                "fields": [field_dict(field) for field in kind.fields],
            }
            for kind in COMPLAINT_TYPES.values()
        ],
        "constancias": [
            {
                "code": kind.code,
                "title": gettext(kind.title),
                "description": gettext(kind.description),
                "fields": [field_dict(field) for field in kind.fields],
            }
            for kind in CONSTANCIA_KINDS.values()
        ],
        "tips": {
            "categories": [
                {"code": category.code, "title": gettext(category.title), "description": gettext(category.description)}
                for category in TIP_CATEGORIES.values()
            ],
            "urgencies": [
                {"value": value, "label": str(label), "help": gettext(URGENCY_HELP[value])}
                for value, label in TipUrgency.choices
            ],
        },
        "officer_feedback": {
            "kinds": [
                {"code": kind.value, "title": str(kind.label), "description": gettext(FEEDBACK_KIND_DESCRIPTIONS[kind])}
                for kind in FeedbackKind
            ],
            "fields": [field_dict(field) for field in FEEDBACK_FIELDS],
        },
        "condolence_book": {
            "title": gettext("Condolence book"),
            "description": gettext(
                "In memory of the officers killed on duty. Anyone may leave a message for their families and "
                "comrades; it is published once a moderator has read it."
            ),
            "fields": [field_dict(field) for field in CONDOLENCE_FIELDS],
        },
        "voter_excuse": {
            "title": gettext(elections_catalogue.TITLE),
            "description": gettext(elections_catalogue.DESCRIPTION),
            "minimum_meters": elections_catalogue.MINIMUM_METERS,
            "fields": [field_dict(field) for field in elections_catalogue.FIELDS],
        },
        "reunification": {
            "title": gettext(reunification_catalogue.TITLE),
            "description": gettext(reunification_catalogue.DESCRIPTION),
            "fields": [field_dict(field) for field in reunification_catalogue.FIELDS],
        },
    }
