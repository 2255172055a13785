"""Member rules: identity from the ID number, age and dates, and where a member may belong."""

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from backend.common.validation import ValidationFailed
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create, member_update
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.services import UnitData, unit_create

pytestmark = pytest.mark.usefixtures("in_alpha")

# Region 110109 with birth years in the 1950s: no seeded member uses these numbers.
REGION = "110109"

# member_update locks the row with select_for_update().select_related("org", "residence_community",
# "work_unit"); the last two are nullable FKs, so the joins are LEFT OUTER JOINs and PostgreSQL
# refuses FOR UPDATE on them: every call fails.


def _code() -> str:
    return f"m-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def orgs() -> dict[str, PartyOrg]:
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(code=_code(), name="街道", kind="street_working_committee", parent=root)
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=street)
    general = org_create(code=_code(), name="总支", kind="community_general_branch", parent=street)
    branch = org_create(code=_code(), name="小区支部", kind="compound_branch", parent=community)
    return {
        "street": street,
        "community": community,
        "general": general,
        "branch": branch,
        "group": org_create(code=_code(), name="党小组", kind="party_group", parent=branch),
        "building": org_create(code=_code(), name="门栋", kind="building_group", parent=branch),
    }


def _id(born: date = date(1955, 4, 8), sequence: int = 301) -> str:
    return make_id_number(REGION, born, sequence)


def _data(org: PartyOrg, **overrides) -> MemberData:
    values: dict[str, Any] = {
        "name": "张三",
        "id_number": _id(),
        "education": "bachelor",
        "joined_on": date(1985, 7, 1),
        "status": "full",
        "category": "retired",
        "org": org,
    }
    values.update(overrides)
    return MemberData(**values)


def _refused(data: MemberData) -> set[tuple[str, str]]:
    before = Member.objects.count()
    with pytest.raises(ValidationFailed) as excinfo:
        member_create(data=data)
    assert Member.objects.count() == before
    assert all(e.message for e in excinfo.value.errors)
    return {(e.field, e.code) for e in excinfo.value.errors}


# --- happy paths ------------------------------------------------------------------------------


def test_birth_date_and_gender_come_from_the_id_number(orgs):
    man = member_create(data=_data(orgs["branch"], id_number=_id(date(1955, 4, 8), 301)))
    woman = member_create(data=_data(orgs["branch"], id_number=_id(date(1956, 9, 30), 302)))
    assert (man.gender, man.birth_date) == ("male", date(1955, 4, 8))
    assert (woman.gender, woman.birth_date) == ("female", date(1956, 9, 30))
    stored = Member.objects.get(pk=woman.pk)
    assert (stored.gender, stored.birth_date) == ("female", date(1956, 9, 30))


def test_consistent_gender_and_birth_date_are_accepted(orgs):
    member = member_create(data=_data(orgs["branch"], gender="male", birth_date=date(1955, 4, 8)))
    assert (member.gender, member.birth_date) == ("male", date(1955, 4, 8))


def test_lower_case_x_check_character_is_stored_upper_case(orgs):
    number = next(n for seq in range(300, 400) if (n := _id(date(1957, 2, 3), seq)).endswith("X"))
    member = member_create(data=_data(orgs["branch"], id_number=f" {number.lower()} "))
    assert Member.objects.get(pk=member.pk).id_number == number
    assert member.birth_date == date(1957, 2, 3)


def test_name_and_phone_are_trimmed(orgs):
    member = member_create(data=_data(orgs["branch"], name="  李四 ", phone=" 13912345678 "))
    stored = Member.objects.get(pk=member.pk)
    assert (stored.name, stored.phone) == ("李四", "13912345678")


@pytest.mark.parametrize(
    "phone", ["13912345678", "19900001111", "010-12345678", "0571-8765432", ""]
)
def test_mobile_and_landline_numbers_are_accepted(orgs, phone):
    assert member_create(data=_data(orgs["branch"], phone=phone)).phone == phone


def test_in_service_member_may_report_to_a_residence_community(orgs):
    unit = unit_create(data=UnitData(name=f"单位{uuid.uuid4().hex[:6]}", kind="organ"))
    member = member_create(
        data=_data(
            orgs["branch"],
            category="in_service",
            residence_community=orgs["general"],
            work_unit=unit,
        )
    )
    stored = Member.objects.get(pk=member.pk)
    assert (stored.residence_community_id, stored.work_unit_id) == (orgs["general"].pk, unit.pk)


def test_joining_on_the_eighteenth_birthday_is_accepted(orgs):
    member = member_create(
        data=_data(
            orgs["branch"], id_number=_id(date(1960, 2, 29), 303), joined_on=date(1978, 3, 1)
        )
    )
    assert member.joined_on == date(1978, 3, 1)


# --- refusals on create -----------------------------------------------------------------------


def test_name_is_required_and_limited(orgs):
    assert _refused(_data(orgs["branch"], name="  ")) == {("name", "REQUIRED")}
    assert _refused(_data(orgs["branch"], name="名" * 51)) == {("name", "TOO_LONG")}


def test_unknown_choices_are_refused(orgs):
    assert _refused(
        _data(orgs["branch"], education="phd", status="honorary", category="overseas")
    ) == {("education", "INVALID"), ("status", "INVALID"), ("category", "INVALID")}


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        ("1101091955040830", "ID_FORMAT"),
        ("11010919550408301A", "ID_FORMAT"),
        ("110109195502303011", "ID_BIRTH_DATE"),
    ],
)
def test_bad_id_numbers_are_refused(orgs, id_number, code):
    assert _refused(_data(orgs["branch"], id_number=id_number)) == {("idNumber", code)}


def test_wrong_check_digit_is_refused(orgs):
    valid = _id()
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    assert _refused(_data(orgs["branch"], id_number=wrong)) == {("idNumber", "ID_CHECKSUM")}


def test_future_birth_date_in_id_number_is_refused(orgs):
    number = make_id_number(REGION, date.today() + timedelta(days=2), 301)
    assert _refused(_data(orgs["branch"], id_number=number)) == {("idNumber", "ID_BIRTH_DATE")}


def test_duplicate_id_number_is_refused_even_with_lower_case_x(orgs):
    number = next(n for seq in range(400, 500) if (n := _id(date(1958, 8, 8), seq)).endswith("X"))
    member_create(data=_data(orgs["branch"], id_number=number))
    assert _refused(_data(orgs["general"], id_number=number)) == {("idNumber", "DUPLICATE")}
    assert _refused(_data(orgs["general"], id_number=number.lower())) == {("idNumber", "DUPLICATE")}


def test_gender_contradicting_the_id_number_is_refused(orgs):
    # Sequence 301 is odd: a man.
    assert _refused(_data(orgs["branch"], gender="female")) == {("gender", "MISMATCH_ID_NUMBER")}


def test_birth_date_contradicting_the_id_number_is_refused(orgs):
    assert _refused(_data(orgs["branch"], birth_date=date(1955, 4, 9))) == {
        ("birthDate", "MISMATCH_ID_NUMBER")
    }


def test_joining_before_eighteen_is_refused(orgs):
    assert _refused(
        _data(orgs["branch"], id_number=_id(date(1960, 3, 1), 305), joined_on=date(1978, 2, 28))
    ) == {("joinedOn", "TOO_YOUNG")}


def test_joining_in_the_future_is_refused(orgs):
    assert _refused(_data(orgs["branch"], joined_on=date.today() + timedelta(days=1))) == {
        ("joinedOn", "IN_FUTURE")
    }


@pytest.mark.parametrize("phone", ["1391234567", "12912345678", "139-1234-5678", "12345", "abc"])
def test_malformed_phone_is_refused(orgs, phone):
    assert _refused(_data(orgs["branch"], phone=phone)) == {("phone", "INVALID")}


@pytest.mark.parametrize("org_key", ["group", "building"])
def test_organisational_relation_cannot_be_in_a_party_group(orgs, org_key):
    assert _refused(_data(orgs[org_key])) == {("orgId", "INVALID_ORG_KIND")}


def test_only_in_service_members_report_to_a_residence_community(orgs):
    assert _refused(
        _data(orgs["branch"], category="retired", residence_community=orgs["community"])
    ) == {("residenceCommunityId", "NOT_ALLOWED")}


@pytest.mark.parametrize("org_key", ["street", "branch", "group"])
def test_residence_community_must_be_a_community_org(orgs, org_key):
    assert _refused(
        _data(orgs["branch"], category="in_service", residence_community=orgs[org_key])
    ) == {("residenceCommunityId", "INVALID_ORG_KIND")}


def test_several_problems_are_reported_together(orgs):
    assert _refused(
        _data(orgs["group"], name="", gender="female", phone="123", joined_on=date(1960, 1, 1))
    ) == {
        ("name", "REQUIRED"),
        ("gender", "MISMATCH_ID_NUMBER"),
        ("phone", "INVALID"),
        ("joinedOn", "TOO_YOUNG"),
        ("orgId", "INVALID_ORG_KIND"),
    }


# --- member_update ----------------------------------------------------------------------------


def test_update_changes_only_the_given_fields(orgs):
    member = member_create(data=_data(orgs["branch"], phone="13900000000"))
    member_update(member=member, changes={"phone": "13911112222", "org": orgs["general"]})
    stored = Member.objects.get(pk=member.pk)
    assert (stored.phone, stored.org_id, stored.name, stored.id_number) == (
        "13911112222",
        orgs["general"].pk,
        "张三",
        _id(),
    )


def test_update_to_another_members_id_number_is_refused(orgs):
    member_create(data=_data(orgs["branch"]))
    other = member_create(data=_data(orgs["branch"], id_number=_id(date(1955, 4, 8), 311)))
    with pytest.raises(ValidationFailed) as excinfo:
        member_update(
            member=other, changes={"id_number": _id(), "gender": None, "birth_date": None}
        )
    assert {(e.field, e.code) for e in excinfo.value.errors} == {("idNumber", "DUPLICATE")}
    assert Member.objects.get(pk=other.pk).id_number == _id(date(1955, 4, 8), 311)


def test_update_with_a_new_id_number_rederives_birth_date_and_gender(orgs):
    member = member_create(data=_data(orgs["branch"]))
    member_update(
        member=member,
        changes={"id_number": _id(date(1959, 12, 1), 312), "gender": None, "birth_date": None},
    )
    stored = Member.objects.get(pk=member.pk)
    assert (stored.gender, stored.birth_date) == ("female", date(1959, 12, 1))


def test_update_moving_the_relation_into_a_party_group_is_refused(orgs):
    member = member_create(data=_data(orgs["branch"]))
    with pytest.raises(ValidationFailed) as excinfo:
        member_update(member=member, changes={"org": orgs["group"]})
    assert {(e.field, e.code) for e in excinfo.value.errors} == {("orgId", "INVALID_ORG_KIND")}
    assert Member.objects.get(pk=member.pk).org_id == orgs["branch"].pk


def test_update_leaving_in_service_must_drop_the_residence_community(orgs):
    member = member_create(
        data=_data(orgs["branch"], category="in_service", residence_community=orgs["community"])
    )
    with pytest.raises(ValidationFailed) as excinfo:
        member_update(member=member, changes={"category": "retired"})
    assert {(e.field, e.code) for e in excinfo.value.errors} == {
        ("residenceCommunityId", "NOT_ALLOWED")
    }
    assert Member.objects.get(pk=member.pk).category == "in_service"
