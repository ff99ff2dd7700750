"""The rules a permit request must meet, each with a reason code, a message and what to do.

A refusal is a ``PermitRefused`` (HTTP 422) whose ``code`` is the rule's reason code; nothing is written.
Messages are lazy translations; the restriction messages tell the person where to go, never more than they
need: a refusal to an employer about a worker names the worker, not their registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.common.errors import Unprocessable

from ..models import PermitType, PermitWindow, QuotaPeriod

MAX_ADVANCE_DAYS = 7
START_GRACE_MINUTES = 5

REFUSAL_HOURS = "outside_allowed_hours"
REFUSAL_WEEKDAY = "weekday_not_allowed"
REFUSAL_PHASE = "type_not_in_phase"
REFUSAL_NO_PHASE = "comuna_without_restrictions"
REFUSAL_QUOTA = "weekly_quota_reached"
REFUSAL_PAST = "start_in_past"
REFUSAL_TOO_EARLY = "start_too_far_ahead"
REFUSAL_REGISTRY_UNAVAILABLE = "registry_unavailable"
REFUSAL_NOT_COLLECTIVE = "type_not_collective"
REFUSAL_COLLECTIVE_ONLY = "type_collective_only"
REFUSAL_NOT_REPRESENTATIVE = "not_legal_representative"
REFUSAL_ACTIVITY_MISMATCH = "activity_code_mismatch"
REFUSAL_WORKER = "worker_not_eligible"

MESSAGES = {
    REFUSAL_HOURS: gettext_lazy("This permit must start at or after {earliest} and end by {latest}."),
    REFUSAL_WEEKDAY: gettext_lazy("This permit cannot be used on that day of the week in your comuna's phase."),
    REFUSAL_PHASE: gettext_lazy("This permit type is not allowed in phase {phase}, your comuna's current phase."),
    REFUSAL_NO_PHASE: gettext_lazy("Your comuna has no movement restrictions today: you need no permit."),
    REFUSAL_QUOTA: gettext_lazy("You already used your {quota} permits of this type for this {period}."),
    REFUSAL_PAST: gettext_lazy("The start is in the past. Choose a time from now on."),
    REFUSAL_TOO_EARLY: gettext_lazy("You can ask for a permit at most {days} days ahead."),
    REFUSAL_REGISTRY_UNAVAILABLE: gettext_lazy(
        "We cannot check the {registries} right now, so we issue no permit. Try again later."
    ),
    REFUSAL_NOT_COLLECTIVE: gettext_lazy("This permit type is not a collective permit."),
    REFUSAL_COLLECTIVE_ONLY: gettext_lazy("Only an employer can ask for this permit, for a list of workers."),
    REFUSAL_NOT_REPRESENTATIVE: gettext_lazy(
        "The tax office (SII) does not list you as this company's legal representative."
    ),
    REFUSAL_ACTIVITY_MISMATCH: gettext_lazy(
        "The tax office (SII) lists another activity code for this company: {activity}."
    ),
    REFUSAL_WORKER: gettext_lazy(
        "{count} workers cannot receive a permit: {runs}. Remove them and send the list again; each of them can ask "
        "us why with ClaveÚnica."
    ),
    # Registry restrictions (the codes adapters give).
    "health_quarantine": gettext_lazy("The health registry (MINSAL) shows you must stay in quarantine until {until}."),
    "custody_restriction": gettext_lazy("Gendarmería's registry shows a court order restricting your movement."),
    "run_unknown": gettext_lazy("The civil registry does not know this RUN."),
    "run_deceased": gettext_lazy("The civil registry records this RUN as deceased."),
    "employer_unknown": gettext_lazy("The tax office (SII) does not know this company's RUT."),
    "employer_inactive": gettext_lazy("The tax office (SII) shows this company has ceased its activity."),
}
WHAT_TO_DO = {
    "health_quarantine": gettext_lazy(
        "Stay at home until then. If you think it is a mistake, call Salud Responde at 600 360 7777."
    ),
    "custody_restriction": gettext_lazy("Ask the court in charge of your case or Gendarmería for authorisation."),
    "run_unknown": gettext_lazy("Check the RUN on your identity card. If it is right, go to the Registro Civil."),
    "run_deceased": gettext_lazy("If this is a mistake, go to the Registro Civil to correct it."),
    "employer_unknown": gettext_lazy("Check the company's RUT, or ask the SII."),
    "employer_inactive": gettext_lazy("Ask the SII to update the company's activity."),
    REFUSAL_REGISTRY_UNAVAILABLE: gettext_lazy("If you have an emergency, call 133."),
}
REGISTRY_NAMES = {
    "health": gettext_lazy("health registry (MINSAL)"),
    "custody": gettext_lazy("custody registry (Gendarmería)"),
    "civil": gettext_lazy("civil registry"),
    "employer": gettext_lazy("tax office registry (SII)"),
}
PERIOD_NAMES = {QuotaPeriod.WEEK: gettext_lazy("week"), QuotaPeriod.WEEKEND: gettext_lazy("weekend")}


class PermitRefused(Unprocessable):
    """A rule the request breaks; ``code`` names it, ``what_to_do`` says what the person can do next."""

    def __init__(self, code: str, *, field: str | None = None, what_to_do: str = "", **values) -> None:
        message = MESSAGES[code].format(**values) if values else MESSAGES[code]
        what_to_do = what_to_do or WHAT_TO_DO.get(code, "")
        super().__init__(message, field=field, extra={"reason": code, "what_to_do": str(what_to_do)})
        self.code = code
        self.what_to_do = what_to_do


@dataclass(frozen=True)
class Window:
    starts_at: dt.datetime
    ends_at: dt.datetime


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def window_for(*, permit_type: PermitType, requested_start: dt.datetime, weekdays: list[int],
               now: dt.datetime) -> Window:  # fmt: skip
    """The permit's validity window, or PermitRefused naming the rule it breaks (hours, weekday, timing)."""
    if requested_start < now - dt.timedelta(minutes=START_GRACE_MINUTES):
        raise PermitRefused(REFUSAL_PAST, field="starts_at")
    if requested_start > now + dt.timedelta(days=MAX_ADVANCE_DAYS):
        raise PermitRefused(REFUSAL_TOO_EARLY, field="starts_at", days=MAX_ADVANCE_DAYS)
    # It takes effect a little after approval: never before now + delay.
    start = max(requested_start, now + dt.timedelta(minutes=permit_type.effect_delay_minutes)).replace(microsecond=0)
    local = _local(start)
    if permit_type.window == PermitWindow.DURATION:
        end = start + dt.timedelta(minutes=permit_type.duration_minutes)
        local_end = _local(end)
        if (
            local.time() < permit_type.earliest_start
            or local_end.date() != local.date()
            or (local_end.time() > permit_type.latest_end)
        ):
            raise PermitRefused(
                REFUSAL_HOURS,
                field="starts_at",
                earliest=permit_type.earliest_start.strftime("%H:%M"),
                latest=permit_type.latest_end.strftime("%H:%M"),
            )
        if local.isoweekday() not in weekdays:
            raise PermitRefused(REFUSAL_WEEKDAY, field="starts_at")
        return Window(start, end)
    day = local.date()
    if local.isoweekday() not in weekdays:
        raise PermitRefused(REFUSAL_WEEKDAY, field="starts_at")
    if permit_type.window == PermitWindow.WORKWEEK:
        last = day + dt.timedelta(days=5 - local.isoweekday())
    else:
        last = day + dt.timedelta(days=7 - local.isoweekday())
    return Window(start, _midnight(last + dt.timedelta(days=1)))


def quota_period_start(*, period: str, starts_at: dt.datetime) -> dt.date:
    """The Monday (week) or the Saturday (weekend) of the period the permit's start falls in."""
    day = _local(starts_at).date()
    monday = day - dt.timedelta(days=day.isoweekday() - 1)
    return monday + dt.timedelta(days=5) if period == QuotaPeriod.WEEKEND else monday
