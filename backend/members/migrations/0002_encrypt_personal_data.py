"""ID numbers and phones encrypted at rest: ciphertext, keyed hash and masked form per value.

Runs once in every district schema (django-tenants); the template schema has no rows. Existing
rows are sealed with the configured keys (settings.DANGJIAN_DATA_KEYS / DANGJIAN_HASH_KEY), then the
plain columns are dropped. Reversible: going back decrypts into re-created plain columns.
"""

from django.db import migrations, models

from backend.common.personal_data import decrypt
from backend.members.personal_data import ID_NUMBER, PHONE, seal_id_number, seal_phone

BATCH = 2000
SEALED_COLUMNS = [
    "id_number_encrypted",
    "id_number_hash",
    "id_number_masked",
    "phone_encrypted",
    "phone_hash",
    "phone_masked",
]


def encrypt_plain_columns(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    members = Member.objects.using(schema_editor.connection.alias)
    batch = []
    for member in members.only("id", "id_number", "phone").order_by("pk").iterator(BATCH):
        number, phone = seal_id_number(member.id_number), seal_phone(member.phone or "")
        member.id_number_encrypted = number.encrypted
        member.id_number_hash = number.hash
        member.id_number_masked = number.masked
        member.phone_encrypted = phone.encrypted
        member.phone_hash = phone.hash
        member.phone_masked = phone.masked
        batch.append(member)
        if len(batch) == BATCH:
            members.bulk_update(batch, SEALED_COLUMNS)
            batch = []
    members.bulk_update(batch, SEALED_COLUMNS)


def decrypt_into_plain_columns(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    members = Member.objects.using(schema_editor.connection.alias)
    batch = []
    for member in members.only("id", "id_number_encrypted", "phone_encrypted").iterator(BATCH):
        member.id_number = decrypt(member.id_number_encrypted, context=ID_NUMBER)
        member.phone = (
            decrypt(member.phone_encrypted, context=PHONE) if member.phone_encrypted else ""
        )
        batch.append(member)
        if len(batch) == BATCH:
            members.bulk_update(batch, ["id_number", "phone"])
            batch = []
    members.bulk_update(batch, ["id_number", "phone"])


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="id_number_encrypted",
            field=models.TextField(default="", editable=False, verbose_name="公民身份号码 (encrypted)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_hash",
            # NULL until the rows are sealed, then NOT NULL and unique (below).
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="公民身份号码 (keyed hash)"),
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_masked",
            field=models.CharField(default="", editable=False, max_length=18, verbose_name="公民身份号码 (masked)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="member",
            name="phone_encrypted",
            field=models.TextField(blank=True, editable=False, verbose_name="联系电话 (encrypted)"),
        ),
        migrations.AddField(
            model_name="member",
            name="phone_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name="联系电话 (keyed hash)"),
        ),
        migrations.AddField(
            model_name="member",
            name="phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name="联系电话 (masked)"),
        ),
        # Plain column nullable and not unique from here on, so that going back can re-create it
        # on a table with rows before filling it.
        migrations.AlterField(
            model_name="member",
            name="id_number",
            field=models.CharField(blank=True, max_length=18, null=True, verbose_name="公民身份号码"),
        ),
        migrations.RunPython(encrypt_plain_columns, decrypt_into_plain_columns, elidable=False),
        # unique=True rather than a named UniqueConstraint: districts cloned from the template
        # carry it under another name, and Django finds a field's unique constraint by column.
        migrations.AlterField(
            model_name="member",
            name="id_number_hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="公民身份号码 (keyed hash)"),
        ),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("id_number_hash", ""), _negated=True), models.Q(("id_number_encrypted", ""), _negated=True)), name="members_member_id_number_present"),
        ),
        migrations.RemoveField(
            model_name="member",
            name="id_number",
        ),
        migrations.RemoveField(
            model_name="member",
            name="phone",
        ),
    ]
