"""Maintainer tool: rebuild src/duikou/reference/data/*.csv from the team's sourced reference tables.

Run by hand when ../shared/reference changes:

    python tools/build_reference.py ../shared/reference

The platform never reads ../shared at run time (users don't have it); it loads
the CSV files this writes, which keep each row's notes and sources.
"""

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "duikou" / "reference" / "data"

# Areas that did not exist for the whole programme: projects may not be placed there earlier.
NEW_AREAS = {
    "652702": "2012-12-17",  # 阿拉山口市
    "654004": "2014-06-26",  # 霍尔果斯市
    "653228": "2024-12-01",  # 和康县
    "653229": "2024-12-01",  # 和安县
    "653132": "2026-03-26",  # 岑岭县 (unconfirmed)
    "659013": "2026-04-01",  # 草湖市 (unconfirmed)
}

# XPCC divisions and regiments without a GB/T 2260 code get a stable own key.
OWN_KEYS = {"第十一师(建工师)": "XPCC11", "第十二师": "XPCC12"}
REGIMENTS = [
    # own key, name, parent code, note
    ("XPCC01-004", "第一师四团", "659002", "团场; 衢州市 supports it (pairings.csv); no GB code"),
    ("XPCC05-086", "第五师八十六团", "659007", "团场; 十堰市 supports it (pairings.csv); no GB code"),
    (
        "XPCC12-221",
        "第十二师二二一团",
        "XPCC12",
        "团场 in 吐鲁番; 益阳 staff posted there (pairings.csv); no GB code",
    ),
    ("XPCC12-222", "第十二师二二二团", "XPCC12", "团场; 山西 supports it (pairings.csv); no GB code"),
]
REGIMENT_BY_PAIRING_NAME = {
    "第一师四团": "XPCC01-004",
    "第五师八十六团": "XPCC05-086",
    "第十二师(二二一团)": "XPCC12-221",
    "第十二师(二二二团)": "XPCC12-222",
    "第十二师": "XPCC12",
}

# Former codes and names (GB/T 2260 changes noted in xinjiang_divisions.csv, and the 农X师 names).
FORMER = [
    ("652923", "库车县", "652902", "2019-12-31"),
    ("654223", "沙湾县", "654203", "2021-12-31"),
    ("652100", "吐鲁番地区", "650400", "2015-04-30"),
    ("652101", "吐鲁番市（县级）", "650402", "2015-04-30"),
    ("652122", "鄯善县（吐鲁番地区）", "650421", "2015-04-30"),
    ("652123", "托克逊县（吐鲁番地区）", "650422", "2015-04-30"),
    ("652200", "哈密地区", "650500", "2016-02-29"),
    ("652201", "哈密市（县级）", "650502", "2016-02-29"),
    ("652222", "巴里坤哈萨克自治县（哈密地区）", "650521", "2016-02-29"),
    ("652223", "伊吾县（哈密地区）", "650522", "2016-02-29"),
]
XPCC_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"]


def build_divisions(source: Path):
    with open(source / "xinjiang_divisions.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    divisions = [
        {
            "code": "650000",
            "name": "新疆维吾尔自治区",
            "short_name": "新疆",
            "level": "region",
            "parent_code": "",
            "zone": "",
            "is_xpcc": "0",
            "is_code_official": "1",
            "is_confirmed": "1",
            "valid_from": "",
            "notes": "root of the division tree",
        }
    ]
    xpcc_codes = {}
    for row in rows:
        code = row["code"] or OWN_KEYS[row["name"]]
        is_xpcc = row["level"] == "xpcc_division" or code == "659013"
        short_name = ""
        if row["level"] == "xpcc_division":
            short_name = row["name"].split("(")[0][:4] if "师" in row["name"][:4] else row["name"]
            short_name = short_name[: short_name.index("师") + 1]
            xpcc_codes[short_name] = code
        divisions.append(
            {
                "code": code,
                "name": row["name"].replace("(建工师)", ""),
                "short_name": short_name,
                "level": row["level"],
                "parent_code": row["parent_code"] or "650000",
                "zone": row["region"],
                "is_xpcc": "1" if is_xpcc else "0",
                "is_code_official": "1" if row["code"] else "0",
                "is_confirmed": "0" if "UNCONFIRMED" in row["notes"] else "1",
                "valid_from": NEW_AREAS.get(code, ""),
                "notes": row["notes"],
            }
        )
    zones = {d["code"]: d["zone"] for d in divisions}
    for code, name, parent, note in REGIMENTS:
        divisions.append(
            {
                "code": code,
                "name": name,
                "short_name": "",
                "level": "regiment",
                "parent_code": parent,
                "zone": zones[parent],
                "is_xpcc": "1",
                "is_code_official": "0",
                "is_confirmed": "1",
                "valid_from": "",
                "notes": note,
            }
        )
    former = [{"code": c, "name": n, "division_code": d, "valid_to": v} for c, n, d, v in FORMER]
    for numeral in XPCC_NUMERALS:
        short = f"第{numeral}师"
        former.append(
            {"code": "", "name": f"农{numeral}师", "division_code": xpcc_codes[short], "valid_to": ""}
        )
    former.append({"code": "", "name": "建工师", "division_code": "XPCC11", "valid_to": ""})
    return divisions, former


def build_pairings(source: Path):
    out = []
    with open(source / "pairings.csv", encoding="utf-8") as handle:
        source_rows = list(csv.DictReader(handle))
    for row in source_rows:
        code = row["recipient_code"] or REGIMENT_BY_PAIRING_NAME[row["recipient_name"]]
        since = row["since"]
        if len(since) == 4:
            since = f"{since}-01-01"
        elif len(since) == 7:
            since = f"{since}-01"
        notes = row["notes"]
        is_doubtful = not since or any(word in notes for word in ("INFERRED", "UNCERTAIN", "confirm year"))
        out.append(
            {
                "supporter": row["supporter"],
                "division_code": code,
                "since": since,
                "is_confirmed": "0" if is_doubtful else "1",
                "notes": notes,
                "source": row["source"],
            }
        )
    return out


def write(name, rows):
    with open(OUT / name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
    divisions, former = build_divisions(source)
    write("divisions.csv", divisions)
    write("former_codes.csv", former)
    write("pairings.csv", build_pairings(source))
