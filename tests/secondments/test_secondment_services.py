"""In-process: what the database itself guarantees, atomic refusals, and a cadre's member record
leaving the district without taking the community's record with it."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from backend.campaigns.models import Campaign
from backend.common.validation import ValidationFailed
from backend.members.models import Member
from backend.secondments.models import Secondment
from backend.secondments.services import (
    SecondmentData,
    secondment_create,
    secondment_end,
    secondment_update,
)
from tests.secondments.world import World, build_world

pytestmark = pytest.mark.usefixtures("in_alpha")

TODAY = date.today()


@pytest.fixture
def world() -> World:
    return build_world("服务", date(1978, 4, 4), cadres=2)


def _data(world: World, cadre: int = 0, **overrides: object) -> SecondmentData:
    values: dict[str, object] = {
        "cadre": world.cadres[cadre],
        "community": world.communities[0],
        "campaign": Campaign.objects.get(code="hundred_cadres_community"),
        "started_on": TODAY - timedelta(days=60),
        "planned_end_on": TODAY + timedelta(days=120),
        "rank": "处级",
        **overrides,
    }
    return SecondmentData(**values)  # type: ignore[arg-type]


def test_deleting_the_cadre_keeps_the_record(world: World) -> None:
    secondment = secondment_create(data=_data(world))
    cadre = world.cadres[0]
    Member.objects.filter(pk=cadre.pk).delete()  # e.g. a transfer to another district
    secondment.refresh_from_db()
    assert secondment.cadre is None
    assert secondment.cadre_name == cadre.name
    # The record can still be ended and changed.
    secondment_end(secondment=secondment, ended_on=TODAY, summary="完成蹲点")
    secondment_update(secondment=secondment, changes={"tasks": "整理台账"})
    assert Secondment.objects.get(pk=secondment.pk).tasks == "整理台账"


def test_database_refuses_overlap(world: World) -> None:
    secondment_create(data=_data(world))
    with pytest.raises(IntegrityError), transaction.atomic():
        Secondment.objects.create(
            cadre=world.cadres[0],
            cadre_name="x",
            community=world.communities[1],
            campaign=Campaign.objects.get(code="cadres_to_grassroots"),
            started_on=TODAY + timedelta(days=300),
            planned_end_on=TODAY + timedelta(days=400),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Secondment.objects.create(
            cadre=world.cadres[1],
            cadre_name="x",
            community=world.communities[1],
            campaign=Campaign.objects.get(code="cadres_to_grassroots"),
            started_on=TODAY,
            planned_end_on=TODAY - timedelta(days=1),
        )


def test_overlap_on_update_and_refusals_write_nothing(world: World) -> None:
    current = secondment_create(data=_data(world))
    past = secondment_create(
        data=_data(
            world,
            started_on=TODAY - timedelta(days=400),
            planned_end_on=TODAY - timedelta(days=300),
            ended_on=TODAY - timedelta(days=300),
        )
    )
    with pytest.raises(ValidationFailed) as refused:
        secondment_update(secondment=past, changes={"started_on": TODAY - timedelta(days=30)})
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("plannedEndOn", "END_BEFORE_START"),
        ("endedOn", "END_BEFORE_START"),
    ]
    with pytest.raises(ValidationFailed) as moved:
        secondment_update(secondment=current, changes={"started_on": TODAY - timedelta(days=310)})
    assert [e.code for e in moved.value.errors] == ["OVERLAP"]
    current.refresh_from_db()
    assert current.started_on == TODAY - timedelta(days=60)
    before = Secondment.objects.count()
    with pytest.raises(ValidationFailed):
        secondment_create(data=_data(world, cadre=1, planned_end_on=TODAY - timedelta(days=61)))
    assert Secondment.objects.count() == before


def test_a_concurrent_overlap_is_reported_as_overlap(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests that both passed the check: the exclusion constraint refuses the second, and
    the service reports it like the checked case (the constraint keeps its name in every
    district's schema)."""
    from backend.secondments import services

    secondment_create(data=_data(world))
    monkeypatch.setattr(services, "_overlaps", lambda data, secondment_id: False)
    with pytest.raises(ValidationFailed) as refused:
        secondment_create(data=_data(world, community=world.communities[1]))
    assert [(e.field, e.code) for e in refused.value.errors] == [("startedOn", "OVERLAP")]
