from django.db import migrations

# The extensions the district apps use, created once in public by the shared migrations, which
# migrate_schemas runs before any district's. The district apps' own CREATE EXTENSION IF NOT EXISTS
# then finds them; without this, an upgrade that brings a new extension to many districts at once
# (the multiprocessing executor) races on pg_extension's unique name.
EXTENSIONS = ("ltree", "pg_trgm", "btree_gist")


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_dispatch")]

    operations = [
        migrations.RunSQL(
            f"CREATE EXTENSION IF NOT EXISTS {name} WITH SCHEMA public", migrations.RunSQL.noop
        )
        for name in EXTENSIONS
    ]
