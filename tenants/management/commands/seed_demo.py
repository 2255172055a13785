import os
import time
from collections import Counter
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.models import PlatformRole, User
from backend.accounts.services import platform_user_create, user_create
from backend.common.validation import ValidationFailed
from backend.demo.generator import SIZES
from backend.demo.member_work import member_work_between, member_work_populate
from backend.demo.ties import ties_populate
from backend.members.models import Member
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.units.models import Unit
from tenants.context import in_district, in_platform
from tenants.management.progress import progress_bar
from tenants.models import District, Domain
from tenants.seeding import (
    ADMIN_USERNAME,
    DEFAULT_PASSWORD,
    city_ensure,
    district_counts,
    existing_district,
    generated_district_create,
)

MUNICIPALITY = ("ningbo", "宁波市")
# (code, name, 6-digit administrative region code, seed)
DISTRICTS = (
    ("yinzhou", "鄞州区", "330212", 330212),
    ("haishu", "海曙区", "330203", 330203),
    ("jiangbei", "江北区", "330205", 330205),
)
OPERATOR_USERNAME = "operator"
STREET_ADMIN_USERNAME = "street_admin"
COMMUNITY_VIEWER_USERNAME = "community_viewer"
PLATFORM_USERS = (
    (OPERATOR_USERNAME, PlatformRole.PLATFORM_OPERATOR, "平台运维"),
    ("analyst", PlatformRole.MUNICIPAL_ANALYST, "市委组织部分析员"),
)
# The port `make run` serves on (its PORT variable), for the URLs printed below.
PORT = int(os.environ.get("PORT", "8000"))


class Command(BaseCommand):
    help = (
        "Create the demo: municipality 宁波市 with three districts full of generated orgs, units "
        "and members, an admin in each district and a platform operator. Idempotent: districts "
        "that already exist are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="demo")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every demo account (default {DEFAULT_PASSWORD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"]]
        password = options["password"]
        created, districts_created = 0, 0
        try:
            municipality = city_ensure(code=MUNICIPALITY[0], name=MUNICIPALITY[1])
            with in_platform():
                created += self._platform_users_ensure(password)
            for code, name, region, seed in DISTRICTS:
                existing = existing_district(code)
                if existing is not None:
                    self._report_existing(existing)
                    continue
                started = time.perf_counter()
                # One transaction per district: a failed generation leaves no half-made district.
                with (
                    transaction.atomic(),
                    progress_bar(f"{code} {name}", enabled=options["verbosity"] > 0) as progress,
                ):
                    made = generated_district_create(
                        municipality=municipality,
                        code=code,
                        name=name,
                        region_code=region,
                        seed=seed,
                        size=size,
                        admin_password=password,
                        progress=progress,
                    )
                    with in_district(made.provisioned.district):
                        scoped = _scoped_users_create(password)
                        work = member_work_populate(seed=seed)
                        work.update(ties_populate(seed=seed))
                created += 1
                districts_created += 1
                report = made.report
                self.stdout.write(
                    self.style.SUCCESS(f"{name} ({code}) created")
                    + f": http://{made.provisioned.host}:{PORT}/graphql/ — {report.orgs} orgs, "
                    f"{report.units} units, {report.members} members; data generated in "
                    f"{report.seconds:.2f} s, {time.perf_counter() - started:.2f} s in all "
                    f"(admin: {ADMIN_USERNAME})"
                )
                self.stdout.write(f"    scoped users: {scoped}")
                self.stdout.write(
                    "    member work and ties: "
                    + ", ".join(f"{k} {v}" for k, v in work.items() if v)
                )
                self._breakdown(made.provisioned.district)
        except ValidationFailed as exc:
            raise CommandError("\n".join(f"{e.field}: {e.message}" for e in exc.errors)) from exc
        if districts_created == len(DISTRICTS):
            self._deliveries_create()
        if districts_created:
            # A year of monthly history for the trends and the municipal comparison; the
            # worker's nightly run keeps the current periods up to date from here on.
            call_command(
                "compute_metrics",
                *[f"--district={code}" for code, *_ in DISTRICTS],
                stdout=self.stdout,
            )
        if created == 0:
            self.stdout.write("The demo already exists; nothing was changed.")

    def _deliveries_create(self) -> None:
        """Feedback cards and relation transfers between the demo districts, each to the next."""
        codes = [code for code, *_ in DISTRICTS]
        for (sender, *_, seed), recipient in zip(DISTRICTS, codes[1:] + codes[:1], strict=True):
            with transaction.atomic():
                made = member_work_between(seed=seed, sender_code=sender, recipient_code=recipient)
            self.stdout.write(
                f"{sender} → {recipient}: " + ", ".join(f"{k} {v}" for k, v in made.items())
            )

    def _platform_users_ensure(self, password: str) -> int:
        made = 0
        for username, role, display_name in PLATFORM_USERS:
            if User.objects.filter(username=username).exists():
                continue
            platform_user_create(
                username=username, password=password, role=role, display_name=display_name
            )
            self.stdout.write(f"Platform user {username} ({role}) created.")
            made += 1
        return made

    def _report_existing(self, district: District) -> None:
        with in_platform():
            domain = Domain.objects.filter(tenant=district, is_primary=True).first()
        counts = district_counts(district)
        url = f"http://{domain.domain}:{PORT}/graphql/" if domain else "(no host)"
        self.stdout.write(
            f"{district.name} ({district.code}) already exists, left unchanged: {url} — "
            f"{counts.orgs} orgs, {counts.units} units, {counts.members} members"
        )

    def _breakdown(self, district: District) -> None:
        with in_district(district):
            kinds = Counter(PartyOrg.objects.values_list("kind", flat=True))
            categories = Counter(Member.objects.values_list("category", flat=True))
            units = Counter(Unit.objects.values_list("party_org_status", flat=True))
        for label, counter in (("orgs", kinds), ("members", categories), ("units", units)):
            parts = ", ".join(f"{key} {count}" for key, count in sorted(counter.items()))
            self.stdout.write(f"    {label}: {parts}")


def _scoped_users_create(password: str) -> str:
    """One user per district role, so each can be tried from the quick start: an org admin of
    the first street and a viewer of that street's first community."""
    street = PartyOrg.objects.filter(kind=PartyOrgKind.STREET_WORKING_COMMITTEE).order_by("code")[0]
    community = (
        PartyOrg.objects.filter(parent=street, kind__in=COMMUNITY_KINDS).order_by("code").first()
    )
    admin = user_create(
        username=STREET_ADMIN_USERNAME, password=password, display_name="街道党工委书记"
    )
    role_grant(user=admin, role=Role.ORG_ADMIN, org=street)
    viewer = user_create(
        username=COMMUNITY_VIEWER_USERNAME, password=password, display_name="社区党委委员"
    )
    role_grant(user=viewer, role=Role.VIEWER, org=community or street)
    return (
        f"{STREET_ADMIN_USERNAME} (组织管理员, {street.name}), "
        f"{COMMUNITY_VIEWER_USERNAME} (只读, {(community or street).name})"
    )
