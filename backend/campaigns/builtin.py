"""The campaigns the source document describes; every district starts with them."""

# (code, name, description, parent code, themes as (code, name))
BUILTIN_CAMPAIGNS: tuple[tuple[str, str, str, str | None, tuple[tuple[str, str], ...]], ...] = (
    (
        "seven_hands",
        "七携手",
        "市区同驻区单位共同开展的共驻共建活动，建立双向联系、双向反馈、双向服务的新机制。",
        None,
        (
            ("economy", "携手共兴区域经济"),
            ("community_service", "携手共办社区服务"),
            ("new_citizens", "携手共育四有新人"),
            ("five_good_branches", "携手共建五好支部"),
            ("environment", "携手共美社区环境"),
            ("safety", "携手共保社区平安"),
            ("civilised_community", "携手共创文明社区"),
        ),
    ),
    (
        "banner_action",
        "旗帜行动",
        "党的牌子挂起来，党员身份亮起来，党的形象树起来，党的旗帜飘起来。",
        None,
        (),
    ),
    (
        "one_creation_two_promotions",
        "一创双促",
        "创新共建机制、促进社区党建、促进社区发展。",
        None,
        (
            ("innovate_mechanism", "创新共建机制"),
            ("promote_party_building", "促进社区党建"),
            ("promote_development", "促进社区发展"),
        ),
    ),
    ("cadres_to_grassroots", "干部下基层", "下派干部到社区、基层和居企蹲点。", None, ()),
    (
        "hundred_cadres_community",
        "百名干部进社区",
        "下派处科级干部到社区蹲点，推进社区党建工作。",
        "cadres_to_grassroots",
        (),
    ),
    (
        "hundred_cadres_grassroots",
        "百名干部下基层",
        "",
        "cadres_to_grassroots",
        (),
    ),
    ("hundred_cadres_enterprises", "百名干部进居企", "", "cadres_to_grassroots", ()),
    (
        "three_actions",
        "三大行动",
        "党员小组社区服务行动、党员再就业双带行动、在职党员进社区行动。",
        None,
        (
            ("service_groups", "党员小组社区服务行动"),
            ("double_lead", "党员再就业双带行动"),
            ("in_service_to_community", "在职党员进社区行动"),
        ),
    ),
)
