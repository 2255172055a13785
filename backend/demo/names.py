"""Word lists for the demo data: names of people, places, units and projects.

Plain tuples (never sets): the generator draws from them with a seeded `random.Random`, so their
order is part of what makes a seed reproducible. Lists are whitespace-separated strings so they
stay compact.
"""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# 百家姓 roughly by frequency (the generator weights them by rank), with surnames common in
# Ningbo (俞 应 邵 竺 鲍 乐 …) moved up.
SURNAMES = _words(
    "王 李 张 陈 刘 周 徐 杨 胡 黄 吴 林 沈 赵 孙 朱 郑 叶 俞 高 何 郭 马 蒋 陆 金 方 姚 应"
    " 罗 梁 宋 谢 韩 唐 冯 许 傅 董 程 曹 袁 邓 卢 蔡 戴 潘 邵 毛 钱 余 于 曾 彭 吕 苏 丁"
    " 魏 夏 范 汪 邱 严 薛 贾 杜 钟 田 任 姜 石 邹 史 顾 汤 江 谭 廖 熊 郝 孔 白 崔 康 秦"
    " 侯 孟 龙 万 段 尹 易 常 武 乔 贺 龚 文 竺 鲍 乐 屠 虞 裘 柴 童 翁 褚 娄 楼 包 水 茅"
)

# Given names by generation (born before 1965, 1965–1984, 1985 and later) and sex.
GIVEN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "old": {
        "male": _words(
            "建国 国强 国庆 德华 志刚 永明 福生 金根 长林 海生 振华 学军 卫国 建华 庆丰 友德"
            " 根发 宝林 忠良 文才 松年 荣生 家祥 兴富 明德 炳坤 耀宗 祖荣 连生 新民 红旗 跃进"
            " 援朝 伟 强 军 明 平 祥 林"
        ),
        "female": _words(
            "秀英 桂英 玉兰 凤英 桂兰 秀珍 素珍 月娥 菊芬 彩凤 美娟 爱华 亚芬 春花 金娣 雪琴"
            " 惠芳 宝珠 翠英 丽华 淑贞 红英 梅芳 冬梅 素娥 芳 英 珍 兰 娥"
        ),
    },
    "mid": {
        "male": _words(
            "海波 建平 立新 晓东 志强 卫东 红军 永刚 国栋 振宇 建军 俊杰 明辉 伟民 文斌 海峰"
            " 国平 利民 晓峰 剑锋 军辉 东升 洪波 建忠 勇 斌 杰 磊 涛 鹏 辉 峰 刚 波 华 亮 健"
            " 毅 锋 军"
        ),
        "female": _words(
            "丽娟 海燕 晓红 红霞 美玲 雪芬 晓燕 春燕 丽萍 亚萍 海英 素萍 爱萍 晓青 建芬 静 敏"
            " 芳 娟 艳 丽 燕 霞 萍 红 琴 洁 慧 丹 玲"
        ),
    },
    "young": {
        "male": _words(
            "浩然 子豪 宇航 俊豪 博文 一鸣 泽宇 思远 天佑 嘉豪 文轩 皓轩 晨阳 凯文 子健 明轩"
            " 家乐 旭东 振宇 伟杰 宇 昊 杰 晨 磊 超 鑫 斌 帆 涛"
        ),
        "female": _words(
            "欣怡 梓涵 诗涵 雨婷 佳琪 思雨 梦瑶 晓雯 婷婷 佳怡 雅琪 可欣 心怡 文静 丹丹 晶晶"
            " 莉莉 倩 颖 琳 婷 洁 蕾 璐 瑶 佳 露 薇 琪 悦"
        ),
    },
}

# Syllables that make plausible community, compound and road names.
PLACE_FIRST = _words(
    "华 锦 金 春 和 安 泰 康 瑞 嘉 宁 兴 长 永 丰 广 翠 柳 桂 兰 竹 松 青 惠 景 清 文 德"
    " 海 湖 桃 丹 荷 碧 霞 朝 云 星 樱 明 东 南 新 中 石 梅 望 月 西 江 天 福 百 鼓 书 紫"
)
PLACE_SECOND = _words(
    "城 苑 园 湖 湾 桥 塘 江 溪 河 山 林 港 泽 光 晖 风 阳 辉 悦 馨 家 里 坊 门 庭 浦 丰"
    " 华 宁 安 和 兴 盛 翔 新 景 泰 乐 康 源 合 韵 秀 庄 亭 岙 渡 鹤 柳 泉 桂"
)
# 街道 (sub-district) names of the Ningbo kind; the generator adds PLACE pairs if it runs out.
STREET_NAMES = _words(
    "钟公庙 首南 下应 中河 潘火 百丈 东胜 明楼 白鹤 东柳 东郊 福明 新明 姜山 邱隘 五乡"
    " 瞻岐 云龙 横溪 塘溪 咸祥 东吴 章水 龙观 鼓楼 月湖 江厦 南门 西门 段塘 白云 望春"
    " 石碶 集士港 古林 高桥 洪塘 庄桥 甬江 孔浦 文教 中马 白沙 慈城"
)
# The real 街道 of the demo districts (after the 2016 redistricting), used when the name matches.
STREETS_BY_DISTRICT: dict[str, tuple[str, ...]] = {
    "鄞州区": _words(
        "钟公庙 首南 下应 中河 潘火 百丈 东胜 明楼 白鹤 东柳 东郊 福明 新明 姜山 邱隘 五乡"
        " 瞻岐 云龙 横溪 塘溪 咸祥 东吴"
    ),
    "海曙区": _words(
        "鼓楼 月湖 江厦 南门 西门 段塘 白云 望春 石碶 集士港 古林 高桥 横街 洞桥 鄞江 章水 龙观"
    ),
    "江北区": _words("中马 白沙 孔浦 文教 甬江 庄桥 洪塘 慈城 前江"),
}
# Where a district is, by the first four digits of its region code: the city its addresses start
# with and its landlines' area code. Other regions get Ningbo's (the word lists are Ningbo's too).
CITIES: dict[str, tuple[str, str]] = {
    "3302": ("浙江省宁波市", "0574"),
    "3101": ("上海市", "021"),
}
DEFAULT_CITY = CITIES["3302"]
COMPOUND_SUFFIXES = _words("花园 家园 新村 公寓 名苑 雅苑 小区 嘉园 华庭 府 丽园 景苑 新城 佳园")
ROAD_SUFFIXES = _words("路 路 路 街 大道 巷")
CHINESE_NUMERALS = _words(
    "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十"
)

# Unit name templates: {d} district (鄞州区), {s} street, {c} community, {b} brand, {n} number,
# {x} place word.
ORGANS = _words(
    "{d}市场监督管理局 {d}民政局 {d}人力资源和社会保障局 {d}教育局 {d}财政局"
    " {d}住房和城乡建设局 {d}卫生健康局 {d}文化和广电旅游体育局 {d}司法局 {d}应急管理局"
    " {d}统计局 {d}审计局 {d}商务局 {d}发展和改革局 {d}科学技术局 {d}农业农村局"
    " {d}交通运输局 {d}综合行政执法局 {d}退役军人事务局 {d}医疗保障局 {d}信访局"
    " {d}机关事务管理局 {d}档案馆 {d}总工会 共青团{d}委员会 {d}妇女联合会 {d}科学技术协会"
    " {d}人民法院 {d}人民检察院 中共{d}委组织部 中共{d}委宣传部 中共{d}委统战部"
    " 中共{d}委政法委员会"
)
DISTRICT_UNITS = _words(
    "{d}人民医院 {d}第二人民医院 {d}中医院 {d}妇幼保健院 {d}疾病预防控制中心 {d}实验中学"
    " {d}第一中学 {d}职业教育中心学校 {d}实验小学 {d}图书馆 {d}文化馆"
    " 宁波市{d}城市建设投资发展有限公司 宁波市{d}交通投资集团有限公司"
    " 宁波市{d}国有资产经营有限公司 宁波市{d}水利建设有限公司 宁波市{d}公共交通有限公司"
    " {d}供销合作社 {d}房屋征收服务中心 {d}社会福利院 {d}体育中心"
)
RESIDENT_UNITS = _words(
    "国网浙江省电力有限公司宁波供电公司{s}供电所 中国工商银行宁波{s}支行 中国银行宁波{s}支行"
    " 中国建设银行宁波{s}支行 中国农业银行宁波{s}支行 宁波银行{s}支行"
    " 中国移动通信集团浙江有限公司宁波{s}营业部 中国邮政集团有限公司宁波市{s}邮政支局"
    " 中国石化销售股份有限公司浙江宁波{s}加油站 宁波市第{n}医院 宁波市{x}中学"
    " 宁波市自来水有限公司{s}营业所 宁波大学{x}学院 宁波市公安局{d}分局{s}派出所"
    " 宁波舟山港{x}集装箱码头有限公司 浙江省{x}工程勘察院 宁波市{x}设计研究院有限公司"
    " 中国人民财产保险股份有限公司宁波市{s}支公司"
)
# (prefix, weight) for non-public enterprises.
ENTERPRISE_PREFIXES: tuple[tuple[str, int], ...] = (("宁波", 10), ("浙江", 3), ("宁波市{d}", 2))
ENTERPRISE_INDUSTRIES = _words(
    "科技 电子 机械 模具 服饰 贸易 物流 电器 塑业 信息技术 文化传媒 建设工程 餐饮管理"
    " 物业服务 汽车部件 医疗器械 新材料 智能科技 进出口 五金 精密制造 网络科技 环保科技"
    " 食品 家居用品 文具 光电 轴承 纺织 生物科技 软件 供应链管理 包装 检测技术"
)
ENTERPRISE_FORMS: tuple[tuple[str, int], ...] = (
    ("有限公司", 12),
    ("股份有限公司", 2),
    ("集团有限公司", 1),
)
BRAND_FIRST = _words(
    "华 博 瑞 鑫 恒 泰 欣 科 创 联 达 远 凯 润 宏 晟 弘 源 顺 兴 中 天 金 永 海 宇 嘉 盛"
    " 明 东 致 睿 聚 德 信 立 方 伟 卓 锐 新 亿"
)
BRAND_SECOND = _words(
    "丰 源 达 宇 腾 信 通 星 越 昌 豪 拓 智 邦 诚 辉 峰 力 友 华 阳 远 创 安 凯 美 瑞 泰"
    " 博 特 驰 晶 联 亚 科 迈 康 成 洋 悦 汇 德"
)
SOCIAL_ORGANISATIONS = _words(
    "{d}{b}社会工作服务中心 {d}{s}街道志愿者协会 {d}{b}公益服务中心 {d}{c}社区居家养老服务中心"
    " {d}{b}青少年发展服务中心 {d}{b}社区服务中心 {d}个体劳动者协会{s}分会 {d}{s}街道商会"
    " {d}{b}心理咨询服务中心 {d}{b}助残服务中心 {d}{c}社区文体协会"
    " 宁波市{d}{b}职业技能培训学校 {d}{b}幼儿园 {d}{b}人民调解服务中心 {d}{b}物业管理协会"
)

# 临时党支部 projects ({s} street, {n} number, {x} place word).
PROJECTS = _words(
    "{s}{x}安置房建设项目 宁波轨道交通{n}号线{s}站项目 {x}路改造提升工程 {s}{x}学校新建工程"
    " {s}老旧小区综合改造项目 {x}桥重建工程 {s}{x}产业园建设项目"
)

# Mobile number prefixes (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 175"
    " 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
)
