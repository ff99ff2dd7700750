from django import template

from ..pages import pages_for

register = template.Library()


@register.simple_tag
def user_pages(user):
    """The pages this person may open, for the navigation bar."""
    return pages_for(user)
