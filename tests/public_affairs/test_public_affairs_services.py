"""Public-affairs association rules in-process (rolled back): associations, areas, officers,
meetings and follow-ups, the database's guards, atomicity and deleting a linked member."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from backend.common.validation import ValidationFailed
from backend.public_affairs import selectors, services
from backend.public_affairs.models import (
    PublicAffairsAssociation,
    PublicAffairsFollowUp,
    PublicAffairsMeeting,
    PublicAffairsOfficer,
    PublicAffairsResolution,
)
from tests.public_affairs.world import World, build_world

pytestmark = pytest.mark.usefixtures("in_alpha")

TODAY = date.today()
TOMORROW = TODAY + timedelta(days=1)
FOUNDED = date(2022, 1, 10)


@pytest.fixture
def world() -> World:
    return build_world("公事服", date(1961, 2, 3))


def _codes(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    assert all(e.message for e in excinfo.value.errors)
    return {(e.field, e.code) for e in excinfo.value.errors}


def _association(world: World, index: int = 0) -> PublicAffairsAssociation:
    return services.association_create(
        data=services.AssociationData(
            community=world.communities[index], name="幸福社区公共事务协会", founded_on=FOUNDED
        )
    )


def _officer(
    association: PublicAffairsAssociation, name: str, role: str = "committee_member", **kw: object
):
    values: dict[str, object] = {"term_start": date(2023, 1, 1)} | kw
    return services.officer_appoint(
        data=services.OfficerData(association=association, name=name, role=role, **values)  # type: ignore[arg-type]
    )


def test_one_active_association_per_community(world: World) -> None:
    first = _association(world)
    with pytest.raises(ValidationFailed) as refused:
        _association(world)
    assert _codes(refused) == {("communityId", "ALREADY_ACTIVE")}
    services.association_dissolve(association=first, dissolved_on=date(2024, 1, 1))
    assert _association(world).pk != first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicAffairsAssociation.objects.create(
            community=world.communities[0], name="x", founded_on=FOUNDED
        )


def test_association_bad_input(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.association_create(
            data=services.AssociationData(community=world.street, name=" ", founded_on=TOMORROW)
        )
    assert _codes(refused) == {
        ("communityId", "INVALID_ORG_KIND"),
        ("name", "REQUIRED"),
        ("foundedOn", "IN_FUTURE"),
    }


def test_dissolving_ends_current_terms_and_leads(world: World) -> None:
    association = _association(world)
    president = _officer(association, "赵会长", "president")
    area = services.area_add(association=association, area="health", lead=president)
    with pytest.raises(ValidationFailed) as refused:
        services.association_dissolve(association=association, dissolved_on=date(2022, 12, 31))
    assert _codes(refused) == {("dissolvedOn", "BEFORE_RECORDS")}
    services.association_dissolve(association=association, dissolved_on=date(2024, 6, 30))
    president.refresh_from_db()
    area.refresh_from_db()
    assert president.term_end == date(2024, 6, 30)
    assert area.lead is None
    with pytest.raises(ValidationFailed) as again:
        services.association_dissolve(association=association, dissolved_on=date(2024, 7, 1))
    assert _codes(again) == {("id", "ALREADY_DISSOLVED")}
    with pytest.raises(ValidationFailed) as closed:
        _officer(association, "钱委员", term_start=date(2024, 7, 1))
    assert ("associationId", "DISSOLVED") in _codes(closed)


def test_one_president_at_a_time(world: World) -> None:
    association = _association(world)
    first = _officer(association, "孙会长", "president")
    with pytest.raises(ValidationFailed) as refused:
        _officer(association, "李会长", "president", term_start=date(2024, 1, 1))
    assert _codes(refused) == {("role", "OVERLAP")}
    # A past term overlapping the current one is refused too.
    with pytest.raises(ValidationFailed) as past:
        _officer(
            association,
            "周会长",
            "president",
            term_start=date(2022, 2, 1),
            term_end=date(2023, 1, 1),
        )
    assert _codes(past) == {("role", "OVERLAP")}
    services.officer_end(officer=first, term_end=date(2024, 12, 31))
    successor = _officer(association, "李会长", "president", term_start=date(2025, 1, 1))
    assert successor.term_end is None
    # The database refuses a second current 会长 that skipped the checks.
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicAffairsOfficer.objects.create(
            association=association, name="吴", role="president", term_start=date(2025, 2, 1)
        )


def test_no_overlapping_terms_of_a_person_in_a_role(world: World) -> None:
    association = _association(world)
    _officer(association, "郑委员", term_start=date(2023, 1, 1), term_end=date(2023, 12, 31))
    with pytest.raises(ValidationFailed) as refused:
        _officer(association, "郑委员", term_start=date(2023, 6, 1))
    assert _codes(refused) == {("name", "OVERLAP")}
    # Another role, or a term after the first, is fine.
    _officer(association, "郑委员", "clerk", term_start=date(2023, 6, 1))
    _officer(association, "郑委员", term_start=date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicAffairsOfficer.objects.create(
            association=association,
            name="郑委员",
            role="committee_member",
            term_start=date(2024, 5, 1),
        )


def test_officer_bad_input_and_phone_is_sealed(world: World) -> None:
    association = _association(world)
    other = _association(world, 1)
    foreign_area = services.area_add(association=other, area="culture")
    with pytest.raises(ValidationFailed) as refused:
        _officer(
            association,
            "",
            "committee_member",
            term_start=date(2021, 1, 1),
            term_end=date(2020, 1, 1),
            area=foreign_area,
            phone="12345",
        )
    assert _codes(refused) == {
        ("name", "REQUIRED"),
        ("areaId", "NOT_IN_ASSOCIATION"),
        ("phone", "INVALID"),
        ("termStart", "BEFORE_FOUNDED"),
        ("termEnd", "END_BEFORE_START"),
    }
    officer = _officer(association, "王秘书长", "secretary_general", phone="13912345678")
    assert officer.phone_masked == "139****5678"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone_encrypted, phone_hash FROM public_affairs_officer WHERE id = %s",
            [officer.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    assert "13912345678" not in "".join(row)
    with pytest.raises(ValidationFailed) as ended:
        services.officer_end(officer=officer, term_end=date(2022, 12, 31))
    assert _codes(ended) == {("termEnd", "END_BEFORE_START")}


def test_areas(world: World) -> None:
    association = _association(world)
    other = _association(world, 1)
    lead = _officer(association, "冯委员")
    outsider = _officer(other, "陈委员")
    area = services.area_add(association=association, area="environment", lead=lead)
    with pytest.raises(ValidationFailed) as twice:
        services.area_add(association=association, area="environment")
    assert _codes(twice) == {("area", "ALREADY_EXISTS")}
    with pytest.raises(ValidationFailed) as foreign:
        services.area_update(area=area, changes={"lead": outsider})
    assert _codes(foreign) == {("leadId", "NOT_IN_ASSOCIATION")}
    services.officer_end(officer=lead, term_end=date(2024, 1, 1))
    area.refresh_from_db()
    assert area.lead is None  # the lead's term ended
    with pytest.raises(ValidationFailed) as past:
        services.area_update(area=area, changes={"lead": lead})
    assert _codes(past) == {("leadId", "NOT_IN_OFFICE")}


def _meeting_data(
    association: PublicAffairsAssociation, officers: list[PublicAffairsOfficer], **kw: object
):
    values: dict[str, object] = {
        "association": association,
        "held_on": date(2024, 3, 1),
        "topic": "垃圾分类督导",
        "attendees": officers,
        "resolutions": [
            services.ResolutionData(
                text="分片包干",
                follow_ups=[
                    services.FollowUpData(item="排班", owner=officers[0], due_on=date(2024, 3, 15))
                ],
            ),
            services.ResolutionData(text="报社区党委"),
        ],
    } | kw
    return services.MeetingData(**values)  # type: ignore[arg-type]


def test_meeting_with_resolutions_and_overdue_follow_ups(world: World) -> None:
    association = _association(world)
    officers = [_officer(association, "甲"), _officer(association, "乙", "clerk")]
    meeting = services.meeting_record(data=_meeting_data(association, officers))
    assert list(meeting.attendees.order_by("id")) == officers
    assert [r.text for r in meeting.resolutions.all()] == ["分片包干", "报社区党委"]
    follow_up = PublicAffairsFollowUp.objects.get(resolution__meeting=meeting)
    assert list(selectors.overdue_follow_ups(association=association)) == [follow_up]
    done = services.follow_up_update(follow_up=follow_up, changes={"status": "done"})
    assert done.done_on == TODAY
    assert not selectors.overdue_follow_ups(association=association).exists()
    with pytest.raises(ValidationFailed) as early:
        services.follow_up_update(
            follow_up=follow_up, changes={"status": "done", "done_on": date(2024, 2, 1)}
        )
    assert _codes(early) == {("doneOn", "BEFORE_MEETING")}
    reopened = services.follow_up_update(follow_up=follow_up, changes={"status": "in_progress"})
    assert reopened.done_on is None


def test_meeting_bad_input_writes_nothing(world: World) -> None:
    association = _association(world)
    other = _association(world, 1)
    member = _officer(association, "甲", term_start=date(2024, 1, 1))
    outsider = _officer(other, "丙")
    data = _meeting_data(
        association,
        [member, outsider],
        held_on=date(2023, 6, 1),
        topic="",
        resolutions=[
            services.ResolutionData(text="好"),
            services.ResolutionData(
                text=" ",
                follow_ups=[
                    services.FollowUpData(item="x", owner=outsider, due_on=date(2023, 5, 1))
                ],
            ),
        ],
    )
    with pytest.raises(ValidationFailed) as refused:
        services.meeting_record(data=data)
    assert _codes(refused) == {
        ("topic", "REQUIRED"),
        ("attendeeIds", "NOT_IN_OFFICE"),
        ("resolutions.1.text", "REQUIRED"),
        ("resolutions.1.followUps.0.ownerId", "NOT_IN_OFFICE"),
        ("resolutions.1.followUps.0.dueOn", "BEFORE_MEETING"),
    }
    assert not PublicAffairsMeeting.objects.filter(association=association).exists()


def test_meeting_failing_midway_leaves_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    association = _association(world)
    officers = [_officer(association, "甲")]

    def broken(*args: object, **kwargs: object) -> None:
        raise IntegrityError("as if the follow-ups could not be written")

    monkeypatch.setattr(PublicAffairsFollowUp.objects, "bulk_create", broken)
    with pytest.raises(IntegrityError):
        services.meeting_record(data=_meeting_data(association, officers))
    assert not PublicAffairsMeeting.objects.filter(association=association).exists()
    assert not PublicAffairsResolution.objects.filter(meeting__association=association).exists()


def test_deleting_a_linked_member_keeps_the_officer(world: World) -> None:
    association = _association(world)
    member = world.members[0]
    officer = services.officer_appoint(
        data=services.OfficerData(
            association=association,
            name="",
            role="vice_president",
            term_start=date(2023, 1, 1),
            member=member,
        )
    )
    assert officer.name == member.name
    services.meeting_record(data=_meeting_data(association, [officer]))
    member.delete()
    officer.refresh_from_db()
    assert officer.member is None
    assert officer.name == world.members[0].name
    assert PublicAffairsFollowUp.objects.filter(owner=officer).exists()


def test_current_officers_selector(world: World) -> None:
    association = _association(world)
    now = _officer(association, "现任")
    _officer(association, "前任", term_start=date(2022, 2, 1), term_end=date(2022, 12, 31))
    assert list(selectors.officer_list(association=association, current=True)) == [now]
    assert selectors.officer_list(association=association, current=False).count() == 1


def test_founding_date_cannot_pass_the_records(world: World) -> None:
    association = _association(world)
    _officer(association, "早任", term_start=date(2022, 6, 1))
    with pytest.raises(ValidationFailed) as refused:
        services.association_update(
            association=association, changes={"founded_on": date(2022, 7, 1)}
        )
    assert _codes(refused) == {("foundedOn", "AFTER_RECORDS")}
    moved = services.association_update(
        association=association, changes={"founded_on": date(2022, 5, 1), "name": " 新名 "}
    )
    assert (moved.founded_on, moved.name) == (date(2022, 5, 1), "新名")


def test_follow_up_bad_input(world: World) -> None:
    association = _association(world)
    officers = [_officer(association, "甲")]
    meeting = services.meeting_record(data=_meeting_data(association, officers))
    follow_up = PublicAffairsFollowUp.objects.get(resolution__meeting=meeting)
    with pytest.raises(ValidationFailed) as refused:
        services.follow_up_update(
            follow_up=follow_up,
            changes={"status": "open", "done_on": date(2024, 4, 1), "due_on": date(2024, 1, 1)},
        )
    assert _codes(refused) == {("doneOn", "INVALID"), ("dueOn", "BEFORE_MEETING")}
    with pytest.raises(ValidationFailed) as future:
        services.follow_up_update(
            follow_up=follow_up, changes={"status": "done", "done_on": TOMORROW}
        )
    assert _codes(future) == {("doneOn", "IN_FUTURE")}
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicAffairsFollowUp.objects.filter(pk=follow_up.pk).update(status="done")
