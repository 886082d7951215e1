"""Short related lists read inside the query of the row they belong to, as JSON.

A plan's page shows its areas, targets and milestones: a handful of rows each. Read as a
JSON list per row (one subquery each in the plan's own query) and turned back into model
instances, they cost no query of their own, so the page stays within its budget of queries.
"""

import json
from decimal import Decimal

from django.db import models
from django.db.models import Aggregate, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject


class JSONRows(Aggregate):
    """The group's values as one JSON array (PostgreSQL JSONB_AGG, SQLite JSON_GROUP_ARRAY)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {field.attname: field for field in model._meta.concrete_fields}


def _object(model, prefix: str) -> JSONObject:
    return JSONObject(**{name: prefix + name for name in _fields(model)})


def rows_of(queryset: QuerySet, link: str, related: tuple[str, ...] = ()) -> Subquery:
    """A subquery for an annotation: the rows of `queryset` whose `link` (a foreign key) is
    the outer row, every field of each and of its `related` foreign keys' rows, as one JSON
    list (None when there are none)."""
    model = queryset.model
    each = JSONObject(
        **{name: name for name in _fields(model)},
        **{
            name: _object(model._meta.get_field(name).related_model, f"{name}__")
            for name in related
        },
    )
    rows = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(rows=JSONRows(each))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def instances(model: type[models.Model], rows, order: str) -> list:
    """The model instances of a rows_of() annotation, ordered by the field `order`."""
    if isinstance(rows, str):  # SQLite hands a nested JSON value over as text
        rows = json.loads(rows)
    result = []
    for row in rows or []:
        related = {name: row.pop(name) for name in list(row) if name not in _fields(model)}
        obj = _instance(model, row)
        for name, values in related.items():
            target = model._meta.get_field(name).related_model
            assert isinstance(target, type)  # a foreign key's model
            setattr(obj, name, _instance(target, values) if values["id"] is not None else None)
        result.append(obj)
    return sorted(result, key=lambda obj: (getattr(obj, order) is None, getattr(obj, order)))


def _instance(model: type[models.Model], row: dict) -> models.Model:
    fields = _fields(model)
    values = {}
    for name, value in row.items():
        field = fields[name]
        if isinstance(field, models.DecimalField) and value is not None:
            # Through JSON a decimal is a float: back to its places (22.5, not 22.50000001).
            value = Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
        values[name] = field.to_python(value)
    return model(**values)
