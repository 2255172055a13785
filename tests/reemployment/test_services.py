"""Employment archives, status history, training and 双带: the services' rules, in-process."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from backend.common.validation import ValidationFailed
from backend.members.models import Member
from backend.positions.models import PositionKind
from backend.reemployment import services
from backend.reemployment.checks import WorkerData
from backend.reemployment.models import (
    EmploymentArchive,
    EmploymentStatusChange,
    TrainingRecord,
)
from backend.reemployment.selectors import double_lead_ranking, status_on
from backend.reemployment.services import archive_close, archive_register, status_change
from backend.reemployment.trainings import TrainingData, training_add, training_update
from tests.reemployment import support

pytestmark = pytest.mark.usefixtures("in_alpha")

TODAY = date.today()
D0 = TODAY - timedelta(days=400)


@pytest.fixture
def place():
    street = support.street()
    community = support.community(street)
    return {
        "street": street,
        "community": community,
        "other": support.community(street, "另一社区"),
        "branch": support.compound(community),
        "station": support.station(community),
    }


def _codes(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    assert all(e.message for e in excinfo.value.errors)
    return {(e.field, e.code) for e in excinfo.value.errors}


def _worker(name: str = "非党员职工", **extra) -> WorkerData:
    return WorkerData(name=name, id_number=support.id_number(), phone="13800001111", **extra)


def _register(place, *, member=None, worker=None, on=D0, **extra) -> EmploymentArchive:
    return archive_register(
        community=place["community"],
        registered_on=on,
        member=member,
        worker=worker,
        station=place["station"],
        **extra,
    )


def _refused(action, **kwargs) -> set[tuple[str, str]]:
    counts = (
        EmploymentArchive.objects.count(),
        EmploymentStatusChange.objects.count(),
        TrainingRecord.objects.count(),
    )
    with pytest.raises(ValidationFailed) as excinfo:
        action(**kwargs)
    after = (
        EmploymentArchive.objects.count(),
        EmploymentStatusChange.objects.count(),
        TrainingRecord.objects.count(),
    )
    assert after == counts
    return _codes(excinfo)


# --- registration ------------------------------------------------------------------------------


def test_a_member_archive_starts_laid_off_with_one_history_row(place):
    member = support.member(place["branch"], "王建国")
    archive = _register(place, member=member, former_employer="宁波纺织厂")
    assert (archive.status, archive.status_since, archive.person_name) == ("laid_off", D0, "王建国")
    assert archive.name == ""
    assert archive.id_number_hash == ""
    (first,) = archive.status_changes.all()
    assert (first.from_status, first.to_status, first.changed_on) == ("", "laid_off", D0)


def test_a_worker_archive_seals_the_id_number_and_phone(place):
    worker = _worker()
    archive = _register(place, worker=worker)
    assert archive.gender in {"male", "female"}
    assert archive.birth_date is not None
    assert archive.id_number_masked == f"{worker.id_number[:3]}***********{worker.id_number[-4:]}"
    assert archive.phone_masked == "138****1111"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_encrypted, phone_encrypted FROM reemployment_employmentarchive"
            " WHERE id = %s",
            [archive.pk],
        )
        stored = " ".join(cursor.fetchone())
    assert worker.id_number not in stored
    assert "13800001111" not in stored


def test_registration_rules(place):
    member = support.member(place["branch"])
    in_service = support.member(place["branch"], category="in_service")
    assert _refused(_register, place=place) == {("memberId", "REQUIRED")}
    assert _refused(_register, place=place, member=member, worker=_worker()) == {
        ("memberId", "NOT_ALLOWED")
    }
    assert _refused(_register, place=place, member=in_service) == {("memberId", "WRONG_CATEGORY")}
    assert _refused(_register, place=place, member=member, on=TODAY + timedelta(days=1)) == {
        ("registeredOn", "IN_FUTURE")
    }
    assert _refused(
        archive_register, community=place["street"], registered_on=D0, member=member
    ) == {("communityId", "INVALID_ORG_KIND")}
    _register(place, member=member)
    assert _refused(_register, place=place, member=member) == {("memberId", "ALREADY_REGISTERED")}


def test_worker_identity_rules(place):
    member = support.member(place["branch"])
    worker = _worker()
    _register(place, worker=worker)
    assert _refused(_register, place=place, worker=worker) == {("idNumber", "ALREADY_REGISTERED")}
    as_member = WorkerData(name="冒名", id_number=member.id_number)
    assert _refused(_register, place=place, worker=as_member) == {("idNumber", "IS_MEMBER")}
    bad = WorkerData(name=" ", id_number="150101196805041234", phone="12")
    assert _refused(_register, place=place, worker=bad) == {
        ("name", "REQUIRED"),
        ("phone", "INVALID"),
        ("idNumber", "ID_CHECKSUM"),
    }
    fresh = support.id_number()
    wrong = WorkerData(name="李四", id_number=fresh, birth_date=date(1901, 1, 1))
    assert _refused(_register, place=place, worker=wrong) == {("birthDate", "MISMATCH_ID_NUMBER")}


def test_the_station_must_be_this_communitys_open_reemployment_station(place):
    member = support.member(place["branch"])
    other_station = support.station(place["other"])
    home = support.station(place["other"], kind=PositionKind.MEMBER_HOME)

    def register(station):
        return archive_register(
            community=place["community"], registered_on=D0, member=member, station=station
        )

    assert _refused(register, station=other_station) == {("stationId", "NOT_IN_COMMUNITY")}
    assert _refused(register, station=home) == {("stationId", "WRONG_KIND")}
    place["station"].opened_on, place["station"].closed_on = D0 - timedelta(days=9), D0
    place["station"].save()
    assert _refused(register, station=place["station"]) == {("stationId", "STATION_CLOSED")}
    assert register(None).station is None  # the station is optional


def test_updating_an_archive(place):
    worker = _register(place, worker=_worker())
    member_archive = _register(place, member=support.member(place["branch"]))
    updated = services.archive_update(
        archive=worker, changes={"phone": "0574-87654321", "station": None, "note": "已联系"}
    )
    assert (updated.phone_masked, updated.station, updated.note) == (
        "057******4321",
        None,
        "已联系",
    )
    assert _refused(
        services.archive_update, archive=member_archive, changes={"phone": "13900000000"}
    ) == {("phone", "NOT_ALLOWED")}
    assert _refused(
        services.archive_update,
        archive=worker,
        changes={"station": support.station(place["other"]), "phone": "12"},
    ) == {("stationId", "NOT_IN_COMMUNITY"), ("phone", "INVALID")}
    archive_close(archive=worker, closed_on=TODAY, reason="other")
    assert _refused(services.archive_update, archive=worker, changes={"note": "补记"}) == {
        ("id", "ARCHIVE_CLOSED")
    }


# --- status history ---------------------------------------------------------------------------


def test_the_history_moves_through_training_into_work(place):
    archive = _register(place, worker=_worker())
    status_change(archive=archive, to_status="in_training", changed_on=D0 + timedelta(days=10))
    status_change(
        archive=archive,
        to_status="reemployed",
        changed_on=D0 + timedelta(days=60),
        employer="甬城物业公司",
        post="保安",
    )
    archive.refresh_from_db()
    assert (archive.status, archive.status_since) == ("reemployed", D0 + timedelta(days=60))
    steps = list(archive.status_changes.values_list("from_status", "to_status"))
    assert steps == [("", "laid_off"), ("laid_off", "in_training"), ("in_training", "reemployed")]
    assert status_on(archive, D0 + timedelta(days=30)) == "in_training"
    assert status_on(archive, D0 - timedelta(days=1)) is None


def test_status_change_rules(place):
    archive = _register(place, worker=_worker())
    day = D0 + timedelta(days=5)

    def change(**kwargs):
        return status_change(archive=archive, **{"changed_on": day, **kwargs})

    assert _refused(change, to_status="laid_off") == {("status", "INVALID_TRANSITION")}
    assert _refused(change, to_status="exited") == {("status", "INVALID_TRANSITION")}
    assert _refused(change, to_status="nonsense") == {("status", "INVALID")}
    assert _refused(change, to_status="reemployed") == {("employer", "REQUIRED")}
    assert _refused(change, to_status="in_training", employer="某厂") == {
        ("employer", "NOT_ALLOWED")
    }
    assert _refused(change, to_status="in_training", changed_on=D0 - timedelta(days=1)) == {
        ("changedOn", "BEFORE_PREVIOUS_CHANGE")
    }
    assert _refused(change, to_status="in_training", changed_on=TODAY + timedelta(days=1)) == {
        ("changedOn", "IN_FUTURE")
    }
    change(to_status="reemployed", employer="某厂")
    assert _refused(change, to_status="in_training") == {("status", "INVALID_TRANSITION")}
    change(to_status="flexible", employer="个体经营")  # the same day is not before it


def test_closing_ends_the_history(place):
    archive = _register(place, member=support.member(place["branch"]))
    assert _refused(
        archive_close, archive=archive, closed_on=D0 - timedelta(days=1), reason="retired"
    ) == {("closedOn", "BEFORE_PREVIOUS_CHANGE")}
    assert _refused(archive_close, archive=archive, closed_on=D0, reason="bored") == {
        ("reason", "INVALID")
    }
    archive = archive_close(archive=archive, closed_on=TODAY, reason="retired")
    assert (archive.status, archive.closed_on) == ("exited", TODAY)
    assert archive.status_changes.order_by("id").reverse()[0].note == "退休"
    assert _refused(status_change, archive=archive, to_status="in_training", changed_on=TODAY) == {
        ("archiveId", "ARCHIVE_CLOSED")
    }
    assert _refused(archive_close, archive=archive, closed_on=TODAY, reason="other") == {
        ("id", "ARCHIVE_CLOSED")
    }
    # A closed archive no longer blocks a new one for the same member.
    _register(place, member=archive.member, on=TODAY)


# --- 双带 ---------------------------------------------------------------------------------------


def _employed_leader(place, name: str = "带头人") -> EmploymentArchive:
    leader = _register(place, member=support.member(place["branch"], name))
    status_change(
        archive=leader,
        to_status="reemployed",
        changed_on=D0 + timedelta(days=20),
        employer="自办超市",
    )
    return leader


def test_a_member_leads_workers_into_work(place):
    leader = _employed_leader(place, "陈志刚")
    worker = _register(place, worker=_worker())
    status_change(
        archive=worker,
        to_status="reemployed",
        changed_on=D0 + timedelta(days=30),
        employer="自办超市",
        led_by=leader,
    )
    change = worker.status_changes.order_by("id").reverse()[0]
    assert (change.led_by, change.led_by_name) == (leader, "陈志刚")
    assert list(leader.led_changes.all()) == [change]


def test_leader_rules(place):
    leader = _register(place, member=support.member(place["branch"]))
    non_member = _register(place, worker=_worker())
    worker = _register(place, worker=_worker())
    day = D0 + timedelta(days=30)

    def lead(by, status="reemployed", on=day, archive=worker):
        return status_change(
            archive=archive, to_status=status, changed_on=on, employer="厂", led_by=by
        )

    assert _refused(lead, by=leader) == {("ledById", "LEADER_NOT_EMPLOYED")}
    assert _refused(lead, by=non_member) == {("ledById", "LEADER_NOT_MEMBER")}
    assert _refused(lead, by=leader, archive=leader) == {("ledById", "SELF_LEAD")}
    assert _refused(lead, by=leader, status="flexible") == {("ledById", "NOT_ALLOWED")}
    status_change(archive=leader, to_status="flexible", changed_on=day, employer="摆摊")
    # Employed from `day` on: not yet the day before.
    assert _refused(lead, by=leader, on=day - timedelta(days=1)) == {
        ("ledById", "LEADER_NOT_EMPLOYED")
    }
    lead(by=leader)


def test_the_ranking_counts_distinct_people_led_in_the_period(place):
    leader = _employed_leader(place, "甲")
    helped = _employed_leader(place, "乙")  # re-employed themselves, led nobody
    idle = _register(place, member=support.member(place["branch"], "丙"))  # in no ranking
    first = _register(place, worker=_worker())
    early = D0 + timedelta(days=40)
    late = D0 + timedelta(days=200)
    status_change(
        archive=first, to_status="reemployed", changed_on=early, employer="A", led_by=leader
    )
    status_change(archive=first, to_status="laid_off", changed_on=early + timedelta(days=9))
    status_change(
        archive=first, to_status="reemployed", changed_on=late, employer="B", led_by=leader
    )
    second = _register(place, worker=_worker())
    status_change(
        archive=second, to_status="reemployed", changed_on=late, employer="C", led_by=leader
    )

    def ranked(start: date | None = None, end: date | None = None) -> list[tuple]:
        rows: Any = double_lead_ranking(within=place["street"], start=start, end=end)
        return [(a.rank, a.person_name, a.led_count, a.self_reemployed) for a in rows]

    assert ranked() == [(1, "甲", 2, True), (2, "乙", 0, True)]  # 丙 led nobody, nor found work
    assert ranked(start=late - timedelta(days=1)) == [(1, "甲", 2, False)]
    assert ranked(end=early) == [(1, "甲", 1, True), (2, "乙", 0, True)]
    assert idle.pk not in {a.pk for a in double_lead_ranking()}
    top: Any = double_lead_ranking(within=place["street"], top=1)
    earlier = list(top)
    assert [a.pk for a in earlier] == [leader.pk]
    assert helped.pk != leader.pk


# --- training --------------------------------------------------------------------------------


def _training(**extra) -> TrainingData:
    values = {
        "course": "家政服务员",
        "provider": "社区市民学校",
        "started_on": D0 + timedelta(days=3),
        "ended_on": D0 + timedelta(days=33),
        "hours": Decimal("60"),
        "result": "certificate",
    }
    values.update(extra)
    return TrainingData(**values)  # type: ignore[arg-type]


def test_training_records_and_their_rules(place):
    archive = _register(place, worker=_worker())
    record = training_add(archive=archive, data=_training())
    assert (record.course, record.hours, record.result) == (
        "家政服务员",
        Decimal("60"),
        "certificate",
    )

    def add(**extra):
        return training_add(archive=archive, data=_training(**extra))

    assert _refused(add, course=" ", provider="") == {
        ("course", "REQUIRED"),
        ("provider", "REQUIRED"),
    }
    assert _refused(add, started_on=D0 - timedelta(days=1)) == {
        ("startedOn", "BEFORE_REGISTRATION")
    }
    assert _refused(add, ended_on=D0 + timedelta(days=1)) == {("endedOn", "END_BEFORE_START")}
    assert _refused(add, ended_on=None) == {("endedOn", "REQUIRED")}
    assert _refused(add, hours=Decimal("0")) == {("hours", "INVALID")}
    assert _refused(add, hours=Decimal("1.25")) == {("hours", "INVALID")}
    assert _refused(add, hours=Decimal("800")) == {("hours", "TOO_MANY")}
    assert _refused(add, result="passed") == {("result", "INVALID")}
    ongoing = add(result="in_progress", ended_on=None, started_on=TODAY)
    done = training_update(
        training=ongoing, changes={"ended_on": TODAY, "result": "completed", "hours": Decimal("8")}
    )
    assert (done.result, done.ended_on) == ("completed", TODAY)
    assert _refused(training_update, training=done, changes={"ended_on": None}) == {
        ("endedOn", "REQUIRED")
    }
    archive_close(archive=archive, closed_on=TODAY, reason="moved_away")
    assert _refused(add) == {("archiveId", "ARCHIVE_CLOSED")}
    assert _refused(training_update, training=done, changes={"note": "补记"}) == {
        ("id", "ARCHIVE_CLOSED")
    }


# --- atomicity and the database's own rules ----------------------------------------------------


def test_a_failing_status_change_writes_nothing(place, monkeypatch):
    archive = _register(place, worker=_worker())

    def broken_audit(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        status_change(archive=archive, to_status="in_training", changed_on=D0 + timedelta(days=1))
    archive.refresh_from_db()
    assert archive.status == "laid_off"
    assert archive.status_changes.count() == 1
    with pytest.raises(RuntimeError):
        _register(place, worker=_worker("另一人"))
    assert not EmploymentArchive.objects.filter(name="另一人").exists()


def test_the_database_refuses_what_the_services_refuse(place):
    archive = _register(place, worker=_worker())
    member = support.member(place["branch"])
    bad_rows = [
        lambda: EmploymentStatusChange.objects.create(
            archive=archive, changed_on=D0, from_status="laid_off", to_status="laid_off"
        ),
        lambda: EmploymentStatusChange.objects.create(
            archive=archive, changed_on=D0, from_status="laid_off", to_status="reemployed"
        ),
        lambda: EmploymentStatusChange.objects.create(
            archive=archive,
            changed_on=D0,
            from_status="laid_off",
            to_status="reemployed",
            employer="厂",
            led_by=archive,
            led_by_name="自己",
        ),
        lambda: EmploymentArchive.objects.filter(pk=archive.pk).update(status="exited"),
        lambda: EmploymentArchive.objects.filter(pk=archive.pk).update(member=member),
        lambda: TrainingRecord.objects.create(
            archive=archive, course="c", provider="p", started_on=D0, hours=1, result="completed"
        ),
    ]
    for write in bad_rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            write()


# --- members leaving --------------------------------------------------------------------------


def test_deleting_a_leader_member_keeps_the_led_workers_history(place):
    leader = _employed_leader(place, "周永明")
    worker = _register(place, worker=_worker())
    status_change(
        archive=worker,
        to_status="reemployed",
        changed_on=D0 + timedelta(days=30),
        employer="自办超市",
        led_by=leader,
    )
    training_add(archive=leader, data=_training())
    leader_member = leader.member
    assert leader_member is not None
    leader_member.delete()  # e.g. the member's relation moved to another district
    assert not Member.objects.filter(pk=leader_member.pk).exists()
    assert not EmploymentArchive.objects.filter(pk=leader.pk).exists()
    assert not TrainingRecord.objects.filter(archive_id=leader.pk).exists()
    change = worker.status_changes.get(to_status="reemployed")
    assert (change.led_by_id, change.led_by_name) == (None, "周永明")
    assert worker.status_changes.count() == 2
