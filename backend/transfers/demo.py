"""Demo 组织关系转接: two years of moves within the district (a few % of the members, mostly
迁居 between community branches), a few transfers still waiting, refused or withdrawn; and,
between two demo districts, a few accepted cross-district transfers, one refused, one pending.

Only community, retired and laid-off members whose relation is in a community-level org move,
and only those no other app has work records for (a retiree's role, a help pair …), so no other
app's demo data is contradicted by a move.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from backend.common.validation import ValidationFailed
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.transfers import exchange
from backend.transfers.models import (
    LETTER_VALID_DAYS,
    RelationChange,
    RelationTransfer,
    TransferDirection,
    TransferReason,
    TransferScope,
    TransferStatus,
)
from backend.transfers.services import member_snapshot, next_letter_number, org_snapshot
from tenants.context import in_district

K = PartyOrgKind
R = TransferReason
MOVING_CATEGORIES = (MemberCategory.COMMUNITY, MemberCategory.RETIRED, MemberCategory.LAID_OFF)
COMMUNITY_LEVEL = (K.COMPOUND_BRANCH, K.COMMUNITY_COMMITTEE, K.COMMUNITY_GENERAL_BRANCH)
MOVED_SHARE = 0.03
PENDING_SHARE = 0.004
REFUSED_SHARE = 0.003
HISTORY_DAYS = 730
REASONS = ((R.RELOCATION, 60), (R.ORG_ADJUSTMENT, 15), (R.RETIREMENT, 8), (R.OTHER, 7))
NOTES: dict[str, tuple[str, ...]] = {
    R.RELOCATION: ("购房迁居", "随子女迁居", "旧城改造搬迁", "租住地变更"),
    R.ORG_ADJUSTMENT: ("小区党支部调整", "按网格调整党组织隶属关系"),
    R.RETIREMENT: ("退休后转入居住地社区",),
    R.OTHER: ("本人申请", ""),
}
REFUSALS = ("经核实该党员不在本辖区居住", "介绍信信息不全，请补充后重新开具", "接收党组织有误")
BETWEEN_ACCEPTED = 3


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def _without_other_work(members: QuerySet[Member]) -> QuerySet[Member]:
    """Members no other app's records point at (their history is left alone)."""
    for rel in Member._meta.related_objects:
        model = rel.related_model
        if model._meta.app_label == "transfers" or not (rel.many_to_one or rel.one_to_one):
            continue
        others = model._default_manager.filter(**{rel.field.name: OuterRef("pk")})
        members = members.exclude(Exists(others))
    return members


def _candidates() -> list[Member]:
    members = Member.objects.filter(
        category__in=MOVING_CATEGORIES, org__kind__in=COMMUNITY_LEVEL
    ).exclude(Exists(RelationChange.objects.filter(member=OuterRef("pk"))))
    members = members.exclude(
        Exists(
            RelationTransfer.objects.filter(member=OuterRef("pk"), status=TransferStatus.PENDING)
        )
    )
    return list(_without_other_work(members).select_related("org").order_by("pk"))


def _receiving_orgs(today: date) -> list[PartyOrg]:
    return list(
        PartyOrg.objects.filter(kind__in=COMMUNITY_LEVEL)
        .exclude(end_date__lte=today)
        .order_by("pk")
    )


def _street_of(org: PartyOrg) -> str:
    return ".".join(str(org.path).split(".")[:2])


def _pick_org(
    rng: random.Random, orgs: list[PartyOrg], current: PartyOrg, *, same_street: bool
) -> PartyOrg | None:
    street = _street_of(current)
    choices = [o for o in orgs if o.pk != current.pk and (_street_of(o) == street) == same_street]
    if not choices:
        choices = [o for o in orgs if o.pk != current.pk]
    return rng.choice(choices) if choices else None


class _Letters:
    """介绍信编号 for the demo's bulk rows, continuing each year's serials in this district."""

    def __init__(self) -> None:
        self.next: dict[int, tuple[str, int]] = {}

    def issue(self, on: date) -> str:
        if on.year not in self.next:
            prefix, _, serial = next_letter_number(on).rpartition("-")
            self.next[on.year] = (prefix, int(serial))
        prefix, number = self.next[on.year]
        self.next[on.year] = (prefix, number + 1)
        return f"{prefix}-{number:05d}"


def _at(day: date, rng: random.Random) -> datetime:
    moment = datetime.combine(day, time(hour=rng.randint(8, 17), minute=rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _transfer(
    member: Member,
    from_org: PartyOrg,
    to_org: PartyOrg,
    *,
    on: date,
    reason: str,
    note: str,
    status: str,
) -> RelationTransfer:
    return RelationTransfer(
        direction=TransferDirection.OUT,
        scope=TransferScope.WITHIN,
        status=status,
        **member_snapshot(member),
        **org_snapshot("from", from_org),
        **org_snapshot("to", to_org),
        reason=reason,
        note=note,
        moved_on=on,
        valid_until=on + timedelta(days=LETTER_VALID_DAYS),
    )


def populate(rng: random.Random, today: date) -> dict[str, int]:
    candidates = _candidates()
    orgs = _receiving_orgs(today)
    if not candidates or len(orgs) < 2:
        return {"relation_transfers": 0, "relation_changes": 0}
    total = Member.objects.count()
    moved_count = min(len(candidates), max(1, round(total * MOVED_SHARE)))
    pending_count = max(1, round(total * PENDING_SHARE))
    refused_count = max(1, round(total * REFUSED_SHARE))
    chosen = rng.sample(
        candidates, min(len(candidates), moved_count + pending_count + refused_count + 1)
    )
    movers = chosen[:moved_count]
    waiting = chosen[moved_count:]
    planned: list[tuple[RelationTransfer, datetime, datetime | None]] = []
    changes: list[tuple[RelationChange, RelationTransfer]] = []
    moved_members: list[Member] = []

    # Completed moves: one, sometimes two, over the last two years.
    for member in movers:
        steps = 2 if rng.random() < 0.15 else 1
        days = sorted(rng.sample(range(45, HISTORY_DAYS), steps), reverse=True)
        current = member.org
        for days_ago in days:
            on = today - timedelta(days=days_ago)
            target = _pick_org(rng, orgs, current, same_street=rng.random() < 0.7)
            if target is None:
                break
            reason = _weighted(rng, REASONS)
            if reason == R.RETIREMENT and member.category != MemberCategory.RETIRED:
                reason = R.RELOCATION
            transfer = _transfer(
                member,
                current,
                target,
                on=on,
                reason=reason,
                note=rng.choice(NOTES[reason]),
                status=TransferStatus.COMPLETED,
            )
            created = _at(on, rng)
            planned.append((transfer, created, created + timedelta(minutes=rng.randint(5, 90))))
            change = RelationChange(
                member=member,
                date=on,
                **org_snapshot("from", current),
                **org_snapshot("to", target),
                reason=reason,
                note=transfer.note,
            )
            changes.append((change, transfer))
            current = target
        if current.pk != member.org_id:
            member.org = current
            moved_members.append(member)

    # Transfers to another street's branch that its admin has not answered yet, or refused;
    # and one the sender withdrew.
    counts = {"pending": 0, "refused": 0, "withdrawn": 0}
    for index, member in enumerate(waiting):
        kind = (
            "pending"
            if index < pending_count
            else "refused"
            if index < pending_count + refused_count
            else "withdrawn"
        )
        target = _pick_org(rng, orgs, member.org, same_street=False)
        if target is None:
            continue
        days_ago = rng.randint(1, 40) if kind == "pending" else rng.randint(60, 400)
        on = today - timedelta(days=days_ago)
        status = {
            "pending": TransferStatus.PENDING,
            "refused": TransferStatus.REFUSED,
            "withdrawn": TransferStatus.WITHDRAWN,
        }[kind]
        transfer = _transfer(
            member,
            member.org,
            target,
            on=on,
            reason=R.RELOCATION,
            note=rng.choice(NOTES[R.RELOCATION]),
            status=status,
        )
        if kind == "refused":
            transfer.refused_reason = rng.choice(REFUSALS)
        created = _at(on, rng)
        answered = None if kind == "pending" else created + timedelta(days=rng.randint(1, 10))
        planned.append((transfer, created, answered))
        counts[kind] += 1

    planned.sort(key=lambda row: row[1])  # letters and ids in the order things happened
    letters = _Letters()
    for transfer, _, _ in planned:
        transfer.letter_number = letters.issue(transfer.moved_on)
    rows = RelationTransfer.objects.bulk_create([t for t, _, _ in planned])
    # auto_now_add stamps the insert time: set the dates the history happened on.
    for row, (_, created, answered) in zip(rows, planned, strict=True):
        row.created_at, row.answered_at = created, answered
    RelationTransfer.objects.bulk_update(rows, ["created_at", "answered_at"])
    for change, transfer in changes:
        change.transfer = transfer  # saved above: bulk_create set its id
    RelationChange.objects.bulk_create([c for c, _ in changes])
    Member.objects.bulk_update(moved_members, ["org"])
    return {
        "relation_transfers": len(rows),
        "relation_changes": len(changes),
        "relation_transfers_pending": counts["pending"],
        "relation_transfers_refused": counts["refused"],
    }


# --- between districts ---------------------------------------------------------------------


def populate_between(
    rng: random.Random, today: date, sender_code: str, recipient_code: str
) -> dict[str, int]:
    """A few of the sender's members transferred to the recipient: BETWEEN_ACCEPTED accepted,
    one refused, one still pending. Called from the platform (public schema) context."""
    plan = (["accepted"] * BETWEEN_ACCEPTED) + ["refused", "pending"]
    sent: list[tuple[str, int]] = []
    with in_district(sender_code):
        candidates = _candidates()
        members = rng.sample(candidates, min(len(candidates), len(plan)))
        for outcome, member in zip(plan, members, strict=False):
            days_ago = rng.randint(3, 20) if outcome == "pending" else rng.randint(20, 60)
            reason = _weighted(rng, ((R.RELOCATION, 6), (R.JOB_CHANGE, 2), (R.OTHER, 1)))
            transfer = exchange.transfer_out_between(
                member=member,
                district_code=recipient_code,
                reason=reason,
                on=min(today, date.today()) - timedelta(days=days_ago),
                note=rng.choice(NOTES[R.RELOCATION]),
            )
            assert transfer.dispatch_id is not None
            sent.append((outcome, transfer.dispatch_id))
    counts = {"relation_transfers_between_accepted": 0, "relation_transfers_between_refused": 0}
    with in_district(recipient_code):
        orgs = _receiving_orgs(today)
        for outcome, dispatch_id in sent:
            if outcome == "pending":
                continue
            if outcome == "accepted" and orgs:
                try:
                    exchange.accept_incoming(dispatch_id=dispatch_id, to_org=rng.choice(orgs))
                    counts["relation_transfers_between_accepted"] += 1
                    continue
                except ValidationFailed:
                    pass  # e.g. the same ID number here already: refuse it instead
            exchange.refuse_incoming(dispatch_id=dispatch_id, reason=rng.choice(REFUSALS))
            counts["relation_transfers_between_refused"] += 1
    return {
        "relation_transfers_between_sent": len(sent),
        **counts,
    }
