import getpass

from django.core.management.base import BaseCommand, CommandError

from backend.common.validation import ValidationFailed
from tenants.provisioning import district_create, municipality_ensure, platform_ensure


class Command(BaseCommand):
    help = "Provision a district: its schema (cloned from the template), host and first admin."

    def add_arguments(self, parser):
        parser.add_argument("code", help="lowercase code, also the subdomain, e.g. yinzhou")
        parser.add_argument("name", help="the district's name, e.g. 鄞州区")
        parser.add_argument("--municipality-code", required=True)
        parser.add_argument("--municipality-name", help="needed when the municipality is new")
        parser.add_argument("--admin", default="admin", help="username of the first admin")
        parser.add_argument("--password", help="the admin's password (prompted when omitted)")
        parser.add_argument("--host", help="defaults to <code>.<DANGJIAN_PLATFORM_HOST>")

    def handle(self, *args, **options):
        password = options["password"] or getpass.getpass("Password for the district admin: ")
        platform_ensure()
        municipality = municipality_ensure(
            code=options["municipality_code"],
            name=options["municipality_name"] or options["municipality_code"],
        )
        try:
            result = district_create(
                municipality=municipality,
                code=options["code"],
                name=options["name"],
                admin_username=options["admin"],
                admin_password=password,
                host=options["host"],
            )
        except ValidationFailed as exc:
            raise CommandError("\n".join(f"{e.field}: {e.message}" for e in exc.errors)) from exc
        self.stdout.write(
            f"District {result.district.name} ({result.district.code}) is ready at "
            f"http://{result.host}/graphql/ in {result.seconds:.2f} s; admin: {result.admin_username}"
        )
