"""The services the station offers, with each form's questions, for the pages and the apps."""

from django.utils.translation import gettext

from .complaints.catalogue import COMPLAINT_TYPES
from .constancias.catalogue import CONSTANCIA_KINDS
from .elections import catalogue as elections_catalogue
from .fields import Field
from .reunification import catalogue as reunification_catalogue


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
