"""Model instances from plain SQL rows, for the two statements asked on every permit and every checkpoint scan.

The ORM spent more compiling those joins than PostgreSQL spends answering them; these helpers keep the SQL's
column lists tied to the models, so a new field is read without editing the statements.
"""

import functools

from django.db import connection


def columns(alias: str, model) -> str:
    """Every concrete column of ``model``, qualified by ``alias``, in field order."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields)


def width(model) -> int:
    return len(model._meta.concrete_fields)


@functools.cache
def _converters(model) -> tuple[tuple[int, tuple, object], ...]:
    """(position, converters, column) for the fields whose database value needs converting (e.g. JSON)."""
    found = []
    for position, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        if converters:
            found.append((position, converters, column))
    return tuple(found)


def instance(model, values):
    """A model instance from a row of all its concrete columns (None when a LEFT JOIN found nothing), with each
    field's value converted as the ORM would (``from_db_value``)."""
    if values[0] is None:
        return None
    values = list(values)
    for position, converters, column in _converters(model):
        for converter in converters:
            values[position] = converter(values[position], column, connection)
    return model.from_db(connection.alias, [field.attname for field in model._meta.concrete_fields], values)


@functools.cache
def insert_fields(model, *, without: tuple[str, ...] = ()) -> tuple:
    """The fields an INSERT writes: every concrete field but the primary key (the database draws it) and ``without``."""
    return tuple(field for field in model._meta.concrete_fields if not field.primary_key and field.name not in without)


def insert_columns(model, *, without: tuple[str, ...] = ()) -> str:
    return ", ".join(connection.ops.quote_name(field.column) for field in insert_fields(model, without=without))


def insert_values(obj, *, without: tuple[str, ...] = ()) -> list:
    """An unsaved instance's values as its INSERT would send them (``auto_now`` and defaults applied)."""
    return [field.get_db_prep_save(field.pre_save(obj, add=True), connection)
            for field in insert_fields(type(obj), without=without)]  # fmt: skip


def stored(obj, pk: int):
    """Mark an instance inserted by plain SQL as saved, with the primary key the INSERT returned."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj
