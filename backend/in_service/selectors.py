"""Reads of the in-service app. Each returns a QuerySet; the GraphQL types add the reader's scope."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT

from backend.access.scopes import Access
from backend.in_service.models import (
    ActivityEntry,
    FeedbackCard,
    FeedbackChannel,
    FeedbackState,
    Report,
    Reporter,
    ReportStatus,
)
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg
from tenants.exchange import inbox
from tenants.models import Dispatch, DispatchKind


def _subtree(field: str, org: PartyOrg | None) -> Q:
    return Q() if org is None else Q(**{f"{field}__path__descendant_of": org.path})


def reporter_list(
    *,
    within: PartyOrg | None = None,
    kind: str | None = None,
    search: str | None = None,
    skill: str | None = None,
) -> QuerySet[Reporter]:
    """Reporters of the communities in `within` (a community or a street, say)."""
    qs = Reporter.objects.filter(_subtree("community", within))
    if kind:
        qs = qs.filter(kind=kind)
    if skill:
        qs = qs.filter(skills__contains=[skill])
    if search and search.strip():
        term = search.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(skill_note__icontains=term))
    return qs.order_by("name", "id")


def skills_directory(
    *, within: PartyOrg | None, skill: str | None, search: str | None
) -> QuerySet[Reporter]:
    """Who can help with what: reporters with an active report, by skill tag and by the words
    of their skill note (ILIKE, served by the trigram index)."""
    qs = reporter_list(within=within, skill=skill)
    if search and search.strip():
        qs = qs.filter(skill_note__icontains=search.strip())
    active = Report.objects.filter(reporter=OuterRef("pk"), status=ReportStatus.ACTIVE)
    return qs.filter(Exists(active))


def report_list(
    *,
    within: PartyOrg | None = None,
    half_year: str | None = None,
    status: str | None = None,
) -> QuerySet[Report]:
    qs = Report.objects.filter(_subtree("community", within))
    if half_year:
        qs = qs.filter(half_year=half_year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-reported_on", "-id")


def in_service_members(
    *,
    within: PartyOrg | None = None,
    residence_within: PartyOrg | None = None,
    half_year: str | None = None,
    reported: bool | None = None,
    skill: str | None = None,
) -> QuerySet[Member]:
    """In-service members by where their relation is (`within`) and where they live
    (`residence_within`); `reported` keeps those who have (or have not) an active report for
    `half_year` in their residence community; `skill` those whose card lists it there."""
    qs = Member.objects.filter(category=MemberCategory.IN_SERVICE)
    qs = qs.filter(_subtree("org", within) & _subtree("residence_community", residence_within))
    if reported is not None and half_year:
        has_report = Exists(
            Report.objects.filter(
                reporter__member=OuterRef("pk"),
                community=OuterRef("residence_community"),
                half_year=half_year,
                status=ReportStatus.ACTIVE,
            )
        )
        qs = qs.filter(has_report if reported else ~has_report)
    if skill:
        qs = qs.filter(
            Exists(
                Reporter.objects.filter(
                    member=OuterRef("pk"),
                    community=OuterRef("residence_community"),
                    skills__contains=[skill],
                )
            )
        )
    return qs.order_by("name", "id")


def entry_list(
    *,
    reporter: Reporter | None = None,
    within: PartyOrg | None = None,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
) -> QuerySet[ActivityEntry]:
    qs = ActivityEntry.objects.filter(_subtree("reporter__community", within))
    if reporter is not None:
        qs = qs.filter(reporter=reporter)
    if since:
        qs = qs.filter(occurred_on__gte=since)
    if until:
        qs = qs.filter(occurred_on__lte=until)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-occurred_on", "-id")


def feedback_list(
    *,
    within: PartyOrg | None = None,
    period: str | None = None,
    state: str | None = None,
    channel: str | None = None,
) -> QuerySet[FeedbackCard]:
    """The cards the communities in `within` issued."""
    qs = FeedbackCard.objects.filter(_subtree("reporter__community", within))
    if period:
        qs = qs.filter(period_label=period)
    if state:
        qs = qs.filter(state=state)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-period_start", "reporter__name", "id")


def received_local(
    *, within: PartyOrg | None = None, state: str | None = None
) -> QuerySet[FeedbackCard]:
    """Cards sent to the Party organisations in `within` by this district's communities."""
    qs = FeedbackCard.objects.filter(
        _subtree("recipient_org", within),
        channel=FeedbackChannel.LOCAL,
        state__in=[FeedbackState.SENT, FeedbackState.ACKNOWLEDGED],
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-sent_at", "-id")


# ---- Cards other districts sent here (tenants.Dispatch, public schema) ------------------------


def _member_by_hash() -> QuerySet[Member]:
    return Member.objects.filter(id_number_hash=OuterRef("id_number_hash"))


def platform_inbox(access: Access, base: QuerySet[Dispatch] | None = None) -> QuerySet[Dispatch]:
    """Feedback cards delivered to this district, each matched by the keyed hash in its payload
    to our own member (`matched_member_id`); readers see the cards of members in their scope,
    district administrators also those that match nobody."""
    qs = inbox(DispatchKind.FEEDBACK_CARD, base).annotate(
        id_number_hash=KT("payload__id_number_hash")
    )
    member = _member_by_hash()
    qs = qs.annotate(
        matched_member_id=Subquery(member.values("id")[:1]),
        matched_member_name=Subquery(member.values("name")[:1]),
        matched_member_id_number=Subquery(member.values("id_number_masked")[:1]),
        matched_org_path=Subquery(member.values("org__path")[:1]),
    )
    if not access.is_district_admin:
        qs = qs.filter(Exists(member.filter(access.read_filter("org__path"))))
    return qs


def received_platform(
    queryset: QuerySet[Dispatch], *, matched: bool | None = None, state: str | None = None
) -> QuerySet[Dispatch]:
    if matched is not None:
        # matched_member_id is platform_inbox's annotation.
        queryset = queryset.filter(matched_member_id__isnull=not matched)  # type: ignore[misc]
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-sent_at", "-id")
