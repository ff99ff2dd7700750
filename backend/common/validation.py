"""Validating a flat DRF serializer's fields without building a serializer instance.

DRF deep-copies every declared field each time a serializer is instantiated, which cost an eighth of a
request on the alert button's path. ``declared_fields_validate`` runs the class's own declared fields,
unbound and shared (their validation keeps no state), so the rules, messages and OpenAPI schema still come
from one serializer class. It covers flat input serializers (plain fields with their defaults and validators);
``check_flat`` refuses, at import, a serializer with ``validate``/``validate_<field>`` methods or nested
serializers, whose rules it would miss.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.fields import SkipField, empty


def declared_fields_validate(serializer_class: type[serializers.Serializer], data: Mapping) -> dict[str, Any]:
    """The validated data, or ``serializers.ValidationError`` with one entry per failing field (as DRF does)."""
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({"non_field_errors": ["Invalid data. Expected a dictionary."]})
    validated, errors = {}, {}
    for name, field in serializer_class._declared_fields.items():
        try:
            validated[name] = field.run_validation(data.get(name, empty))
        except serializers.ValidationError as error:
            errors[name] = error.detail
        except SkipField:
            pass
    if errors:
        raise serializers.ValidationError(errors)
    return validated


def check_flat(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """Class decorator: refuse serializers whose rules ``declared_fields_validate`` would miss."""
    own_rules = [name for name in vars(serializer_class) if name.startswith("validate")]
    if own_rules:
        raise TypeError(f"{serializer_class.__name__} has {own_rules}: validate it with the serializer itself.")
    nested = [
        name
        for name, field in serializer_class._declared_fields.items()
        if isinstance(field, serializers.BaseSerializer)
    ]
    if nested:
        raise TypeError(f"{serializer_class.__name__} has nested serializers {nested}.")
    return serializer_class
