"""In-process: councils hosted by the district committee (the research society and its street
branches), the database's own guards, and the audit trail. Rolled back with each test."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from backend.audit.models import AuditEntry
from backend.common.validation import ValidationFailed
from backend.councils import services
from backend.councils.meetings import FollowUpData, MeetingData, meeting_record
from backend.councils.models import Council, CouncilFollowUp, CouncilMembership
from backend.orgs.models import PartyOrg
from tests.councils.world import World, build_world

pytestmark = pytest.mark.usefixtures("in_alpha")


@pytest.fixture
def world() -> World:
    # Another app's data may hold an active district-level council: out of the way here.
    Council.objects.filter(host_org__parent__isnull=True, dissolved_on__isnull=True).update(
        dissolved_on=date.today()
    )
    return build_world("服务")


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in exc.value.errors}


def _create(kind: str, host: PartyOrg, **extra: object) -> Council:
    return services.council_create(
        data=services.CouncilData(kind=kind, name=f"{kind}名称", host_org=host, **extra)  # type: ignore[arg-type]
    )


def test_research_society_and_branches(world: World) -> None:
    root = PartyOrg.objects.get(parent__isnull=True)
    committee = _create("district_guidance_committee", root, established_on=date(2020, 1, 1))
    assert committee.host_org == root
    society = _create("research_society", root)
    branch = _create("research_society_branch", world.street, parent=society)
    with pytest.raises(ValidationFailed) as exc:
        _create("research_society_branch", world.other_street, parent=committee)
    assert _codes(exc) == {("parentId", "INVALID_PARENT")}
    with pytest.raises(ValidationFailed) as exc:
        _create("research_society_branch", world.communities[0], parent=society)
    assert _codes(exc) == {("hostOrgId", "INVALID_ORG_KIND")}
    with pytest.raises(ValidationFailed) as exc:
        services.council_dissolve(council=society, dissolved_on=date(2025, 1, 1))
    assert _codes(exc) == {("id", "HAS_ACTIVE_BRANCHES")}
    services.council_dissolve(council=branch, dissolved_on=date(2025, 1, 1))
    services.council_dissolve(council=society, dissolved_on=date(2025, 1, 1))
    with pytest.raises(ValidationFailed) as exc:
        _create("research_society_branch", world.other_street, parent=society)
    assert _codes(exc) == {("parentId", "DISSOLVED")}
    # A dissolved society makes way for a new one at the same host.
    assert _create("research_society", root).pk != society.pk
    actions = set(
        AuditEntry.objects.filter(target_id__in=[society.pk, branch.pk]).values_list(
            "action", flat=True
        )
    )
    assert {"council.create", "council.dissolve"} <= actions


def test_database_guards(world: World) -> None:
    council = _create("community_joint_meeting", world.communities[0])
    CouncilMembership.objects.create(
        council=council, org=world.compound, joined_on=date(2024, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMembership.objects.create(
            council=council, org=world.compound, joined_on=date(2024, 6, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMembership.objects.create(
            council=council, org=world.compound, unit=world.unit, joined_on=date(2024, 6, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.create(
            kind="community_joint_meeting", name="重复", host_org=world.communities[0]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.create(
            kind="liaison_station", name="有上级", host_org=world.communities[0], parent=council
        )


def test_meeting_audit_and_follow_up_owner_may_be_host(world: World) -> None:
    council = _create("liaison_station", world.communities[1])
    services.membership_join(
        data=services.JoinData(council=council, joined_on=date(2024, 1, 1), unit=world.unit)
    )
    meeting = meeting_record(
        data=MeetingData(
            council=council,
            held_on=date(2024, 3, 1),
            topic="报到工作",
            units=[world.unit],
            resolutions=["一", "二"],
            follow_ups=[
                FollowUpData(
                    title="通知报到", due_on=date(2024, 4, 1), owner_org=world.communities[1]
                ),
                FollowUpData(title="场地", due_on=date(2024, 4, 1), owner_unit=world.unit),
            ],
        )
    )
    assert CouncilFollowUp.objects.filter(meeting=meeting).count() == 2
    entry = AuditEntry.objects.get(action="council.meeting_record", target_id=meeting.pk)
    assert entry.detail["follow_ups"] == 2
