"""An atomic rate limiter on PostgreSQL: one upsert per decision, counted inside the caller's transaction.

Each limit is a fixed window (``per_seconds``) with a row per key and window start. Consuming is one
``INSERT ... ON CONFLICT DO UPDATE ... WHERE count < limit`` for every window at once, so concurrent
requests queue on the row lock instead of racing a read and a write. Called inside the transaction
that does the limited thing, a failed action (a refused alert, a rolled-back write) takes its count
back with it: only actions that actually happened are counted. No Redis is involved, so the limit
keeps working, and never refuses by mistake, while the cache is down.

Windows are fixed, not sliding: a client can act ``2 × count`` times across a window boundary. That is
enough for abuse control and costs one row per window instead of one per action.
"""

import math
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from .errors import DomainError
from .models import RateLimitBucket

ERROR_RATE_LIMITED = gettext_lazy("Too many requests: at most {limit} every {window}. Try again in {seconds} s.")


@dataclass(frozen=True)
class Limit:
    """At most ``count`` actions per ``per_seconds`` for one key."""

    count: int
    per_seconds: int

    @property
    def description(self) -> str:
        """The window in words, in the active language: "hour", "2 hours"."""
        if self.per_seconds % 86_400 == 0:
            amount = self.per_seconds // 86_400
            return ngettext("day", "{n} days", amount).format(n=amount)
        if self.per_seconds % 3_600 == 0:
            amount = self.per_seconds // 3_600
            return ngettext("hour", "{n} hours", amount).format(n=amount)
        if self.per_seconds % 60 == 0:
            amount = self.per_seconds // 60
            return ngettext("minute", "{n} minutes", amount).format(n=amount)
        return f"{self.per_seconds} s"


class RateLimited(DomainError):
    status_code = 429
    code = "throttled"

    def __init__(self, *, limit: Limit, retry_after_seconds: int) -> None:
        message = ERROR_RATE_LIMITED.format(limit=limit.count, window=limit.description, seconds=retry_after_seconds)
        super().__init__(message, extra={"retry_after": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


def clock() -> datetime:
    """The limiter's time; tests pin it so that no run straddles a window boundary."""
    return timezone.now()


def _window_start(now: datetime, per_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % per_seconds, tz=now.tzinfo)


def _refusal(limit: Limit, start: datetime, now: datetime) -> RateLimited:
    wait = (start + timedelta(seconds=limit.per_seconds) - now).total_seconds()
    return RateLimited(limit=limit, retry_after_seconds=max(1, math.ceil(wait)))


_CONSUME_SQL = """
    INSERT INTO {table} AS bucket (key, window_start, window_seconds, count, "limit")
    VALUES {values}
    ON CONFLICT (key, window_start, window_seconds) DO UPDATE SET count = bucket.count + 1
    WHERE bucket.count < EXCLUDED."limit"
    RETURNING window_seconds
"""


def rate_limit_consume(*, key: str, limits: tuple[Limit, ...], now: datetime | None = None) -> None:
    """Count one action for ``key`` against every limit, or raise ``RateLimited`` and count nothing.

    Call it inside the transaction of the action it limits and let ``RateLimited`` end that transaction."""
    now = now or clock()
    rows = [(limit, _window_start(now, limit.per_seconds)) for limit in limits]
    values = ", ".join(["(%s, %s, %s, 1, %s)"] * len(rows))
    parameters = [value for limit, start in rows for value in (key, start, limit.per_seconds, limit.count)]
    sql = _CONSUME_SQL.format(table=RateLimitBucket._meta.db_table, values=values)
    # A refusal must also take back the windows that still had room. Inside a transaction the raise does that:
    # it rolls the caller's transaction back (callers let it propagate). Outside one, a savepoint does.
    with transaction.atomic() if not connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        counted = {row[0] for row in cursor.fetchall()}
        full = [(limit, start) for limit, start in rows if limit.per_seconds not in counted]
        if full:
            limit, start = max(full, key=lambda item: item[1] + timedelta(seconds=item[0].per_seconds))
            raise _refusal(limit, start, now)


def rate_limit_check(*, key: str, limits: tuple[Limit, ...], now: datetime | None = None) -> None:
    """Raise ``RateLimited`` if a window is already full, counting nothing: a cheap early refusal before costly
    work. Only ``rate_limit_consume`` decides; a request may pass this check and still be refused there."""
    now = now or clock()
    for limit in limits:
        start = _window_start(now, limit.per_seconds)
        bucket = RateLimitBucket.objects.filter(key=key, window_start=start, window_seconds=limit.per_seconds).first()
        if bucket is not None and bucket.count >= limit.count:
            raise _refusal(limit, start, now)


def rate_limit_buckets_prune(*, now: datetime | None = None) -> int:
    """Delete windows that have ended; returns how many rows went."""
    now = now or clock()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {RateLimitBucket._meta.db_table} "
            "WHERE window_start + make_interval(secs => window_seconds) < %s",
            [now],
        )
        return cursor.rowcount
