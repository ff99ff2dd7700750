from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backend.analytics.selectors.areas import Area, month_parse
from backend.analytics.services.stop_pack import stop_pack_write
from backend.common.errors import DomainError
from backend.geo.models import Precinct, Prefecture


class Command(BaseCommand):
    help = "Write the STOP pack of a precinct (or prefecture) and month to a folder: maps, HTML page, CSV and JSON."

    def add_arguments(self, parser):
        area = parser.add_mutually_exclusive_group(required=True)
        area.add_argument("--precinct", metavar="CODE")
        area.add_argument("--prefecture", metavar="CODE")
        parser.add_argument("--month", required=True, metavar="YYYY-MM")
        parser.add_argument("--out", required=True, type=Path, metavar="DIR")
        parser.add_argument("--no-link", action="store_true", help="use the links already stored")

    def handle(self, *args, precinct, prefecture, month, out: Path, no_link: bool, **options):
        try:
            parsed_month = month_parse(month)
        except DomainError as error:
            raise CommandError(error.message) from error
        area = _area(precinct_code=precinct, prefecture_code=prefecture)
        result = stop_pack_write(area=area, month=parsed_month, folder=Path(out), link=not no_link)
        for path in result.files:
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"{len(result.files)} files written to {result.folder}."))


def _area(*, precinct_code: str | None, prefecture_code: str | None) -> Area:
    """The command runs as an operator, so the area is not limited to a user's scope."""
    precincts = Precinct.objects.select_related("prefecture").order_by("code")
    if precinct_code:
        precinct = precincts.filter(code=precinct_code).first()
        if precinct is None:
            raise CommandError(f"Unknown precinct {precinct_code}.")
        return Area(kind="precinct", code=precinct.code, name=precinct.name, precincts=(precinct,))
    prefecture = Prefecture.objects.filter(code=prefecture_code).first()
    if prefecture is None:
        raise CommandError(f"Unknown prefecture {prefecture_code}.")
    return Area(
        kind="prefecture",
        code=prefecture.code,
        name=prefecture.name,
        precincts=tuple(precincts.filter(prefecture=prefecture)),
    )
