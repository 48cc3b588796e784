"""A model's own fields, read by name.

`Model._meta.get_field(name)` also answers with a relation seen from the other model's side
(a reverse foreign key), which has no label, choices or column of its own. The surfaces
read labels, choices, validators and column names of the fields they were told about:
`own_field` gives such a field, typed as one, and refuses a reverse relation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models


def own_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's own field `name` (its label, choices, validators, column)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise FieldDoesNotExist(f"{model.__name__}.{name} is another model's relation")
    return field
