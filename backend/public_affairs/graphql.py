"""GraphQL for 社区公共事务协会: QUERIES and MUTATIONS list its root types; api.schema merges
them. Thin: load and scope-check what the input names, then call the services."""

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, TypeVar

import strawberry
from django.db.models import Model
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import check_readable, check_writable
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import mutation_payload
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.members.models import Member
from backend.orgs.graphql import load_writable_org, org_scope
from backend.public_affairs import selectors, services
from backend.public_affairs.graphql_types import (
    PublicAffairsAreaPayload,
    PublicAffairsAssociationPayload,
    PublicAffairsAssociationType,
    PublicAffairsFollowUpPayload,
    PublicAffairsFollowUpType,
    PublicAffairsMeetingPayload,
    PublicAffairsMeetingType,
    PublicAffairsOfficerPayload,
    PublicAffairsOfficerType,
)
from backend.public_affairs.models import (
    FollowUpStatus,
    OfficerRole,
    PublicAffairsArea,
    PublicAffairsAssociation,
    PublicAffairsFollowUp,
    PublicAffairsOfficer,
    WorkArea,
)

M = TypeVar("M", bound=Model)
ASSOCIATION = "公共事务协会"


# --- loaders: an object the user cannot see is NOT_FOUND, visible but not writable FORBIDDEN ----


def _load(info: Info, model: type[M], global_id: relay.GlobalID, field: str, what: str) -> M:
    obj = load_node(model, global_id, field=field, what=what)
    check_readable(info, _community_path(obj), field=field, what=what)
    return obj


def _community_path(obj: Model) -> str:
    if isinstance(obj, PublicAffairsAssociation):
        return obj.community.path
    if isinstance(obj, PublicAffairsArea | PublicAffairsOfficer):
        return obj.association.community.path
    if isinstance(obj, PublicAffairsFollowUp):
        return obj.resolution.meeting.association.community.path
    raise TypeError(type(obj))


def _writable(info: Info, model: type[M], global_id: relay.GlobalID, field: str, what: str) -> M:
    obj = _load(info, model, global_id, field, what)
    check_writable(info, _community_path(obj), field=field, what=what)
    return obj


def _member(info: Info, global_id: relay.GlobalID | None, field: str) -> Member | None:
    if global_id is None:
        return None
    member = load_node(Member, global_id, field=field, what="党员")
    check_readable(info, member.org.path, field=field, what="党员")
    return member


def association_scope(global_id: relay.GlobalID | None) -> PublicAffairsAssociation | None:
    """An association used as a filter; a foreign or unknown ID filters to nothing."""
    if global_id is None:
        return None
    pk = node_pk(global_id, PublicAffairsAssociation)
    found = PublicAffairsAssociation.objects.filter(pk=pk).first() if pk is not None else None
    return found or PublicAffairsAssociation()


# --- inputs -------------------------------------------------------------------------------------


@strawberry.input
class CreatePublicAffairsAssociationInput:
    community_id: relay.GlobalID
    name: str
    founded_on: date
    charter: str = ""
    notes: str = ""


@strawberry.input(description="Omitted fields keep their value.")
class UpdatePublicAffairsAssociationInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    founded_on: date | None = strawberry.UNSET
    charter: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET


@strawberry.input
class DissolvePublicAffairsAssociationInput:
    id: relay.GlobalID
    dissolved_on: date


@strawberry.input
class AddPublicAffairsAreaInput:
    association_id: relay.GlobalID
    area: WorkArea
    description: str = ""
    lead_id: relay.GlobalID | None = None


@strawberry.input(description="Omitted fields keep their value; leadId: null clears the lead.")
class UpdatePublicAffairsAreaInput:
    id: relay.GlobalID
    description: str | None = strawberry.UNSET
    lead_id: relay.GlobalID | None = strawberry.UNSET


@strawberry.input(description="A past term may be recorded with its termEnd.")
class AppointPublicAffairsOfficerInput:
    association_id: relay.GlobalID
    role: OfficerRole
    term_start: date
    name: str = strawberry.field(default="", description="Defaults to the member's name.")
    member_id: relay.GlobalID | None = None
    area_id: relay.GlobalID | None = None
    phone: str = ""
    term_end: date | None = None


@strawberry.input
class EndPublicAffairsOfficerTermInput:
    id: relay.GlobalID
    term_end: date


@strawberry.input
class PublicAffairsFollowUpInput:
    item: str
    owner_id: relay.GlobalID
    due_on: date


@strawberry.input
class PublicAffairsResolutionInput:
    text: str
    follow_ups: list[PublicAffairsFollowUpInput] = strawberry.field(default_factory=list)


@strawberry.input(description="The meeting, its resolutions and follow-ups: all or nothing.")
class RecordPublicAffairsMeetingInput:
    association_id: relay.GlobalID
    held_on: date
    topic: str
    attendee_ids: list[relay.GlobalID]
    resolutions: list[PublicAffairsResolutionInput] = strawberry.field(default_factory=list)
    place: str = ""
    notes: str = ""


@strawberry.input(description="Omitted fields keep their value.")
class UpdatePublicAffairsFollowUpInput:
    id: relay.GlobalID
    status: FollowUpStatus | None = strawberry.UNSET
    done_on: date | None = strawberry.UNSET
    due_on: date | None = strawberry.UNSET
    owner_id: relay.GlobalID | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


# --- queries ------------------------------------------------------------------------------------

Within = Annotated[
    relay.GlobalID | None, strawberry.argument(description="Associations of communities there.")
]
AssociationId = Annotated[relay.GlobalID | None, strawberry.argument(name="associationId")]


@strawberry.type
class PublicAffairsQuery:
    @page_connection(
        DjangoCursorConnection[PublicAffairsAssociationType],
        permission_classes=[IsDistrictUser],
        description="社区公共事务协会 by community.",
    )
    def public_affairs_associations(
        self,
        within: Within = None,
        community: relay.GlobalID | None = None,
        active: Annotated[
            bool | None, strawberry.argument(description="true: not dissolved; false: dissolved.")
        ] = None,
    ) -> Iterable[PublicAffairsAssociationType]:
        return selectors.association_list(  # type: ignore[return-value]
            within=org_scope(within), community=org_scope(community), active=active
        )

    @page_connection(
        DjangoCursorConnection[PublicAffairsOfficerType],
        permission_classes=[IsDistrictUser],
        description="协会成员 by association, role and term.",
    )
    def public_affairs_officers(
        self,
        within: Within = None,
        association_id: AssociationId = None,
        current: Annotated[
            bool | None, strawberry.argument(description="true: in office today; false: not.")
        ] = None,
    ) -> Iterable[PublicAffairsOfficerType]:
        return selectors.officer_list(  # type: ignore[return-value]
            within=org_scope(within),
            association=association_scope(association_id),
            current=current,
        )

    @page_connection(
        DjangoCursorConnection[PublicAffairsMeetingType],
        permission_classes=[IsDistrictUser],
        description="协会会议, latest first.",
    )
    def public_affairs_meetings(
        self,
        within: Within = None,
        association_id: AssociationId = None,
        held_from: date | None = None,
        held_to: date | None = None,
    ) -> Iterable[PublicAffairsMeetingType]:
        return selectors.meeting_list(  # type: ignore[return-value]
            within=org_scope(within),
            association=association_scope(association_id),
            held_from=held_from,
            held_to=held_to,
        )

    @page_connection(
        DjangoCursorConnection[PublicAffairsFollowUpType],
        permission_classes=[IsDistrictUser],
        description="督办事项 still owed past their due date, the most overdue first.",
    )
    def public_affairs_overdue_follow_ups(
        self, within: Within = None, association_id: AssociationId = None
    ) -> Iterable[PublicAffairsFollowUpType]:
        return selectors.overdue_follow_ups(  # type: ignore[return-value]
            within=org_scope(within), association=association_scope(association_id)
        )


# --- mutations ----------------------------------------------------------------------------------

_ASSOCIATION_FIELDS = {
    "name": "name",
    "founded_on": "founded_on",
    "charter": "charter",
    "notes": "notes",
}
_FOLLOW_UP_FIELDS = {"status": "status", "done_on": "done_on", "due_on": "due_on", "note": "note"}


@strawberry.type
class PublicAffairsMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="成立社区公共事务协会")
    def create_public_affairs_association(
        self, info: Info, input: CreatePublicAffairsAssociationInput
    ) -> PublicAffairsAssociationPayload:
        def run() -> PublicAffairsAssociation:
            return services.association_create(
                data=services.AssociationData(
                    community=load_writable_org(info, input.community_id, "communityId"),
                    name=input.name,
                    founded_on=input.founded_on,
                    charter=input.charter,
                    notes=input.notes,
                )
            )

        return mutation_payload(PublicAffairsAssociationPayload, "association", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_public_affairs_association(
        self, info: Info, input: UpdatePublicAffairsAssociationInput
    ) -> PublicAffairsAssociationPayload:
        def run() -> PublicAffairsAssociation:
            association = _writable(info, PublicAffairsAssociation, input.id, "id", ASSOCIATION)
            changes = {
                key: value
                for key, value in provided(input, _ASSOCIATION_FIELDS).items()
                if value is not None
            }
            return services.association_update(association=association, changes=changes)

        return mutation_payload(PublicAffairsAssociationPayload, "association", run)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="撤销协会: current officers' terms end that day.",
    )
    def dissolve_public_affairs_association(
        self, info: Info, input: DissolvePublicAffairsAssociationInput
    ) -> PublicAffairsAssociationPayload:
        return mutation_payload(
            PublicAffairsAssociationPayload,
            "association",
            lambda: services.association_dissolve(
                association=_writable(info, PublicAffairsAssociation, input.id, "id", ASSOCIATION),
                dissolved_on=input.dissolved_on,
            ),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="增设工作领域")
    def add_public_affairs_area(
        self, info: Info, input: AddPublicAffairsAreaInput
    ) -> PublicAffairsAreaPayload:
        def run() -> PublicAffairsArea:
            association = _writable(
                info, PublicAffairsAssociation, input.association_id, "associationId", ASSOCIATION
            )
            lead = None
            if input.lead_id is not None:
                lead = _load(info, PublicAffairsOfficer, input.lead_id, "leadId", "协会成员")
            return services.area_add(
                association=association,
                area=input.area,
                description=input.description,
                lead=lead,
            )

        return mutation_payload(PublicAffairsAreaPayload, "area", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_public_affairs_area(
        self, info: Info, input: UpdatePublicAffairsAreaInput
    ) -> PublicAffairsAreaPayload:
        def run() -> PublicAffairsArea:
            area = _writable(info, PublicAffairsArea, input.id, "id", "工作领域")
            changes: dict[str, Any] = {}
            if input.description is not strawberry.UNSET and input.description is not None:
                changes["description"] = input.description
            if input.lead_id is not strawberry.UNSET:
                changes["lead"] = (
                    None
                    if input.lead_id is None
                    else _load(info, PublicAffairsOfficer, input.lead_id, "leadId", "协会成员")
                )
            return services.area_update(area=area, changes=changes)

        return mutation_payload(PublicAffairsAreaPayload, "area", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="聘任协会成员")
    def appoint_public_affairs_officer(
        self, info: Info, input: AppointPublicAffairsOfficerInput
    ) -> PublicAffairsOfficerPayload:
        def run() -> PublicAffairsOfficer:
            association = _writable(
                info, PublicAffairsAssociation, input.association_id, "associationId", ASSOCIATION
            )
            area = None
            if input.area_id is not None:
                area = _load(info, PublicAffairsArea, input.area_id, "areaId", "工作领域")
            return services.officer_appoint(
                data=services.OfficerData(
                    association=association,
                    name=input.name,
                    role=input.role,
                    term_start=input.term_start,
                    term_end=input.term_end,
                    member=_member(info, input.member_id, "memberId"),
                    area=area,
                    phone=input.phone,
                )
            )

        return mutation_payload(PublicAffairsOfficerPayload, "officer", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="协会成员离任")
    def end_public_affairs_officer_term(
        self, info: Info, input: EndPublicAffairsOfficerTermInput
    ) -> PublicAffairsOfficerPayload:
        return mutation_payload(
            PublicAffairsOfficerPayload,
            "officer",
            lambda: services.officer_end(
                officer=_writable(info, PublicAffairsOfficer, input.id, "id", "协会成员"),
                term_end=input.term_end,
            ),
        )

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="登记协会会议 with its resolutions and follow-ups, all or nothing.",
    )
    def record_public_affairs_meeting(
        self, info: Info, input: RecordPublicAffairsMeetingInput
    ) -> PublicAffairsMeetingPayload:
        def run() -> Any:
            association = _writable(
                info, PublicAffairsAssociation, input.association_id, "associationId", ASSOCIATION
            )
            attendees = [
                _load(info, PublicAffairsOfficer, gid, "attendeeIds", "协会成员")
                for gid in input.attendee_ids
            ]
            resolutions = [
                services.ResolutionData(
                    text=resolution.text,
                    follow_ups=[
                        services.FollowUpData(
                            item=follow_up.item,
                            owner=_load(
                                info,
                                PublicAffairsOfficer,
                                follow_up.owner_id,
                                f"resolutions.{index}.followUps.{number}.ownerId",
                                "协会成员",
                            ),
                            due_on=follow_up.due_on,
                        )
                        for number, follow_up in enumerate(resolution.follow_ups)
                    ],
                )
                for index, resolution in enumerate(input.resolutions)
            ]
            return services.meeting_record(
                data=services.MeetingData(
                    association=association,
                    held_on=input.held_on,
                    topic=input.topic,
                    attendees=attendees,
                    resolutions=resolutions,
                    place=input.place,
                    notes=input.notes,
                )
            )

        return mutation_payload(PublicAffairsMeetingPayload, "meeting", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="更新督办事项")
    def update_public_affairs_follow_up(
        self, info: Info, input: UpdatePublicAffairsFollowUpInput
    ) -> PublicAffairsFollowUpPayload:
        def run() -> PublicAffairsFollowUp:
            follow_up = _writable(info, PublicAffairsFollowUp, input.id, "id", "督办事项")
            changes = provided(input, _FOLLOW_UP_FIELDS)
            if changes.get("status") is None:
                changes.pop("status", None)
            if changes.get("due_on") is None:
                changes.pop("due_on", None)
            if input.owner_id is not strawberry.UNSET and input.owner_id is not None:
                changes["owner"] = _load(
                    info, PublicAffairsOfficer, input.owner_id, "ownerId", "协会成员"
                )
            return services.follow_up_update(follow_up=follow_up, changes=changes)

        return mutation_payload(PublicAffairsFollowUpPayload, "follow_up", run)


QUERIES: tuple[type, ...] = (PublicAffairsQuery,)
MUTATIONS: tuple[type, ...] = (PublicAffairsMutation,)
