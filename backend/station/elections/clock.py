"""The time the voter-excuse rules read (election day is a Chile calendar day); tests replace ``now``."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
