"""Sealed ID numbers and phones of persons who are not (or not yet) members of the district.

Apps that record such a person (a reporter from outside the district, a laid-off worker, a
household in difficulty...) store the ID number and phone the way a member's are stored (see
personal_data): ciphertext, keyed hash and masked display form, never the plain value. The abstract
models hold the field definitions; `sealed_fields` / `store_sealed` put `Sealed` values into a
record's fields, for those models and for models whose own fields differ (members.Registration).
"""

from django.db import models

from backend.members.personal_data import Sealed, seal_id_number, seal_phone


def sealed_fields(
    *, id_number: Sealed | None = None, phone: Sealed | None = None
) -> dict[str, str]:
    """The `<name>_encrypted/_hash/_masked` field values for what is given (to pass to a model)."""
    fields: dict[str, str] = {}
    for name, sealed in (("id_number", id_number), ("phone", phone)):
        if sealed is not None:
            fields |= {
                f"{name}_encrypted": sealed.encrypted,
                f"{name}_hash": sealed.hash,
                f"{name}_masked": sealed.masked,
            }
    return fields


def store_sealed(
    record: models.Model, *, id_number: Sealed | None = None, phone: Sealed | None = None
) -> None:
    """Sets the record's sealed fields for what is given; the rest stay as they are."""
    for field, value in sealed_fields(id_number=id_number, phone=phone).items():
        setattr(record, field, value)


class SealedIdNumber(models.Model):
    """A non-member's 公民身份号码, sealed; blank where the person is a member (their record has it)."""

    id_number_encrypted = models.TextField("公民身份号码 (encrypted)", blank=True, editable=False)
    id_number_hash = models.CharField(
        "公民身份号码 (keyed hash)", max_length=64, blank=True, editable=False
    )
    id_number_masked = models.CharField(
        "公民身份号码 (masked)", max_length=18, blank=True, editable=False
    )

    class Meta:
        abstract = True

    def set_id_number(self, value: str) -> None:
        store_sealed(self, id_number=seal_id_number(value))


class SealedPhone(models.Model):
    """A non-member's 联系电话, sealed; all three blank when there is none."""

    phone_encrypted = models.TextField("联系电话 (encrypted)", blank=True, editable=False)
    phone_hash = models.CharField(
        "联系电话 (keyed hash)", max_length=64, blank=True, editable=False
    )
    phone_masked = models.CharField("联系电话 (masked)", max_length=20, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_phone(self, value: str) -> None:
        store_sealed(self, phone=seal_phone(value))


class SealedIdentity(SealedIdNumber, SealedPhone):
    """Both a non-member's ID number and phone, sealed."""

    class Meta:
        abstract = True
