"""GraphQL for 活动载体: QUERIES and MUTATIONS list its root types; api.schema merges them.

Campaigns are district-wide: every user of the district reads all of them, and only district
administrators add or change them."""

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import check_writable
from backend.campaigns import selectors, services
from backend.campaigns.models import Campaign, CampaignTheme
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.fields import model_type
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import DistrictNode, load_node
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser

WHAT = "活动载体"


@model_type(CampaignTheme, name="CampaignTheme", description="主题: one theme of a campaign.")
class CampaignThemeType(DistrictNode):
    code: str
    name: str
    position: int = strawberry_django.field(description="序号, from 1.")

    # Permission rule: district-wide data, read by every user of the district (the district
    # schema already holds only this district's campaigns).
    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[CampaignTheme], info: Info, **kwargs: Any
    ) -> QuerySet[CampaignTheme]:
        return queryset


@model_type(Campaign, name="Campaign", description="活动载体, e.g. 七携手 or 百名干部进社区.")
class CampaignType(DistrictNode):
    code: str = strawberry_django.field(description="Stable code, e.g. hundred_cadres_community.")
    name: str
    description: str
    is_builtin: bool = strawberry_django.field(
        description="Comes with every district; code, name, parent and themes are fixed."
    )
    started_on: date | None
    ended_on: date | None
    parent: "CampaignType | None" = strawberry_django.field(description="所属载体")
    children: list["CampaignType"] = strawberry_django.field(description="下级载体, by code.")
    themes: list[CampaignThemeType] = strawberry_django.field(description="主题, in order.")

    # Permission rule: district-wide data, read by every user of the district; only district
    # administrators write (the mutations check).
    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[Campaign], info: Info, **kwargs: Any
    ) -> QuerySet[Campaign]:
        return queryset


@strawberry.type
class CampaignPayload:
    campaign: CampaignType | None
    errors: list[UserError]


@strawberry.type
class DeleteCampaignPayload:
    deleted_id: relay.GlobalID | None
    errors: list[UserError]


@strawberry.input
class CampaignThemeInput:
    code: str
    name: str


@strawberry.input
class CreateCampaignInput:
    code: str
    name: str
    description: str = ""
    parent_id: relay.GlobalID | None = None
    started_on: date | None = None
    ended_on: date | None = None
    themes: list[CampaignThemeInput] = strawberry.field(default_factory=list)


@strawberry.input(
    description="Omitted fields keep their value; themes, when given, replace them all."
)
class UpdateCampaignInput:
    id: relay.GlobalID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    parent_id: relay.GlobalID | None = strawberry.UNSET
    started_on: date | None = strawberry.UNSET
    ended_on: date | None = strawberry.UNSET
    themes: list[CampaignThemeInput] | None = strawberry.UNSET


def load_campaign(global_id: relay.GlobalID, field: str) -> Campaign:
    """Any campaign of this district (they are district-wide); else NOT_FOUND."""
    return load_node(Campaign, global_id, field=field, what=WHAT)


def _themes(themes: list[CampaignThemeInput]) -> tuple[services.ThemeData, ...]:
    return tuple(services.ThemeData(code=t.code, name=t.name) for t in themes)


@strawberry.type
class CampaignsQuery:
    @strawberry_django.field(permission_classes=[IsDistrictUser])
    def campaign(self, info: Info, id: relay.GlobalID) -> CampaignType | None:
        if id.type_name != "Campaign":
            return None
        return CampaignType.resolve_node(id.node_id, info=info)

    @page_connection(
        DjangoCursorConnection[CampaignType],
        permission_classes=[IsDistrictUser],
        description="活动载体 by code: the top-level ones, or with includeChildren all of them.",
    )
    def campaigns(
        self,
        include_children: Annotated[
            bool, strawberry.argument(description="Also list campaigns that sit under another.")
        ] = False,
        search: Annotated[
            str | None, strawberry.argument(description="Part of the name or code.")
        ] = None,
    ) -> Iterable[CampaignType]:
        return selectors.campaign_list(  # type: ignore[return-value]
            include_children=include_children, search=search
        )


@strawberry.type
class CampaignsMutation:
    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="District administrators only."
    )
    def create_campaign(self, info: Info, input: CreateCampaignInput) -> CampaignPayload:
        def create() -> Campaign:
            check_writable(info, None, field="code", what=WHAT)
            parent = load_campaign(input.parent_id, "parentId") if input.parent_id else None
            return services.campaign_create(
                data=services.CampaignData(
                    code=input.code,
                    name=input.name,
                    description=input.description,
                    parent=parent,
                    started_on=input.started_on,
                    ended_on=input.ended_on,
                    themes=_themes(input.themes),
                )
            )

        return mutation_payload(CampaignPayload, "campaign", create)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="District administrators only; a built-in campaign keeps its code and name.",
    )
    def update_campaign(self, info: Info, input: UpdateCampaignInput) -> CampaignPayload:
        def update() -> Campaign:
            check_writable(info, None, field="id", what=WHAT)
            campaign = load_campaign(input.id, "id")
            changes = provided(
                input,
                {
                    "code": "code",
                    "name": "name",
                    "description": "description",
                    "started_on": "started_on",
                    "ended_on": "ended_on",
                },
            )
            for key in ("code", "name", "description"):
                if changes.get(key, "") is None:
                    del changes[key]
            if input.parent_id is not strawberry.UNSET:
                changes["parent"] = (
                    load_campaign(input.parent_id, "parentId") if input.parent_id else None
                )
            if input.themes is not strawberry.UNSET and input.themes is not None:
                changes["themes"] = _themes(input.themes)
            return services.campaign_update(campaign=campaign, changes=changes)

        return mutation_payload(CampaignPayload, "campaign", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="District administrators only; not a built-in campaign, nor one in use.",
    )
    def delete_campaign(self, info: Info, id: relay.GlobalID) -> DeleteCampaignPayload:
        def delete() -> relay.GlobalID:
            check_writable(info, None, field="id", what=WHAT)
            services.campaign_delete(campaign=load_campaign(id, "id"))
            return id

        return mutation_payload(DeleteCampaignPayload, "deleted_id", delete)


QUERIES: tuple[type, ...] = (CampaignsQuery,)
MUTATIONS: tuple[type, ...] = (CampaignsMutation,)
