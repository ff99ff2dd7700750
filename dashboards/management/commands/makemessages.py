"""Django's makemessages, which also finds the pages' scripts' ``t("...")`` calls (``-d djangojs``).

The scripts keep ``t(text, values)`` as their one translation call (``static/dashboards/js/common.js``), so
xgettext is told that ``t`` is a keyword, for the JavaScript domain only; strings kept in tables are marked
with ``gettext_noop``, which Django's command already knows.
"""

from django.core.management.commands import makemessages

SCRIPT_KEYWORDS = ["--keyword=t"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        if options.get("domain") == "djangojs":
            self.xgettext_options = [*self.xgettext_options, *SCRIPT_KEYWORDS]
        return super().handle(*args, **options)
