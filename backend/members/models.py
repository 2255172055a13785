from django.contrib.postgres.indexes import GinIndex
from django.db import models


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
    """党员: a Party member, whose organisational relation (组织关系) is in exactly one org."""

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
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

    def __str__(self) -> str:
        return self.name
