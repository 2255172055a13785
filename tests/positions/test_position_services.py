"""In-process: the database's own guard on one open position per kind, and area."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from backend.positions.models import Position
from tests.secondments.world import World, build_world

pytestmark = pytest.mark.usefixtures("in_alpha")


@pytest.fixture
def world() -> World:
    return build_world("阵地服务", date(1979, 5, 5), cadres=0)


def test_database_allows_one_open_position_per_kind(world: World) -> None:
    community = world.communities[0]
    Position.objects.create(community=community, kind="member_home", name="旧党员之家")
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(community=community, kind="member_home", name="新党员之家")
    Position.objects.filter(community=community).update(
        opened_on=date(2020, 1, 1), closed_on=date(2024, 1, 1)
    )
    Position.objects.create(community=community, kind="member_home", name="新党员之家")
    assert Position.objects.filter(community=community).count() == 2


def test_database_refuses_non_positive_area(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            community=world.communities[0], kind="activity_room", name="x", area_m2=0
        )


def test_a_concurrent_second_open_position_is_reported(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.common.validation import ValidationFailed
    from backend.positions import services

    data = services.PositionData(community=world.communities[1], kind="liaison_station", name="站")
    services.position_create(data=data)
    # As if a concurrent request had committed its station after this one's check.
    monkeypatch.setattr(services, "_another_open", lambda data, position_id: False)
    with pytest.raises(ValidationFailed) as refused:
        services.position_create(data=data)
    assert [(e.field, e.code) for e in refused.value.errors] == [("kind", "ALREADY_OPEN")]
