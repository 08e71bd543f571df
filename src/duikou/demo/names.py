"""Chinese names for the synthetic data set: projects by category and place, towns, people, units.

The patterns follow real 援疆 plan tables ("莎车县第二中学教学楼建设项目",
"乌什县百村千厂纺织车间（二期）"). Town names are composed from common
place-name elements of southern and northern Xinjiang; they are plausible,
not real. Person names are random and belong to nobody.
"""

from __future__ import annotations

import random

ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
PHASES = ["二", "三", "四"]

TOWN_HEADS = [
    "阿克",
    "喀拉",
    "托格拉克",
    "英阿瓦提",
    "阿热勒",
    "巴格",
    "恰尔巴格",
    "依盖尔其",
    "塔尕尔其",
    "亚喀艾日克",
    "墩巴格",
    "阿瓦提",
    "乌尊",
    "喀群",
    "孜热甫",
    "铁热克",
    "色力布亚",
    "艾力西湖",
    "伊什库力",
    "白杨",
    "红旗",
    "团结",
    "幸福",
    "胜利",
    "光明",
]
TOWN_TAILS = ["乡", "镇"]
VILLAGE_TAILS = ["村"]

INDUSTRIES = [
    "纺织",
    "服装",
    "电子装配",
    "鞋帽",
    "假发",
    "地毯",
    "农副产品加工",
    "箱包",
    "手工艺品",
    "食品加工",
]
CROPS = ["红枣", "核桃", "巴旦木", "葡萄", "香梨", "苹果", "西梅", "小麦", "棉花", "设施蔬菜", "枸杞", "杏"]
SCHOOLS = ["中学", "小学", "高级中学", "实验学校", "职业技术学校", "双语幼儿园", "中心幼儿园"]

TEMPLATES: dict[str, list[str]] = {
    "livelihood": [
        "{place}人民医院门诊综合楼建设项目",
        "{place}{town}卫生院改扩建项目",
        "{place}{town}安居富民房建设项目",
        "{place}城乡供水管网改造工程",
        "{place}农村公路提升改造工程",
        "{place}保障性住房配套基础设施项目",
        "{place}{village}村级综合服务中心建设项目",
        "{place}妇幼保健院业务楼建设项目",
        "{place}{town}污水处理设施建设项目",
        "{place}老旧小区改造项目",
        "{place}{town}农村饮水安全巩固提升工程",
        "{place}疾病预防控制中心实验楼建设项目",
        "{place}养老服务中心建设项目",
        "{place}集中供热管网改造工程",
    ],
    "industry": [
        "{place}百村千厂{industry}车间",
        "{place}{industry}产业园标准化厂房建设项目",
        "{place}{crop}种植示范基地项目",
        "{place}特色林果冷链物流中心项目",
        "{place}{crop}精深加工园区基础设施项目",
        "{place}就业创业孵化基地建设项目",
        "{place}{town}卫星工厂建设项目",
        "{place}农产品交易市场建设项目",
        "{place}设施农业大棚建设项目",
        "{place}乡村旅游基础设施建设项目",
        "{place}{industry}就业技能培训基地项目",
    ],
    "culture_education": [
        "{place}第{ordinal}中学教学楼建设项目",
        "{place}{town}中心幼儿园建设项目",
        "{place}职业技术学校实训楼建设项目",
        "{place}第{ordinal}小学综合楼建设项目",
        "{place}{town}{school}学生宿舍楼建设项目",
        "{place}图书馆建设项目",
        "{place}全民健身中心建设项目",
        "{place}{town}文化站建设项目",
        "{place}国家通用语言文字培训项目",
        "{place}高级中学食堂及附属设施项目",
    ],
    "exchanges": [
        "{place}青少年“手拉手”交流活动项目",
        "{supporter}—{place}旅游援疆推介项目",
        "{place}各族群众“结对认亲”活动项目",
        "{place}民族团结一家亲文化交流项目",
        "{place}少年儿童“内地游学”项目",
        "{supporter}{place}文化润疆交流项目",
    ],
    "talent": [
        "{place}干部人才培训项目",
        "{place}医疗人才“组团式”帮扶项目",
        "{place}中小学教师能力提升培训项目",
        "{supporter}—{place}专业技术人才交流项目",
        "{place}基层干部赴{supporter}跟岗学习项目",
        "{place}农业技术人员培训项目",
    ],
}

# 楼堂馆所: government office buildings and halls, not allowed (confirmed for XPCC, 2011).
OFFICE_BUILDING_TEMPLATES = [
    "{place}人民政府办公楼建设项目",
    "{place}会议中心建设项目",
    "{place}行政服务中心办公大楼建设项目",
    "{place}机关接待中心改造项目",
]

# Reworded forms a second clerk (or another supporter) would write for the same project.
REWORDINGS = [
    ("建设项目", "工程"),
    ("建设项目", "新建项目"),
    ("改扩建项目", "改扩建工程"),
    ("项目", "工程项目"),
    ("教学楼", "教学综合楼"),
    ("综合楼", "综合大楼"),
    ("卫生院", "乡镇卫生院"),
    ("幼儿园", "幼儿园（新建）"),
    ("标准化厂房", "标准厂房"),
    ("车间", "生产车间"),
    ("基础设施", "配套基础设施"),
    ("提升改造", "改造提升"),
]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红建国志文斌辉鹏飞宇浩凯晨欣怡婷雪梅海波峰亮"
)

SENDING_UNITS = [
    "发展和改革委员会",
    "教育局",
    "卫生健康委员会",
    "人民医院",
    "第一中学",
    "农业农村局",
    "商务局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "文化和旅游局",
    "中医院",
    "职业技术学院",
]
HOST_UNITS = {
    "cadre": [
        "{place}人民政府",
        "{place}发展和改革委员会",
        "{place}援疆办",
        "{place}商务和工业信息化局",
        "{place}住房和城乡建设局",
        "{place}农业农村局",
    ],
    "professional": [
        "{place}人民医院",
        "{place}第一中学",
        "{place}农业技术推广站",
        "{place}自然资源局",
        "{place}疾病预防控制中心",
    ],
    "teacher": [
        "{place}第一中学",
        "{place}第二中学",
        "{place}高级中学",
        "{place}职业技术学校",
        "{place}实验小学",
    ],
    "doctor": ["{place}人民医院", "{place}妇幼保健院", "{place}中医医院"],
    "short_term": ["{place}人民医院", "{place}第一中学", "{place}农业农村局", "{place}文化馆"],
}
POSTS = {
    "cadre": ["副县长", "县委常委、副县长", "发改委副主任", "援疆工作组组长", "商务局副局长", "副局长"],
    "professional": ["副院长", "科室主任", "副校长", "工程师", "农艺师", "规划师"],
    "teacher": ["语文教师", "数学教师", "英语教师", "物理教师", "教研组长", "副校长"],
    "doctor": ["主治医师", "副主任医师", "主任医师", "科室主任"],
    "short_term": ["技术顾问", "讲师", "专家"],
}


def town_name(rng: random.Random) -> str:
    return rng.choice(TOWN_HEADS) + rng.choice(TOWN_TAILS)


def village_name(rng: random.Random) -> str:
    return rng.choice(TOWN_HEADS) + rng.choice(["", "新", "东", "西"]) + "村"


def project_name(rng: random.Random, category: str, place: str, supporter: str) -> str:
    template = rng.choice(TEMPLATES[category])
    name = template.format(
        place=place,
        supporter=supporter,
        town=town_name(rng),
        village=village_name(rng).removesuffix("村"),
        industry=rng.choice(INDUSTRIES),
        crop=rng.choice(CROPS),
        ordinal=rng.choice(ORDINALS[:6]),
        school=rng.choice(SCHOOLS),
    )
    if "百村千厂" in name and rng.random() < 0.5:  # the flagship factories were built in phases
        name += f"（{rng.choice(PHASES)}期）"
    return name


def office_building_name(rng: random.Random, place: str) -> str:
    return rng.choice(OFFICE_BUILDING_TEMPLATES).format(place=place)


def reword(rng: random.Random, name: str) -> str:
    """A different wording of the same project name; falls back to a prefix change."""
    options = [(old, new) for old, new in REWORDINGS if old in name]
    if options:
        old, new = rng.choice(options)
        return name.replace(old, new, 1)
    return "新建" + name


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
