"""Number fields for request input: JSON ``true`` is not 1, and no number may overflow a database column.

Every numeric input field in the API is one of these, so the rules live in one place: DRF's FloatField
takes ``true`` as 1.0 and lets NaN and infinity through; its IntegerField has no bounds, so a 30-digit
id would reach PostgreSQL.
"""

import math

from django.utils.translation import gettext_lazy
from rest_framework import serializers

ERROR_BOOLEAN_NOT_NUMBER = gettext_lazy("Must be a number, not true or false.")
ERROR_NOT_FINITE = gettext_lazy("Must be a finite number.")
# PostgreSQL's bigint, which every id and count column fits in.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


class NumberInputMixin:
    """Refuses booleans before the number field's own parsing (``bool`` is an ``int`` in Python)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            raise serializers.ValidationError(ERROR_BOOLEAN_NOT_NUMBER, code="invalid")
        return super().to_internal_value(data)


class FiniteFloatField(NumberInputMixin, serializers.FloatField):
    """A float that refuses booleans, NaN and infinity."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            raise serializers.ValidationError(ERROR_NOT_FINITE)
        return value


class IntegerField(NumberInputMixin, serializers.IntegerField):
    """An integer that refuses booleans and stays within PostgreSQL's bigint unless given tighter bounds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", BIGINT_MIN)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)
