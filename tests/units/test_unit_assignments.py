"""A unit's locality (属地) and its 党建指导员/联络员: the rules the services keep (in-process,
alpha)."""

import uuid
from datetime import date, timedelta

import pytest

from backend.audit.models import AuditEntry
from backend.common.validation import ValidationFailed
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit, UnitAssignment
from backend.units.services import (
    AssignmentData,
    UnitData,
    unit_assignment_create,
    unit_assignment_delete,
    unit_assignment_end,
    unit_create,
    unit_update,
)

pytestmark = pytest.mark.usefixtures("in_alpha")


def _code() -> str:
    return f"ua-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def orgs() -> dict[str, PartyOrg]:
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(code=_code(), name="街道", kind="street_working_committee", parent=root)
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=street)
    branch = org_create(code=_code(), name="小区党支部", kind="compound_branch", parent=community)
    return {
        "street": street,
        "community": community,
        "general": org_create(
            code=_code(), name="社区党总支", kind="community_general_branch", parent=street
        ),
        "branch": branch,
        "group": org_create(code=_code(), name="党小组", kind="party_group", parent=branch),
        "joint": org_create(code=_code(), name="联合党支部", kind="joint_branch", parent=street),
    }


@pytest.fixture
def unit() -> Unit:
    return unit_create(
        data=UnitData(name=f"无党组织企业{uuid.uuid4().hex[:6]}", kind="non_public_enterprise")
    )


def _codes(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    assert all(e.message for e in excinfo.value.errors)
    return {(e.field, e.code) for e in excinfo.value.errors}


def _data(unit: Unit, by: PartyOrg, **overrides: object) -> AssignmentData:
    values: dict[str, object] = {
        "unit": unit,
        "role": "instructor",
        "person_name": " 王建国 ",
        "assigned_by": by,
        "start_date": date(2025, 3, 1),
    }
    values.update(overrides)
    return AssignmentData(**values)  # type: ignore[arg-type]


# --- locality ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["street", "community", "general"])
def test_a_street_or_community_may_be_the_locality(orgs, key):
    unit = unit_create(
        data=UnitData(name="属地企业", kind="social_organisation", locality=orgs[key])
    )
    assert Unit.objects.get(pk=unit.pk).locality_id == orgs[key].pk


@pytest.mark.parametrize("key", ["branch", "group", "joint"])
def test_other_orgs_may_not_be_the_locality(orgs, key):
    with pytest.raises(ValidationFailed) as excinfo:
        unit_create(data=UnitData(name="属地企业", kind="social_organisation", locality=orgs[key]))
    assert _codes(excinfo) == {("localityId", "INVALID_ORG_KIND")}


def test_update_sets_and_clears_the_locality_and_audits_it(orgs, unit):
    unit_update(unit=unit, changes={"locality": orgs["community"]})
    assert Unit.objects.get(pk=unit.pk).locality_id == orgs["community"].pk
    entry = AuditEntry.objects.filter(action="unit.update", target_id=unit.pk).latest("id")
    assert entry.changes["locality_id"] == [None, orgs["community"].pk]
    unit_update(unit=unit, changes={"locality": None})
    assert Unit.objects.get(pk=unit.pk).locality_id is None
    with pytest.raises(ValidationFailed) as excinfo:
        unit_update(unit=unit, changes={"locality": orgs["joint"]})
    assert _codes(excinfo) == {("localityId", "INVALID_ORG_KIND")}


# --- assignments ------------------------------------------------------------------------------


def test_create_end_and_delete(orgs, unit):
    assignment = unit_assignment_create(data=_data(unit, orgs["street"], note=" 街道选派 "))
    fresh = UnitAssignment.objects.get(pk=assignment.pk)
    assert (fresh.person_name, fresh.note, fresh.end_date) == ("王建国", "街道选派", None)
    ended = unit_assignment_end(assignment=assignment, end_date=date(2025, 9, 1))
    assert UnitAssignment.objects.get(pk=ended.pk).end_date == date(2025, 9, 1)
    with pytest.raises(ValidationFailed) as excinfo:
        unit_assignment_end(assignment=assignment, end_date=date(2025, 10, 1))
    assert _codes(excinfo) == {("id", "ALREADY_ENDED")}
    pk = assignment.pk
    unit_assignment_delete(assignment=assignment)
    assert not UnitAssignment.objects.filter(pk=pk).exists()
    actions = list(
        AuditEntry.objects.filter(target_type="UnitAssignment", target_id=pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    # The second "end" is the refusal (ALREADY_ENDED), recorded too.
    assert actions == [
        "unit_assignment.create",
        "unit_assignment.end",
        "unit_assignment.end",
        "unit_assignment.delete",
    ]


def test_one_person_per_role_at_a_time(orgs, unit):
    first = unit_assignment_create(data=_data(unit, orgs["street"]))
    # The same role while the first serves: refused, whether it starts later or earlier.
    for start in (date(2025, 6, 1), date(2024, 12, 1)):
        with pytest.raises(ValidationFailed) as excinfo:
            unit_assignment_create(data=_data(unit, orgs["street"], start_date=start))
        assert _codes(excinfo) == {("startDate", "OVERLAP")}
    # A liaison beside the instructor is fine.
    unit_assignment_create(data=_data(unit, orgs["street"], role="liaison"))
    # Periods are [start, end): a successor may start on the day the first one's end date names.
    unit_assignment_end(assignment=first, end_date=date(2025, 8, 1))
    unit_assignment_create(data=_data(unit, orgs["street"], start_date=date(2025, 8, 1)))
    # An earlier, finished period before the first one is fine; one reaching into it is not.
    unit_assignment_create(
        data=_data(unit, orgs["street"], start_date=date(2024, 1, 1), end_date=date(2025, 3, 1))
    )
    with pytest.raises(ValidationFailed) as excinfo:
        unit_assignment_create(
            data=_data(unit, orgs["street"], start_date=date(2023, 1, 1), end_date=date(2024, 2, 1))
        )
    assert _codes(excinfo) == {("startDate", "OVERLAP")}
    assert UnitAssignment.objects.filter(unit=unit, role="instructor").count() == 3


def test_bad_input_is_refused_with_every_reason(orgs, unit):
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as excinfo:
        unit_assignment_create(
            data=_data(
                unit,
                orgs["group"],
                role="secretary",
                person_name="  ",
                start_date=tomorrow,
                note="备" * 201,
            )
        )
    assert _codes(excinfo) == {
        ("role", "INVALID"),
        ("personName", "REQUIRED"),
        ("assignedById", "INVALID_ORG_KIND"),
        ("startDate", "IN_FUTURE"),
        ("note", "TOO_LONG"),
    }
    with pytest.raises(ValidationFailed) as excinfo:
        unit_assignment_create(
            data=_data(unit, orgs["street"], person_name="名" * 51, end_date=date(2025, 2, 1))
        )
    assert _codes(excinfo) == {("personName", "TOO_LONG"), ("endDate", "END_BEFORE_START")}
    assert not UnitAssignment.objects.filter(unit=unit).exists()


def test_end_date_is_checked(orgs, unit):
    assignment = unit_assignment_create(data=_data(unit, orgs["street"]))
    with pytest.raises(ValidationFailed) as excinfo:
        unit_assignment_end(assignment=assignment, end_date=date(2025, 2, 28))
    assert _codes(excinfo) == {("endDate", "END_BEFORE_START")}
    with pytest.raises(ValidationFailed) as excinfo:
        unit_assignment_end(assignment=assignment, end_date=date.today() + timedelta(days=1))
    assert _codes(excinfo) == {("endDate", "IN_FUTURE")}
    # Ending on the first day: an empty period, allowed (recorded by mistake, then ended).
    unit_assignment_end(assignment=assignment, end_date=date(2025, 3, 1))
    assert UnitAssignment.objects.get(pk=assignment.pk).end_date == date(2025, 3, 1)


def test_deleting_a_unit_deletes_its_assignments_but_not_the_assigning_org(orgs, unit):
    assignment = unit_assignment_create(data=_data(unit, orgs["street"]))
    unit.delete()
    assert not UnitAssignment.objects.filter(pk=assignment.pk).exists()
    assert PartyOrg.objects.filter(pk=orgs["street"].pk).exists()
