from django import template
from django.conf import settings
from django.utils.translation import get_language

from ..js_catalog import catalog_url
from ..pages import pages_for

register = template.Library()


@register.simple_tag
def user_pages(user):
    """The pages this person may open, for the navigation bar."""
    return pages_for(user)


@register.simple_tag
def script_catalog_url():
    """The scripts' translations in the page's language (dashboards/js_catalog.py)."""
    language = get_language()
    return catalog_url(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
