from django import template
from django.utils.translation import gettext

from ..documents.codes import code_format

register = template.Library()


@register.filter
def run_display(run: str) -> str:
    """``12345678-5`` → ``12.345.678-5``."""
    number, _, check = (run or "").partition("-")
    groups = []
    while number:
        groups.insert(0, number[-3:])
        number = number[:-3]
    return f"{'.'.join(groups)}-{check}"


@register.filter
def verification_code(code: str) -> str:
    return code_format(code)


@register.filter
def fact_value(fact: dict) -> str:
    return gettext(fact["value"]) if fact.get("translate") else fact["value"]
