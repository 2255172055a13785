"""The floor: each operation's whole response built as JSON by one SQL statement.

A minimal Django view (bench/urls.py) runs the statement and returns the string, behind the same
gunicorn, middleware and district routing as the API: what is left of a request when nothing in
Python touches the rows. Bench code only; the product never serves this.
"""

import json
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound

from bench.targets import Targets

# Relay global IDs as the API spells them: base64("<Type>:<district>.<pk>").
_ORG_ID = "replace(encode(convert_to('PartyOrg:' || %(district)s || '.' || {0}.id, 'UTF8'), 'base64'), E'\\n', '')"
_MEMBER_ID = _ORG_ID.replace("PartyOrg:", "Member:")


def _org(alias: str) -> str:
    return (
        f"'id', {_ORG_ID.format(alias)}, 'code', {alias}.code, 'name', {alias}.name,"
        f" 'kind', upper({alias}.kind), 'depth', {alias}.depth"
    )


def _member(alias: str) -> str:
    return (
        f"'id', {_MEMBER_ID.format(alias)}, 'name', {alias}.name, 'gender', upper({alias}.gender),"
        f" 'birthDate', {alias}.birth_date, 'joinedOn', {alias}.joined_on,"
        f" 'category', upper({alias}.category)"
    )


def _connection(page: str, node: str, order: str, cursor: str) -> str:
    """A Relay connection over `page` (first + 1 rows, so hasNextPage needs no second query)."""
    return f"""json_build_object(
      'edges', coalesce((SELECT json_agg(json_build_object('node', {node}) ORDER BY {order})
                         FROM (SELECT * FROM {page} ORDER BY {order} LIMIT %(first)s) p), '[]'),
      'pageInfo', json_build_object(
        'hasNextPage', (SELECT count(*) > %(first)s FROM {page}),
        'endCursor', (SELECT {cursor} FROM (SELECT * FROM {page} ORDER BY {order} LIMIT %(first)s) p
                      ORDER BY {order} DESC LIMIT 1)))"""


_COUNTS = """(SELECT json_build_object(
      'total', count(*),
      'inService', count(*) FILTER (WHERE m.category = 'in_service'),
      'mobile', count(*) FILTER (WHERE m.category = 'mobile'),
      'laidOff', count(*) FILTER (WHERE m.category = 'laid_off'),
      'retired', count(*) FILTER (WHERE m.category = 'retired'),
      'community', count(*) FILTER (WHERE m.category = 'community'))
    FROM members_member m
    WHERE m.org_id = ANY(ARRAY(SELECT mo.id FROM orgs_partyorg mo WHERE mo.path <@ p.path)))"""

_CURSOR = "replace(encode(convert_to(json_build_array({0})::text, 'UTF8'), 'base64'), E'\\n', '')"

STATEMENTS: dict[str, str] = {
    "subtree_page": f"""
WITH page AS MATERIALIZED (
  SELECT o.* FROM orgs_partyorg o
  WHERE o.path <@ (SELECT path FROM orgs_partyorg WHERE id = %(pk)s)
  ORDER BY o.path LIMIT %(first)s + 1)
SELECT json_build_object('data', json_build_object('orgs', {
        _connection(
            "page",
            f"json_build_object({_org('p')}, 'memberCounts', {_COUNTS})",
            "path",
            _CURSOR.format("path::text, id"),
        )
    }))::text""",
    "children": f"""
WITH page AS MATERIALIZED (
  SELECT o.* FROM orgs_partyorg o WHERE o.parent_id = %(pk)s
  ORDER BY o.code COLLATE "C", o.id LIMIT %(first)s + 1)
SELECT json_build_object('data', json_build_object('org', (
  SELECT json_build_object('id', {_ORG_ID.format("r")}, 'name', r.name, 'children', {
        _connection(
            "page",
            f"json_build_object({_org('p')})",
            'code COLLATE "C", id',
            _CURSOR.format("code, id"),
        )
    })
  FROM orgs_partyorg r WHERE r.id = %(pk)s)))::text""",
    "ancestors": f"""
SELECT json_build_object('data', json_build_object('org', (
  SELECT json_build_object({_org("r")}, 'ancestors', (
    SELECT coalesce(json_agg(json_build_object({_org("a")}) ORDER BY a.depth), '[]')
    FROM orgs_partyorg a WHERE a.path @> r.path AND a.id <> r.id))
  FROM orgs_partyorg r WHERE r.id = %(pk)s)))::text""",
    "members_page": f"""
WITH page AS MATERIALIZED (
  SELECT m.* FROM members_member m
  WHERE m.category = %(category)s AND m.name ILIKE '%%' || %(search)s || '%%'
  ORDER BY m.name, m.id LIMIT %(first)s + 1)
SELECT json_build_object('data', json_build_object('members', {
        _connection(
            "page",
            f"json_build_object({_member('p')}, 'org', (SELECT json_build_object("
            f"'id', {_ORG_ID.format('o')}, 'name', o.name) FROM orgs_partyorg o"
            " WHERE o.id = p.org_id))",
            "name, id",
            _CURSOR.format("name, id"),
        )
    }))::text""",
    "node": f"""
SELECT json_build_object('data', json_build_object('node', (
  SELECT json_build_object({_member("p")}, 'org', json_build_object(
    'id', {_ORG_ID.format("o")}, 'name', o.name))
  FROM members_member p JOIN orgs_partyorg o ON o.id = p.org_id WHERE p.id = %(pk)s)))::text""",
    "nodes": f"""
SELECT json_build_object('data', json_build_object('nodes', (
  SELECT json_agg(json_build_object({_member("p")}) ORDER BY ids.n)
  FROM unnest(%(pks)s::bigint[]) WITH ORDINALITY AS ids(pk, n)
  LEFT JOIN members_member p ON p.id = ids.pk)))::text""",
}


def floor_bodies(t: Targets) -> dict[str, dict[str, Any]]:
    """Operation name -> request body for the floor view (the statement's parameters)."""
    common = {"district": t.district_code, "first": t.page_size}
    return {
        "subtree_page": {**common, "pk": t.street_pk},
        "children": {**common, "pk": t.community_pk},
        "ancestors": {**common, "pk": t.leaf_pk},
        "members_page": {**common, "category": t.category, "search": t.search},
        "node": {**common, "pk": t.member_pk},
        "nodes": {**common, "pks": list(t.member_pks)},
    }


def floor_view(request: HttpRequest, operation: str) -> HttpResponse:
    statement = STATEMENTS.get(operation)
    if statement is None:
        return HttpResponseNotFound()
    with connection.cursor() as cursor:
        cursor.execute(statement, json.loads(request.body))
        (body,) = cursor.fetchone()
    return HttpResponse(body, content_type="application/json")


def municipal_statement(schemas: dict[str, str], min_count: int) -> str:
    """The municipal roll-up (district code -> schema) as one statement, like tenants.rollup."""
    parts = " UNION ALL ".join(
        f"SELECT '{code}' AS code, (SELECT count(*) FROM \"{schema}\".orgs_partyorg) AS orgs,"
        f' (SELECT count(*) FROM "{schema}".members_member) AS members'
        for code, schema in schemas.items()
    )
    return f"""
SELECT json_build_object('data', json_build_object('districts', json_agg(json_build_object(
  'code', d.code, 'name', d.name,
  'orgCount', CASE WHEN t.orgs >= {min_count} THEN t.orgs END,
  'memberCount', CASE WHEN t.members >= {min_count} THEN t.members END) ORDER BY d.code)))::text
FROM tenants_district d JOIN ({parts}) t ON t.code = d.code"""


def municipal_floor_view(request: HttpRequest) -> HttpResponse:
    """The body is {"schemas": {code: schema}} (the harness knows them; no lookup here)."""
    from django.conf import settings

    statement = municipal_statement(
        json.loads(request.body)["schemas"], settings.MUNICIPAL_MIN_COUNT
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        (body,) = cursor.fetchone()
    return HttpResponse(body, content_type="application/json")
