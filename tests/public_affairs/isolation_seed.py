"""One public-affairs association in each seeded district, with an area, officers (one of them
a seeded member), a meeting, a resolution and an overdue follow-up, for the canary matrix
(isolation_cases.py)."""

from datetime import date, timedelta

from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.public_affairs.models import (
    PublicAffairsArea,
    PublicAffairsAssociation,
    PublicAffairsFollowUp,
    PublicAffairsMeeting,
    PublicAffairsOfficer,
    PublicAffairsResolution,
)
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    canary = seeded.canary
    association = PublicAffairsAssociation.objects.create(
        community=PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"]),
        name=f"{canary}公共事务协会",
        founded_on=date(2020, 1, 1),
        charter=f"{canary}章程",
    )
    area = PublicAffairsArea.objects.create(
        association=association, area="health", description=f"{canary}卫生"
    )
    officer = PublicAffairsOfficer(
        association=association,
        name=f"{canary}会长",
        role="president",
        area=area,
        term_start=date(2020, 1, 1),
        member=Member.objects.get(pk=seeded.member_pks[4]),
    )
    officer.set_phone("13700001234")
    officer.save()
    area.lead = officer
    area.save()
    held = date.today() - timedelta(days=60)
    meeting = PublicAffairsMeeting.objects.create(
        association=association, held_on=held, topic=f"{canary}议题", notes=f"{canary}纪要"
    )
    meeting.attendees.add(officer)
    resolution = PublicAffairsResolution.objects.create(
        meeting=meeting, position=1, text=f"{canary}决议"
    )
    follow_up = PublicAffairsFollowUp.objects.create(
        resolution=resolution,
        item=f"{canary}督办事项",
        owner=officer,
        due_on=held + timedelta(days=14),
    )
    return {
        "PublicAffairsAssociation": association.pk,
        "PublicAffairsArea": area.pk,
        "PublicAffairsOfficer": officer.pk,
        "PublicAffairsMeeting": meeting.pk,
        "PublicAffairsResolution": resolution.pk,
        "PublicAffairsFollowUp": follow_up.pk,
    }
