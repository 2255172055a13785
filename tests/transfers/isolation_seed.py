"""One object of each of this app's types in a seeded district, for the canary matrix
(tests/support/member_work.py): a transfer of the first seeded member that moves nothing."""

from datetime import date

from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.transfers import services
from backend.transfers.models import TransferReason
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    """Requested to the unit org, then refused: the member stays where the seed put them."""
    transfer = services.relation_transfer_request(
        member=Member.objects.get(pk=seeded.member_pks[0]),
        to_org=PartyOrg.objects.get(pk=seeded.org_pks["s1-u1"]),
        reason=TransferReason.RELOCATION,
        on=date.today(),
        note="隔离测试",
    )
    services.relation_transfer_refuse(transfer=transfer, reason="隔离测试")
    return {"RelationTransfer": transfer.pk}
