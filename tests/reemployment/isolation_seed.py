"""Employment archives in each seeded district, for the canary matrix (isolation_cases.py): the
laid-off member 2 re-employed themselves, and led a non-member canary worker into work after a
course; services write them, so they follow the app's rules."""

from datetime import date
from decimal import Decimal

from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.reemployment.checks import WorkerData
from backend.reemployment.services import archive_register, status_change
from backend.reemployment.trainings import TrainingData, training_add
from tests.support.seed import SeededDistrict

LAID_OFF_MEMBER = 2  # tests/support/seed.py: member 2 is laid off, in s1-c1-b1


def seed(seeded: SeededDistrict) -> dict[str, int]:
    community = PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"])
    leader = archive_register(
        community=community,
        registered_on=date(2025, 1, 2),
        member=Member.objects.get(pk=seeded.member_pks[LAID_OFF_MEMBER]),
        former_employer=f"{seeded.canary}纺织厂",
    )
    status_change(
        archive=leader,
        to_status="reemployed",
        changed_on=date(2025, 2, 1),
        employer=f"{seeded.canary}家政公司",
    )
    region = seeded.id_numbers[0][:6]
    worker = archive_register(
        community=community,
        registered_on=date(2025, 1, 10),
        worker=WorkerData(
            name=f"{seeded.canary}职工",
            id_number=make_id_number(region, date(1975, 6, 1), 951),
            phone=f"137{region[:4]}9999",
        ),
    )
    status_change(archive=worker, to_status="in_training", changed_on=date(2025, 2, 10))
    training = training_add(
        archive=worker,
        data=TrainingData(
            course=f"{seeded.canary}养老护理员",
            provider="市民学校",
            started_on=date(2025, 2, 10),
            ended_on=date(2025, 3, 10),
            hours=Decimal(80),
            result="certificate",
        ),
    )
    status_change(
        archive=worker,
        to_status="reemployed",
        changed_on=date(2025, 4, 1),
        employer=f"{seeded.canary}家政公司",
        led_by=leader,
    )
    led = worker.status_changes.get(to_status="reemployed")
    return {
        "EmploymentArchive": worker.pk,
        "EmploymentStatusChange": led.pk,
        "TrainingRecord": training.pk,
    }
