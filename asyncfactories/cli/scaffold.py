"""``asyncfactories scaffold``: write a factory module for every mapped model of a module.

Each factory relies on zero-config values for its columns, declares a ``SubFactory`` for each
required many-to-one relationship (parents first), and gets one example state to edit.
"""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapper, RelationshipDirection

from .._mapping import is_mapped_class, model_info
from .errors import CliError

__all__ = ["render_factories"]


def mapped_models(module: ModuleType) -> list[type]:
    """Mapped classes defined in ``module``, in definition order (abstract bases excluded)."""
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and value.__module__ == module.__name__ and is_mapped_class(value)
    ]


def _required_parents(mapper: Mapper[Any]) -> list[tuple[str, type]]:
    parents = []
    for rel in mapper.relationships:
        if rel.direction is not RelationshipDirection.MANYTOONE or rel.viewonly:
            continue
        if all(not column.nullable for column in rel.local_columns):
            parents.append((rel.key, rel.mapper.class_))
    return parents


def _ordered(models: list[type]) -> list[type]:
    """Parents before children, so each SubFactory names a factory defined above it."""
    ordered: list[type] = []
    visiting: set[type] = set()

    def visit(model: type) -> None:
        if model in ordered or model in visiting:
            return
        visiting.add(model)
        for _key, parent in _required_parents(model_info(model).mapper):
            if parent in models:
                visit(parent)
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def _example_state(model: type) -> list[str]:
    """A state overriding one plain column, so the example shows the shape of one."""
    mapper = model_info(model).mapper
    for column in mapper.columns:
        if column.primary_key or column.foreign_keys or column.unique or column.server_default is not None:
            continue
        key = mapper.get_property_by_column(column).key
        if isinstance(column.type, Boolean):
            return [f"        example = Trait({key}=True)"]
        if isinstance(column.type, String) and not (column.type.length and column.type.length < 7):
            return [f'        example = Trait({key}="example")']
    return ["        example = Trait()"]


def _parent_line(key: str, parent: type, factories: dict[type, str]) -> str:
    target = factories.get(parent)
    if target:
        return f"    {key} = SubFactory({target})"
    return f"    # {key}: {parent.__name__} is not in this module; give it a factory"


def _factory_source(model: type, factories: dict[type, str]) -> list[str]:
    header = [
        f"class {factories[model]}(ModelFactory[{model.__name__}]):",
        f'    """Builds {model.__name__} rows; unset columns get zero-config values."""',
    ]
    parents = [_parent_line(key, parent, factories) for key, parent in _required_parents(model_info(model).mapper)]
    body = header + (["", *parents] if parents else [])
    return [*body, "", "    class Params:", *_example_state(model)]


def _import_lines(module_name: str, names: list[str]) -> list[str]:
    single = f"from {module_name} import {', '.join(names)}"
    if len(single) <= 88:
        return [single]
    return [f"from {module_name} import (", *(f"    {name}," for name in names), ")"]


def render_factories(module: ModuleType) -> str:
    """The source of a factory module for every mapped model of ``module``."""
    models = _ordered(mapped_models(module))
    if not models:
        raise CliError(
            f"no mapped models in {module.__name__}: scaffold writes factories for the mapped classes "
            f"defined in the module itself; name the module that defines them"
        )
    factories = {model: f"{model.__name__}Factory" for model in models}
    bodies = [_factory_source(model, factories) for model in models]
    uses_subfactory = any("SubFactory(" in line for body in bodies for line in body)
    ours = ["ModelFactory", *(["SubFactory"] if uses_subfactory else []), "Trait"]
    lines = [
        f'"""Factories for the models of ``{module.__name__}``.',
        "",
        'Written by ``asyncfactories scaffold``: edit freely."""',
        "",
        "from __future__ import annotations",
        "",
        f"from asyncfactories import {', '.join(ours)}",
    ]
    if models:
        lines += ["", *_import_lines(module.__name__, sorted(model.__name__ for model in models))]
    lines.append("")
    for body in bodies:
        lines += ["", *body, ""]
    names = ", ".join(f'"{name}"' for name in sorted(factories.values()))
    lines += ["", f"__all__ = [{names}]"]
    return "\n".join(lines).rstrip() + "\n"
