"""The canary matrix's cases for 活动载体 (tests/api/test_tenant_isolation.py); isolation_seed.py
seeds the district's own campaign they name."""

from tests.support.isolation import ERRORS, Case, empty, found, not_found, null

CAMPAIGN = "id code name description isBuiltin parent { id code } children { id name }"
CAMPAIGN_FULL = f"{CAMPAIGN} themes {{ id code name }}"
CAMPAIGN_DOC = f"query($id: ID!) {{ campaign(id: $id) {{ {CAMPAIGN_FULL} }} }}"
CAMPAIGNS_DOC = (
    "query($search: String) { campaigns(includeChildren: true, search: $search, first: 100)"
    f" {{ totalCount edges {{ node {{ {CAMPAIGN_FULL} }} }} }} }}"
)
CREATE_DOC = (
    "mutation($input: CreateCampaignInput!) { createCampaign(input: $input)"
    f" {{ campaign {{ {CAMPAIGN_FULL} }} {ERRORS} }} }}"
)
UPDATE_DOC = (
    "mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input)"
    f" {{ campaign {{ {CAMPAIGN_FULL} }} {ERRORS} }} }}"
)
DELETE_DOC = f"mutation($id: ID!) {{ deleteCampaign(id: $id) {{ deletedId {ERRORS} }} }}"


CASES: dict[str, Case] = {
    "campaign": Case(
        "campaign", CAMPAIGN_DOC, lambda f, o: {"id": f.obj("Campaign")}, null("campaign")
    ),
    "campaigns/search": Case(
        "campaigns",
        CAMPAIGNS_DOC,
        lambda f, o: {"search": f.canary},
        empty("campaigns"),
        found("campaigns"),
    ),
    "createCampaign/parentId": Case(
        "createCampaign",
        CREATE_DOC,
        lambda f, o: {
            "input": {"code": "iso_campaign", "name": "隔离测试", "parentId": f.obj("Campaign")}
        },
        not_found("createCampaign", "campaign", "parentId"),
    ),
    "updateCampaign/id": Case(
        "updateCampaign",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("Campaign"), "name": "已被改名"}},
        not_found("updateCampaign", "campaign", "id"),
    ),
    "updateCampaign/parentId": Case(
        "updateCampaign",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("Campaign"), "parentId": f.obj("Campaign")}},
        not_found("updateCampaign", "campaign", "parentId"),
    ),
    "deleteCampaign/id": Case(
        "deleteCampaign",
        DELETE_DOC,
        lambda f, o: {"id": f.obj("Campaign")},
        not_found("deleteCampaign", "deletedId", "id"),
    ),
}
