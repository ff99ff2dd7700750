from django.core.management.base import BaseCommand, CommandError

from backend.analytics.estimation import LINKAGE_PRESETS
from backend.analytics.selectors.areas import month_parse
from backend.analytics.services.linkage import incident_links_compute
from backend.common.errors import DomainError
from backend.geo.models import Precinct


class Command(BaseCommand):
    help = "Propose one-to-one links between formal reports and alerts for a month, keeping analysts' decisions."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, metavar="YYYY-MM")
        parser.add_argument("--precinct", metavar="CODE", help="default: every precinct")
        parser.add_argument("--preset", choices=list(LINKAGE_PRESETS), help="default: every preset")

    def handle(self, *args, month: str, precinct: str | None, preset: str | None, **options):
        try:
            parsed_month = month_parse(month)
        except DomainError as error:
            raise CommandError(error.message) from error
        precincts = Precinct.objects.all()
        if precinct:
            precincts = precincts.filter(code=precinct)
        precinct_ids = list(precincts.values_list("id", flat=True))
        if not precinct_ids:
            raise CommandError(f"Unknown precinct {precinct}." if precinct else "No precincts loaded.")
        for name in [preset] if preset else list(LINKAGE_PRESETS):
            summary = incident_links_compute(precinct_ids=precinct_ids, month=parsed_month, preset=name)
            self.stdout.write(
                f"{name}: {summary.formal_count} formal reports, {summary.alert_count} alerts, "
                f"{summary.confirmed_kept} confirmed kept, {summary.proposed} proposed"
            )
