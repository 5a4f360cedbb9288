"""The base of Plaudit's pydantic models: validators are built on first use, not at import.

A function imports many models but a request touches few; building them lazily keeps cold starts short.
"""

import copy
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, create_model
from pydantic_core import PydanticUndefined


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)


M = TypeVar("M", bound="Model")


def every_field_required(model: type[M], *, except_nullable: bool = False) -> type[M]:
    """`model` (and each model nested in it) with no defaults: a document must give every field, so a
    missing one is refused by name instead of silently taking its default. `except_nullable` keeps the
    default of the fields that may be null (they default to null): leaving one out means null."""
    fields: dict[str, object] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, Model):
            annotation = every_field_required(annotation, except_nullable=except_nullable)
        required = copy.copy(info)
        required.annotation = annotation
        if not (except_nullable and info.default is None):
            required.default, required.default_factory = PydanticUndefined, None
        fields[name] = (annotation, required)
    suffix = "Patched" if except_nullable else "Document"
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"{model.__name__}{suffix}", __base__=model, __module__=model.__module__, **fields
    )
