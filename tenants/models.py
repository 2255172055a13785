from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

# A district code is a DNS label and part of a schema name, so it stays short, lowercase, plain.
DISTRICT_CODE_PATTERN = r"^[a-z][a-z0-9]{1,29}$"
district_code_validator = RegexValidator(
    DISTRICT_CODE_PATTERN, "区代码须为 2–30 位小写字母或数字，以字母开头。"
)


class Municipality(models.Model):  # type: ignore[django-manager-missing]
    """市: the city that groups districts; it sees roll-ups, never personal data."""

    code = models.CharField(
        "代码", max_length=30, unique=True, validators=[district_code_validator]
    )
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "市"

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(models.QuerySet["District"]):
    def serving(self) -> "DistrictQuerySet":
        """Real districts: not the platform's own public row, not the template schema."""
        return self.exclude(schema_name=get_public_schema_name()).filter(is_template=False)


class District(TenantMixin):
    """区: one PostgreSQL schema per district, administered by its 区委组织部."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="districts"
    )
    code = models.CharField(
        "代码", max_length=30, unique=True, validators=[district_code_validator]
    )
    name = models.CharField("名称", max_length=100)
    is_template = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Schemas are cloned from the template by tenants.provisioning, not created by save().
    auto_create_schema = False

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = "区"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """The host name a district (or the platform itself) is served on."""

    class Meta:
        verbose_name = "域名"
