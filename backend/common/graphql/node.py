"""Relay nodes whose IDs carry the district, so another district's ID resolves to nothing here."""

from collections.abc import Iterable
from typing import Any, TypeVar

import strawberry
from django.db import models
from strawberry import relay
from strawberry.types import Info
from strawberry_django.optimizer import optimizer

from backend.common.graphql.errors import not_found
from tenants.global_ids import decode_node_id, encode_node_id

M = TypeVar("M", bound=models.Model)


class DistrictNode(relay.Node):
    # strawberry's own `id` resolver looks the type up in the schema for every row (the rows are
    # model instances, not Node instances); the GraphQL parent type already names it. About a
    # tenth of a 100-row page (bench/results.md).
    @strawberry.field(name="id", description="The Globally Unique ID of this object")
    @classmethod
    def _id(cls, root: Any, info: Info) -> relay.GlobalID:
        return relay.GlobalID(info._raw_info.parent_type.name, encode_node_id(root.pk))

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return encode_node_id(root.pk)

    @classmethod
    def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        pks = [decode_node_id(node_id) for node_id in node_ids]
        model = cls.__strawberry_django_definition__.model  # type: ignore[attr-defined]
        qs = model._default_manager.filter(pk__in=[pk for pk in pks if pk is not None])
        # A type that narrows what its reader may see (its get_queryset) narrows `node` too.
        get_queryset = getattr(cls, "get_queryset", None)
        if get_queryset is not None:
            qs = get_queryset(qs, info)
        extension = optimizer.get()
        if extension is not None:
            qs = extension.optimize(qs, info=info)
        by_pk = {obj.pk: obj for obj in qs}
        found = [by_pk.get(pk) if pk is not None else None for pk in pks]
        if required and any(obj is None for obj in found):
            raise ValueError("Node not found.")
        return found

    @classmethod
    def resolve_node(cls, node_id: str, *, info: Info, required: bool = False) -> Any:
        return cls.resolve_nodes(info=info, node_ids=[node_id], required=required)[0]


def node_pk(
    global_id: relay.GlobalID, model: type[models.Model], type_name: str | None = None
) -> int | None:
    """The primary key an input ID names, if it names a `model` row of this district; its type
    must be `type_name` when one model has several GraphQL types (Job: ImportJob, ExportJob)."""
    if global_id.type_name != (type_name or model.__name__):
        return None
    return decode_node_id(global_id.node_id)


def load_node(model: type[M], global_id: relay.GlobalID, *, field: str, what: str) -> M:
    """The object behind an input ID, or a NOT_FOUND error on `field`: wrong type, other district
    and missing row all read the same, so nothing leaks about other districts."""
    pk = node_pk(global_id, model)
    obj = model._default_manager.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise not_found(field, what)
    return obj
