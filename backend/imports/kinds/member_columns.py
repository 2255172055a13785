"""The 党员名册 template's columns: Chinese headers with the synonyms rosters use, drop-down
choices and comments; and which column each member-service API field stands for."""

from backend.common.masking import mask_id_number, mask_phone
from backend.imports import values
from backend.imports.kinds.common import columns_by_key
from backend.imports.spec import Column
from backend.members.models import Education, Gender, MemberCategory, MemberStatus

ID_NUMBER = Column(
    "id_number",
    "公民身份号码",
    values.id_number,
    required=True,
    synonyms=("身份证号", "身份证号码", "身份证", "证件号码", "身份证件号码"),
    personal=True,
    mask=mask_id_number,
    comment="必填。18 位公民身份号码，末位可为 X。请把该列设为文本格式，以免 Excel 改写末几位。",
    width=22,
)
NAME = Column(
    "name", "姓名", values.text(50), required=True, synonyms=("党员姓名",), comment="必填。"
)
GENDER = values.Choice(
    Gender, {"男性": Gender.MALE, "女性": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
)
EDUCATION = values.Choice(
    Education,
    {
        "博士": Education.POSTGRADUATE,
        "硕士": Education.POSTGRADUATE,
        "博士研究生": Education.POSTGRADUATE,
        "硕士研究生": Education.POSTGRADUATE,
        "研究生及以上": Education.POSTGRADUATE,
        "本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
        "高职": Education.COLLEGE,
        "中技": Education.SECONDARY_VOCATIONAL,
        "技校": Education.SECONDARY_VOCATIONAL,
        "职高": Education.SECONDARY_VOCATIONAL,
        "中职": Education.SECONDARY_VOCATIONAL,
        "中等专科": Education.SECONDARY_VOCATIONAL,
        "初中": Education.JUNIOR_OR_BELOW,
        "小学": Education.JUNIOR_OR_BELOW,
        "初中以下": Education.JUNIOR_OR_BELOW,
        "小学及以下": Education.JUNIOR_OR_BELOW,
    },
)
STATUS = values.Choice(MemberStatus, {"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY})
CATEGORY = values.Choice(
    MemberCategory,
    {
        "在职": MemberCategory.IN_SERVICE,
        "流动": MemberCategory.MOBILE,
        "下岗": MemberCategory.LAID_OFF,
        "下岗党员": MemberCategory.LAID_OFF,
        "下岗职工": MemberCategory.LAID_OFF,
        "离退休": MemberCategory.RETIRED,
        "退休": MemberCategory.RETIRED,
        "离休": MemberCategory.RETIRED,
        "退休党员": MemberCategory.RETIRED,
        "离休党员": MemberCategory.RETIRED,
        "社区": MemberCategory.COMMUNITY,
    },
)

COLUMNS: tuple[Column, ...] = (
    NAME,
    ID_NUMBER,
    Column(
        "gender",
        "性别",
        GENDER,
        choices=GENDER.labels,
        comment="可不填：按公民身份号码确定；填写时须与号码一致。",
        width=8,
    ),
    Column(
        "birth_date",
        "出生日期",
        values.date_value,
        synonyms=("出生时间",),
        comment="可不填：按公民身份号码确定；填写时须与号码一致。",
        width=12,
    ),
    Column(
        "phone",
        "联系电话",
        values.phone,
        synonyms=("手机号", "手机号码", "手机", "电话", "电话号码", "联系方式"),
        personal=True,
        mask=mask_phone,
        comment="11 位手机号，或区号加座机号（如 010-12345678）。",
        width=16,
    ),
    Column(
        "education",
        "学历",
        EDUCATION,
        required=True,
        synonyms=("文化程度", "最高学历"),
        choices=EDUCATION.labels,
        comment="必填。",
        width=12,
    ),
    Column(
        "joined_on",
        "入党时间",
        values.date_value,
        required=True,
        synonyms=("入党日期",),
        comment="必填。如 2001-07-01、2001/7/1 或 2001年7月1日；入党时须年满十八岁。",
        width=12,
    ),
    Column(
        "status",
        "党员状态",
        STATUS,
        required=True,
        synonyms=("党籍状态",),
        choices=STATUS.labels,
        comment="必填。",
        width=10,
    ),
    Column(
        "category",
        "党员类别",
        CATEGORY,
        required=True,
        synonyms=("类别", "党员分类"),
        choices=CATEGORY.labels,
        comment="必填。",
        width=12,
    ),
    Column(
        "org_code",
        "所在党组织代码",
        values.code_text(50),
        required=True,
        synonyms=("党组织代码", "组织代码", "组织关系所在党组织代码"),
        comment="必填。组织关系所在党组织的组织代码（党支部及以上，不能是党小组）。",
        width=16,
    ),
    Column(
        "residence_community_code",
        "居住社区代码",
        values.code_text(50),
        synonyms=("居住社区党组织代码",),
        comment="仅在职党员填写：居住地社区党组织的组织代码。",
        width=16,
    ),
    Column(
        "work_unit_credit_code",
        "工作单位统一社会信用代码",
        values.code_text(18, upper=True),
        synonyms=("工作单位信用代码",),
        comment="工作单位已登记时填写其统一社会信用代码，或只填工作单位名称。",
        width=22,
    ),
    Column(
        "work_unit_name",
        "工作单位",
        values.text(200),
        synonyms=("工作单位名称",),
        comment="已登记单位的名称（同名单位有多个时请填统一社会信用代码）。",
        width=20,
    ),
)
BY_KEY = columns_by_key(COLUMNS)
# The member services' API fields, as this file's columns.
FIELD_COLUMNS = {
    "name": BY_KEY["name"],
    "idNumber": BY_KEY["id_number"],
    "gender": BY_KEY["gender"],
    "birthDate": BY_KEY["birth_date"],
    "phone": BY_KEY["phone"],
    "education": BY_KEY["education"],
    "joinedOn": BY_KEY["joined_on"],
    "status": BY_KEY["status"],
    "category": BY_KEY["category"],
    "orgId": BY_KEY["org_code"],
    "toOrgId": BY_KEY["org_code"],
    "memberId": BY_KEY["org_code"],  # a pending transfer stops the move to the new org
    "residenceCommunityId": BY_KEY["residence_community_code"],
}
