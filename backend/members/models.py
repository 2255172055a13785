from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from backend.common.personal_data import decrypt
from backend.members.personal_data import (
    ID_NUMBER,
    PHONE,
    id_number_hash,
    phone_hash,
    seal_id_number,
    seal_phone,
)

# What the unique constraint on id_number_hash is called: Django names it
# members_member_id_number_hash_<digest>_uniq, and in districts cloned from the template
# (django-tenants' clone_schema re-creates it inline) PostgreSQL names it ..._hash_key.
ID_NUMBER_UNIQUE_PREFIX = "members_member_id_number_hash_"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class MemberCategory(models.TextChoices):
    IN_SERVICE = "in_service", "在职党员"
    MOBILE = "mobile", "流动党员"
    LAID_OFF = "laid_off", "下岗职工党员"
    RETIRED = "retired", "离退休党员"
    COMMUNITY = "community", "社区党员"


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR_OR_BELOW = "junior_or_below", "初中及以下"


class Member(models.Model):
    """党员: a Party member, whose organisational relation (组织关系) is in exactly one org.

    The ID number and phone are never stored in the clear: each is an AES-GCM ciphertext
    (`*_encrypted`), a keyed hash for uniqueness and exact lookup (`*_hash`) and the masked form
    the API shows (`*_masked`). Read and assign them through the `id_number` and `phone`
    properties (also accepted by the constructor), which decrypt and seal; query by hash
    (members.personal_data.id_number_hash).
    """

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_number_encrypted = models.TextField("公民身份号码 (encrypted)", editable=False)
    # One member per ID number in a district, enforced by PostgreSQL on the keyed hash.
    id_number_hash = models.CharField(
        "公民身份号码 (keyed hash)", max_length=64, unique=True, editable=False
    )
    id_number_masked = models.CharField("公民身份号码 (masked)", max_length=18, editable=False)
    phone_encrypted = models.TextField("联系电话 (encrypted)", blank=True, editable=False)
    phone_hash = models.CharField(
        "联系电话 (keyed hash)", max_length=64, blank=True, db_index=True, editable=False
    )
    phone_masked = models.CharField("联系电话 (masked)", max_length=20, blank=True, editable=False)
    education = models.CharField("学历", max_length=30, choices=Education.choices)
    joined_on = models.DateField("入党日期")
    status = models.CharField("党员状态", max_length=20, choices=MemberStatus.choices)
    category = models.CharField("党员类别", max_length=20, choices=MemberCategory.choices)
    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="组织关系所在党组织",
        on_delete=models.PROTECT,
        related_name="members",
    )
    residence_community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="居住社区",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_members",
    )
    work_unit = models.ForeignKey(
        "units.Unit",
        verbose_name="工作单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党员"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["org", "category"], name="members_member_org_category"),
            models.Index(fields=["name", "id"], name="members_member_name_id"),
            models.Index(fields=["category", "name", "id"], name="members_member_cat_name_id"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="members_member_name_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(id_number_hash="") & ~Q(id_number_encrypted=""),
                name="members_member_id_number_present",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        """The plain ID number, decrypted on each access (lists use `id_number_masked`)."""
        if not self.id_number_encrypted:
            return ""
        return decrypt(self.id_number_encrypted, context=ID_NUMBER)

    @id_number.setter
    def id_number(self, value: str) -> None:
        if self.id_number_encrypted and id_number_hash(value) == self.id_number_hash:
            return  # the same number: keep the stored ciphertext
        sealed = seal_id_number(value)
        self.id_number_encrypted, self.id_number_hash, self.id_number_masked = (
            sealed.encrypted,
            sealed.hash,
            sealed.masked,
        )

    @property
    def phone(self) -> str:
        """The plain phone ("" if none), decrypted on each access (lists use `phone_masked`)."""
        if not self.phone_encrypted:
            return ""
        return decrypt(self.phone_encrypted, context=PHONE)

    @phone.setter
    def phone(self, value: str) -> None:
        if (
            self.phone_encrypted
            and phone_hash(value) == self.phone_hash
            and self.phone == value.strip()
        ):
            return  # the same phone, written the same way: keep the stored ciphertext
        sealed = seal_phone(value)
        self.phone_encrypted, self.phone_hash, self.phone_masked = (
            sealed.encrypted,
            sealed.hash,
            sealed.masked,
        )


class RegistrationSource(models.TextChoices):
    HOME_PURCHASE = "home_purchase", "购房入住"
    EMPLOYMENT = "employment", "就业"
    SELF_DECLARED = "self_declared", "主动亮相"
    TRANSFER_IN = "transfer_in", "转入"


class Registration(models.Model):
    """公开亮相登记: how a Party member living or working in a community came to be known, and
    whether the community now manages them.

    The person is either a member of this district (`member`) or someone not (yet) on its roll,
    recorded by name, sealed ID number and phone. `id_number_hash` is filled in both cases (copied
    from the member), so one person has one active registration per community, whichever way
    they were entered. A registration is open until placed (纳入管理: `placed_on`, `placed_in`)
    or closed because the person moved away (`left_on`).
    """

    source = models.CharField("来源", max_length=20, choices=RegistrationSource.choices)
    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="社区党组织",
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    registered_on = models.DateField("登记日期")
    # The registration belongs to the person: it goes when the member leaves the district.
    member = models.ForeignKey(
        Member,
        verbose_name="本区党员",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
    )
    name = models.CharField("姓名", max_length=50)
    id_number_encrypted = models.TextField("公民身份号码 (encrypted)", blank=True, editable=False)
    id_number_hash = models.CharField("公民身份号码 (keyed hash)", max_length=64, editable=False)
    id_number_masked = models.CharField("公民身份号码 (masked)", max_length=18, editable=False)
    phone_encrypted = models.TextField("联系电话 (encrypted)", blank=True, editable=False)
    phone_hash = models.CharField("联系电话 (keyed hash)", max_length=64, blank=True)
    phone_masked = models.CharField("联系电话 (masked)", max_length=20, blank=True)
    relation_location = models.CharField("组织关系所在", max_length=200, blank=True)
    category_hint = models.CharField(
        "党员类别 (预判)", max_length=20, choices=MemberCategory.choices, blank=True
    )
    placed_on = models.DateField("纳入管理日期", null=True, blank=True)
    placed_in = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="纳入管理的党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placed_registrations",
    )
    left_on = models.DateField("迁离日期", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "公开亮相登记"
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(
                fields=["community", "registered_on", "id"], name="members_reg_community_date"
            ),
            models.Index(
                fields=["community", "id"],
                condition=Q(placed_on__isnull=True, left_on__isnull=True),
                name="members_reg_unplaced",
            ),
            models.Index(fields=["source", "registered_on"], name="members_reg_source_date"),
            models.Index(fields=["id_number_hash"], name="members_reg_id_hash"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "id_number_hash"],
                condition=Q(left_on__isnull=True),
                name="members_registration_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(id_number_hash="") & ~Q(name=""),
                name="members_registration_person_named",
            ),
            # A non-member's number is kept (encrypted); a member's lives on the member.
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(id_number_encrypted=""),
                name="members_registration_non_member_id_number",
            ),
            models.CheckConstraint(
                condition=Q(placed_on__isnull=True, placed_in__isnull=True)
                | Q(placed_on__isnull=False, placed_in__isnull=False),
                name="members_registration_placed_with_org",
            ),
            models.CheckConstraint(
                condition=Q(placed_on__isnull=True) | Q(placed_on__gte=models.F("registered_on")),
                name="members_registration_placed_after_registered",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("registered_on")),
                name="members_registration_left_after_registered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_placed(self) -> bool:
        return self.placed_on is not None
