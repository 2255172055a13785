"""Demo 党建指导员 and 党建联络员: the street of a unit's locality assigns an instructor to most
non-public enterprises and social organisations that have no Party organisation of their own
(none, or attached), some of them after a predecessor whose assignment has ended, and a liaison
to some units of every status. Units that already have someone in a role are left alone."""

import random
from datetime import date, timedelta

from backend.demo import names
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.units.models import AssignmentRole, PartyOrgStatus, Unit, UnitAssignment, UnitKind

IN_SCOPE = (UnitKind.NON_PUBLIC_ENTERPRISE, UnitKind.SOCIAL_ORGANISATION)
WITHOUT_OWN_ORG = (PartyOrgStatus.NONE, PartyOrgStatus.ATTACHED)
INSTRUCTOR_SHARE = 0.7
LIAISON_SHARE = 0.3
NOTES = ("街道党工委选派", "机关干部兼任", "退休老党员担任", "")


def _person(rng: random.Random) -> str:
    given = names.GIVEN_NAMES[rng.choice(("old", "mid"))][rng.choice(("male", "female"))]
    return rng.choice(names.SURNAMES[:60]) + rng.choice(given)


def _assigner(unit: Unit, root: PartyOrg) -> PartyOrg:
    """The street whose area the unit sits in; the district committee if that is unknown."""
    locality = unit.locality
    if locality is None:
        return root
    if locality.kind == PartyOrgKind.STREET_WORKING_COMMITTEE or locality.parent is None:
        return locality
    return locality.parent


def _assignments(
    rng: random.Random, unit: Unit, role: str, by: PartyOrg, today: date
) -> list[UnitAssignment]:
    start = today - timedelta(days=rng.randint(30, 1200))
    rows = []
    if rng.random() < 0.25:  # a predecessor served until the current one took over
        first = start - timedelta(days=rng.randint(200, 900))
        rows.append(_row(rng, unit, role, by, first, start))
    rows.append(_row(rng, unit, role, by, start, None))
    return rows


def _row(
    rng: random.Random, unit: Unit, role: str, by: PartyOrg, start: date, end: date | None
) -> UnitAssignment:
    return UnitAssignment(
        unit=unit,
        role=role,
        person_name=_person(rng),
        assigned_by=by,
        start_date=start,
        end_date=end,
        note=rng.choice(NOTES),
    )


def populate(rng: random.Random, today: date) -> dict[str, int]:
    root = PartyOrg.objects.get(parent__isnull=True)
    taken = set(UnitAssignment.objects.values_list("unit_id", "role"))
    units = Unit.objects.filter(kind__in=IN_SCOPE).select_related("locality__parent").order_by("id")
    rows: list[UnitAssignment] = []
    counts = {"instructors": 0, "liaisons": 0}
    for unit in units:
        by = _assigner(unit, root)
        if (
            unit.party_org_status in WITHOUT_OWN_ORG
            and (unit.pk, AssignmentRole.INSTRUCTOR) not in taken
            and rng.random() < INSTRUCTOR_SHARE
        ):
            rows += _assignments(rng, unit, AssignmentRole.INSTRUCTOR, by, today)
            counts["instructors"] += 1
        if (unit.pk, AssignmentRole.LIAISON) not in taken and rng.random() < LIAISON_SHARE:
            rows += _assignments(rng, unit, AssignmentRole.LIAISON, by, today)
            counts["liaisons"] += 1
    UnitAssignment.objects.bulk_create(rows)
    return counts
