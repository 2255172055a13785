"""Relay node IDs carry the district's code, so an ID from district B resolves to nothing in A."""

from tenants.context import current_scope_code

SEPARATOR = "."


def encode_node_id(pk: int, *, scope: str | None = None) -> str:
    """`scope`: the active district's code, when the caller has already read it (many IDs)."""
    return f"{scope if scope is not None else current_scope_code()}{SEPARATOR}{pk}"


def decode_node_id(node_id: str) -> int | None:
    """The primary key if `node_id` belongs to the active district, else None."""
    scope, sep, raw_pk = node_id.rpartition(SEPARATOR)
    if not sep or scope != current_scope_code() or not raw_pk.isdigit():
        return None
    pk = int(raw_pk)
    return pk if 0 < pk < 2**63 else None
