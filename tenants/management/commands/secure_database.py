from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.database_roles import UnsafeApplicationRole, secure_schemas


class Command(BaseCommand):
    help = (
        "Run as the migration owner after migrations: grant the application role row access to "
        "every schema and give the audit tables to a role it is no member of."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--app-role",
            default=settings.DATABASE_APP_ROLE,
            help="the role DATABASE_URL names in production (default: DATABASE_APP_ROLE)",
        )
        parser.add_argument(
            "--audit-owner",
            default=settings.DATABASE_AUDIT_OWNER,
            help="NOLOGIN role to own the audit tables (default: DATABASE_AUDIT_OWNER)",
        )
        parser.add_argument(
            "--schema",
            action="append",
            dest="schemas",
            help="only this schema (repeatable); default: public, the template and every district",
        )

    def handle(self, *args, **options):
        if not options["app_role"]:
            raise CommandError("Name the application role: --app-role or DATABASE_APP_ROLE.")
        try:
            schemas = secure_schemas(
                app_role=options["app_role"],
                audit_owner=options["audit_owner"],
                schemas=options["schemas"],
            )
        except UnsafeApplicationRole as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{options['app_role']}: row access in {len(schemas)} schemas "
            f"({', '.join(schemas)}); audit tables owned by {options['audit_owner']}"
        )
