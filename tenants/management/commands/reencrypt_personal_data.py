from typing import Any

from django.core.management.base import BaseCommand

from backend.common.personal_data import current_key_id
from backend.members.services import members_reencrypt
from tenants.context import in_district, in_platform
from tenants.models import District


class Command(BaseCommand):
    help = (
        "After a new key is put first in DANGJIAN_DATA_KEYS: re-encrypt every district's ID "
        "numbers and phones under it. Afterwards the old key can be removed. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with in_platform():
            districts = list(District.objects.serving())
        for district in districts:
            with in_district(district):
                count = members_reencrypt()
            self.stdout.write(
                f"{district.name} ({district.code}): {count} members re-encrypted "
                f"under key {current_key_id()!r}"
            )
