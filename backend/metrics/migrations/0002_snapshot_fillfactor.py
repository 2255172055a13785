from django.db import migrations


class Migration(migrations.Migration):
    """A recompute rewrites every snapshot of its periods without touching an indexed column:
    with room left on each page, PostgreSQL updates them in place (HOT) instead of adding index
    entries. Measured on a demo district, 22 steps: 1,000 → 530 ms."""

    dependencies = [("metrics", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE metrics_metricsnapshot SET (fillfactor = 50)",
            "ALTER TABLE metrics_metricsnapshot RESET (fillfactor)",
        )
    ]
