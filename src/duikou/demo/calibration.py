"""The published figures the synthetic data set is calibrated to (DOMAIN.md, "Published figures").

Not every published figure can hold at once: ~2,500 projects a year with a
median of 400–600万 implies yearly funds that, summed from 2010, exceed the
"近1,700亿 by 2023" cumulative. We keep the figures the platform is judged on
— the yearly anchors (2018, 2021–22, 2024, 2025), ~2,500 projects a year, the
median size, the category, 民生 and 南疆 shares — and let the early years run
higher than the cumulative suggests. docs/decisions/0002-calibration.md has
the reasoning and the measured result.
"""

from decimal import Decimal

FIRST_YEAR, LAST_YEAR = 2010, 2025

# 援疆资金 (计划内, 亿元) by plan year. Published anchors: 2018 159.62; 2021 + 2022 = 397.78
# (the two years before the 2023 conference); ~200 in 2024; 197 in 2025. Others interpolate.
YEARLY_FUNDS_YI: dict[int, Decimal] = {
    2010: Decimal("30"),
    2011: Decimal("85"),
    2012: Decimal("100"),
    2013: Decimal("112"),
    2014: Decimal("122"),
    2015: Decimal("132"),
    2016: Decimal("140"),
    2017: Decimal("150"),
    2018: Decimal("159.62"),
    2019: Decimal("165"),
    2020: Decimal("172"),
    2021: Decimal("195"),
    2022: Decimal("202.78"),
    2023: Decimal("190"),
    2024: Decimal("200"),
    2025: Decimal("197"),
}

# Projects per plan year at scale 1. Published: 5,125 in 2021–22; "~2,500 a year".
YEARLY_PROJECTS: dict[int, int] = {
    2010: 900,
    2011: 2000,
    2012: 2200,
    2013: 2300,
    2014: 2400,
    2015: 2450,
    2016: 2500,
    2017: 2550,
    2018: 2600,
    2019: 2600,
    2020: 2580,
    2021: 2560,
    2022: 2565,
    2023: 2500,
    2024: 2500,
    2025: 2480,
}

# Share of funds to 南疆 by year: 70%+ "since 2023" (reported), below that before.
SOUTH_SHARE = {year: Decimal("0.66") + Decimal("0.002") * (year - FIRST_YEAR) for year in range(2010, 2023)}
SOUTH_SHARE.update({2023: Decimal("0.72"), 2024: Decimal("0.73"), 2025: Decimal("0.74")})

# Lognormal spread of project sizes; with the yearly means above the median lands in 400–600万.
SIZE_SIGMA = 0.8

# Category mix by project count, and how large a project of the category is relative to the
# mean. With these, funds split about 民生 34%, 产业 27%, 文化教育 28%, 交往 6%, 智力 4% —
# the shape of 浙江 → 阿克苏 in 2023 (33/26/29/7/5) — and 民生-counting categories ≈ 89%.
CATEGORY_MIX = {
    # code: (share of projects, size factor, share that is fixed-asset)
    "livelihood": (0.33, 1.10, 0.95),
    "industry": (0.22, 1.30, 0.90),
    "culture_education": (0.25, 1.20, 0.85),
    "exchanges": (0.11, 0.60, 0.20),
    "talent": (0.09, 0.50, 0.10),
}

# Relative weight of each supporter's yearly budget (援疆资金 is about 1‰ of the supporter's
# general budget revenue, so richer provinces give more). Approximate, by 2020s revenue.
SUPPORTER_WEIGHTS = {
    "北京市": 10,
    "天津市": 5,
    "河北省": 5,
    "山西省": 3,
    "辽宁省": 4,
    "吉林省": 2,
    "黑龙江省": 2,
    "上海市": 11,
    "江苏省": 11,
    "浙江省": 9,
    "安徽省": 3,
    "福建省": 4,
    "江西省": 2,
    "山东省": 8,
    "河南省": 4,
    "湖北省": 4,
    "湖南省": 3,
    "广东省": 10,
    "深圳市": 6,
}

# Project codes: XJ-<year>-<supporter>-<sequence>.
SUPPORTER_CODES = {
    "北京市": "BJ",
    "天津市": "TJ",
    "河北省": "HE",
    "山西省": "SX",
    "辽宁省": "LN",
    "吉林省": "JL",
    "黑龙江省": "HL",
    "上海市": "SH",
    "江苏省": "JS",
    "浙江省": "ZJ",
    "安徽省": "AH",
    "福建省": "FJ",
    "江西省": "JX",
    "山东省": "SD",
    "河南省": "HA",
    "湖北省": "HB",
    "湖南省": "HN",
    "广东省": "GD",
    "深圳市": "SZ",
    "通化市": "THS",
    "上海市浦东新区": "PDX",
    "无锡市": "WXS",
    "常州市": "CZS",
    "杭州市": "HZS",
    "衢州市": "QZS",
    "泉州市": "QUS",
    "福州市": "FZS",
    "厦门市": "XMS",
    "东营市": "DYS",
    "郑州市": "ZZS",
    "十堰市": "SYS",
    "益阳市": "YYS",
    "佛山市": "FSS",
    "深圳市龙岗区": "LGQ",
}

# Share of a province's projects in a county that one of its cities (or districts) is paired
# with directly, attributed to that city (市县 援疆 funds).
SUB_SUPPORTER_SHARE = 0.25

# Share of projects at prefecture (州直) or XPCC division (师) level, where the pairing allows.
UPPER_LEVEL_SHARE = 0.18

# Jobs: "120,000+ jobs in two years" → about 60,000 a year from industry and employment projects.
JOBS_PER_YEAR = 60_000

# Dispatched people per year at scale 1, by kind (≈ 30,000 stints over 16 years).
ASSIGNMENTS_PER_YEAR = {"cadre": 700, "professional": 600, "teacher": 250, "doctor": 150, "short_term": 200}
TERM_MONTHS = {"cadre": 36, "professional": 18, "teacher": 12, "doctor": 12, "short_term": 3}

# Planted anomalies per scale 1 (at least MIN_PLANTED of each at any scale).
PLANTED_PER_SCALE = {
    "low_livelihood_share": 3,
    "low_arrival_rate": 3,
    "low_start_rate": 3,
    "low_completion_rate": 3,
    "idle_balance": 150,
    "completed_not_accepted": 150,
    "total_mismatch": 100,
    "near_duplicate": 200,
    "near_miss": 200,
    "phase": 100,
    "disbursed_beyond_arrived": 80,
    "spent_over_approved": 80,
    "duplicate_document": 60,
    "office_building": 20,
}
MIN_PLANTED = 2

# Share of ledger entries that are posted wrong and corrected by a reversal and a re-post.
CORRECTION_SHARE = 0.01
