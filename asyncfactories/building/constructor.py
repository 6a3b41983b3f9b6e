"""Calling a model's constructor when it requires arguments the factory leaves to others.

A ``MappedAsDataclass`` model (or a custom ``__init__``) may require the primary key, a
foreign key, a server-filled column, a nullable column or a relationship, none of which a
factory gives by default: the database, SQLAlchemy or a related object fills them. Such an
argument is passed as the value the attribute has on a plain model that was never given it
(``None``, or an empty collection), and a ``None`` still there after ``__init__`` is unset
again, so the flush treats it as never set: the key is generated, the server default
applies, and a foreign key given as a keyword is not cleared by a ``None`` relationship.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import RelationshipProperty
from sqlalchemy.orm.attributes import del_attribute

from .._collections import as_collection
from .._mapping import model_info

__all__ = ["construct"]


def _unset_value(prop: Any) -> Any:
    if isinstance(prop, RelationshipProperty) and prop.uselist:
        return as_collection(prop, [])
    return None


def construct(model: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``model(*args, **kwargs)``, with every required constructor argument not given supplied."""
    info = model_info(model)
    required = info.required_arguments
    if not required:
        return model(*args, **kwargs)
    missing = [name for name in required[len(args) :] if name not in kwargs]
    if not missing:
        return model(*args, **kwargs)
    attrs = info.mapper.attrs
    filled = {name: _unset_value(attrs[name]) for name in missing}
    instance = model(*args, **kwargs, **filled)
    state_dict = instance.__dict__
    for name, value in filled.items():
        if value is None and name in state_dict and state_dict[name] is None:
            del_attribute(instance, name)
    return instance
