"""One council of each kind of object in each seeded district, for the canary matrix
(isolation_cases.py): a joint meeting of the community s1-c1 with a member org and unit, and a
meeting with an attendee, a resolution and an overdue follow-up."""

from datetime import date

from backend.councils.models import (
    Council,
    CouncilFollowUp,
    CouncilMeeting,
    CouncilMeetingAttendee,
    CouncilMembership,
    CouncilResolution,
)
from backend.orgs.models import PartyOrg
from backend.units.models import Unit
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    community = PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"])
    council = Council.objects.create(
        kind="community_joint_meeting",
        name=f"{seeded.canary}社区党建工作联席会",
        host_org=community,
        established_on=date(2023, 1, 1),
    )
    membership = CouncilMembership.objects.create(
        council=council,
        org=PartyOrg.objects.get(pk=seeded.org_pks["s1-c1-b1"]),
        role="director",
        joined_on=date(2023, 1, 1),
    )
    CouncilMembership.objects.create(
        council=council, unit=Unit.objects.get(pk=seeded.unit_pk), joined_on=date(2023, 2, 1)
    )
    meeting = CouncilMeeting.objects.create(
        council=council,
        held_on=date(2024, 3, 1),
        topic=f"{seeded.canary}联席会议",
        place=f"{seeded.canary}社区服务中心",
    )
    attendee = CouncilMeetingAttendee.objects.create(meeting=meeting, membership=membership)
    CouncilMeetingAttendee.objects.create(
        meeting=meeting, person_name=f"{seeded.canary}主任", person_title="社区党委书记"
    )
    resolution = CouncilResolution.objects.create(
        meeting=meeting, position=1, text=f"{seeded.canary}决议"
    )
    follow_up = CouncilFollowUp.objects.create(
        meeting=meeting,
        position=1,
        title=f"{seeded.canary}事项",
        owner_org=membership.org,
        owner_person=f"{seeded.canary}责任人",
        due_on=date(2024, 4, 1),
        note=f"{seeded.canary}备注",
    )
    return {
        "Council": council.pk,
        "CouncilMembership": membership.pk,
        "CouncilMeeting": meeting.pk,
        "CouncilMeetingAttendee": attendee.pk,
        "CouncilResolution": resolution.pk,
        "CouncilFollowUp": follow_up.pk,
    }
