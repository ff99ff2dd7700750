"""The area and period a report is about: a precinct or a prefecture in the user's scope, a month or a date range."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import DomainError, Forbidden, NotFound
from backend.geo.models import Precinct, Prefecture

# Our data start with the ENUSC series; earlier months cannot hold records.
FIRST_YEAR = 2000
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")

ERROR_MONTH_FORMAT = gettext_lazy("Use a month in the form YYYY-MM.")
ERROR_UNKNOWN_MONTH = gettext_lazy("Unknown month {value}: months run from {first}-01 to the current month.")
ERROR_UNKNOWN_PRECINCT = gettext_lazy("Unknown precinct {code}.")
ERROR_UNKNOWN_PREFECTURE = gettext_lazy("Unknown prefecture {code}.")
ERROR_OUT_OF_SCOPE = gettext_lazy("This area is outside your scope.")
ERROR_AREA_REQUIRED = gettext_lazy("Give a precinct or a prefecture, not both.")
ERROR_RANGE_ORDER = gettext_lazy("The start date must not be after the end date.")
ERROR_FUTURE_DATE = gettext_lazy("The date must not be in the future.")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: dt.date) -> dt.datetime:
    """The aware instant a local calendar day starts; days are what commanders count in."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


def local_today() -> dt.date:
    return timezone.localtime(timezone.now(), local_zone()).date()


@dataclass(frozen=True)
class Month:
    """A calendar month in local time."""

    first_day: dt.date

    @property
    def last_day(self) -> dt.date:
        return self.next_first_day - dt.timedelta(days=1)

    @property
    def next_first_day(self) -> dt.date:
        year, month = divmod(self.first_day.year * 12 + self.first_day.month, 12)
        return dt.date(year, month + 1, 1)

    @property
    def start(self) -> dt.datetime:
        return local_midnight(self.first_day)

    @property
    def end(self) -> dt.datetime:
        """Exclusive end: the next month's first instant."""
        return local_midnight(self.next_first_day)

    @property
    def label(self) -> str:
        return f"{self.first_day:%Y-%m}"

    @classmethod
    def containing(cls, day: dt.date) -> Month:
        return cls(day.replace(day=1))


def month_parse(value: str) -> Month:
    """A YYYY-MM string as a Month; malformed → 400, a month that does not exist or has not begun → 404."""
    match = MONTH_PATTERN.match(value or "")
    if match is None:
        raise DomainError(ERROR_MONTH_FORMAT, field="month")
    year, month = int(match[1]), int(match[2])
    today = local_today()
    if not (1 <= month <= 12 and FIRST_YEAR <= year and (year, month) <= (today.year, today.month)):
        raise NotFound(ERROR_UNKNOWN_MONTH.format(value=value, first=FIRST_YEAR), field="month")
    return Month(dt.date(year, month, 1))


def date_range_check(*, start: dt.date, end: dt.date) -> None:
    if start > end:
        raise DomainError(ERROR_RANGE_ORDER, field="start")
    if end > local_today():
        raise DomainError(ERROR_FUTURE_DATE, field="end")


@dataclass(frozen=True)
class Area:
    """The precincts a report covers: one precinct, or every precinct of a prefecture."""

    kind: str  # "precinct" or "prefecture"
    code: str
    name: str
    precincts: tuple[Precinct, ...]

    @property
    def precinct_ids(self) -> list[int]:
        return [precinct.id for precinct in self.precincts]


def area_for_user(*, user, precinct_code: str | None = None, prefecture_code: str | None = None) -> Area:
    """Resolve the requested area (unknown → 404) and check it lies wholly in the user's scope (else 403).

    With neither code, the area is every precinct in the user's scope.
    """
    if precinct_code and prefecture_code:
        raise DomainError(ERROR_AREA_REQUIRED, field="precinct")
    scope = staff_scope(user)
    precincts = Precinct.objects.select_related("prefecture").order_by("code")
    if precinct_code:
        precinct = precincts.filter(code=precinct_code).first()
        if precinct is None:
            raise NotFound(ERROR_UNKNOWN_PRECINCT.format(code=precinct_code), field="precinct")
        area = Area(kind="precinct", code=precinct.code, name=precinct.name, precincts=(precinct,))
    elif prefecture_code:
        prefecture = Prefecture.objects.filter(code=prefecture_code).first()
        if prefecture is None:
            raise NotFound(ERROR_UNKNOWN_PREFECTURE.format(code=prefecture_code), field="prefecture")
        members = tuple(precincts.filter(prefecture=prefecture))
        area = Area(kind="prefecture", code=prefecture.code, name=prefecture.name, precincts=members)
    else:
        members = tuple(scope.filter(precincts, precinct_field="id"))
        return Area(kind="scope", code="", name="", precincts=members)
    if scope.precinct_ids is not None and not set(area.precinct_ids) <= scope.precinct_ids:
        raise Forbidden(ERROR_OUT_OF_SCOPE)
    return area
