"""Serializer helpers shared by the apps."""

import copy

from rest_framework import serializers


class FieldsOnceModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that works out its fields from the model once per class, not on every instance.

    DRF introspects the model (field mapping, kwargs, validators) each time a ModelSerializer is built: 0.3 ms for
    a permit's twenty fields, on a path that answers every permit issued. The fields depend only on the class
    (its declarations and Meta), so the first instance keeps a template and later ones get a fresh copy of it,
    exactly what a plain Serializer does with its declared fields. Subclasses must not vary their fields by
    context or instance.
    """

    def get_fields(self):
        cls = type(self)
        template = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            cls._fields_template = template
        return copy.deepcopy(template)
