"""The IATI mapping, element by element (docs/decisions/0004-iati-mapping.md): exact codes and values."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from duikou.funds.choices import EntryKind
from duikou.funds.services import reverse_entry
from duikou.geo.choices import DivisionLevel, Zone
from duikou.geo.models import Division
from duikou.parties.choices import OrganizationKind
from duikou.projects.choices import DeliveryMode, ProjectStatus
from duikou.reports.iati import (
    ACTIVITY_STATUS,
    ORGANISATION_TYPE,
    TRANSACTION_TYPE,
    EmptyScope,
    IatiExport,
    ScopeError,
    government_name,
    resolve_scope,
)
from duikou.testing import make_county, make_entry, make_prefecture, make_project, make_region, make_supporter

from .conftest import OFFICE_NAME, activity_of, export_root

pytestmark = pytest.mark.django_db

PREFIX = "ZZ-DUIKOU"


def org_rows(activity) -> list[tuple[str, str, str, str]]:
    return [
        (element.get("role"), element.get("ref"), element.get("type"), element.findtext("narrative"))
        for element in activity.findall("participating-org")
    ]


def transaction_rows(activity) -> list[tuple]:
    return [
        (
            element.find("transaction-type").get("code"),
            element.findtext("value"),
            element.find("transaction-date").get("iso-date"),
            element.findtext("description/narrative"),
            element.find("provider-org").get("ref"),
            element.find("receiver-org").get("ref") if element.find("receiver-org") is not None else None,
        )
        for element in activity.findall("transaction")
    ]


# --- statuses and codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status,code",
    [
        (ProjectStatus.RESERVE, "1"),
        (ProjectStatus.PLANNED, "1"),
        (ProjectStatus.APPROVED, "2"),
        (ProjectStatus.UNDER_CONSTRUCTION, "2"),
        (ProjectStatus.COMPLETED, "3"),
        (ProjectStatus.ACCEPTED, "3"),
        (ProjectStatus.HANDED_OVER, "4"),
        (ProjectStatus.CANCELLED, "5"),
        (ProjectStatus.ADJUSTED, "5"),
    ],
)
def test_activity_status_of_every_project_status(office, status, code):
    project = make_project(status=status)

    activity = activity_of(export_root(), project)

    assert activity.find("activity-status").get("code") == code


def test_every_status_entry_kind_and_party_kind_has_a_code():
    assert set(ACTIVITY_STATUS) == set(ProjectStatus)
    assert set(TRANSACTION_TYPE) == set(EntryKind)
    # 实施单位 are too varied (a hospital, a company, a bureau) for one OrganisationType: left without one.
    assert set(ORGANISATION_TYPE) == set(OrganizationKind) - {OrganizationKind.IMPLEMENTING_UNIT}


# --- transactions ---------------------------------------------------------------------------------


def test_each_entry_kind_becomes_its_transaction_type_value_and_parties(office):
    project = make_project(code="SH-2024-0001")
    supporter, government = f"{PREFIX}-{project.supporter.pk}", f"{PREFIX}-GOV-653125"
    make_entry(project, kind=EntryKind.PLAN, amount="800000.00", value_date=datetime.date(2024, 1, 15))
    make_entry(project, kind=EntryKind.ARRIVED, amount="300000.00", value_date=datetime.date(2024, 3, 1))
    make_entry(project, kind=EntryKind.DISBURSED, amount="250000.00", value_date=datetime.date(2024, 4, 1))
    make_entry(project, kind=EntryKind.SPENT, amount="200000.00", value_date=datetime.date(2024, 5, 1))
    make_entry(project, kind=EntryKind.RETURNED, amount="20000.00", value_date=datetime.date(2024, 6, 1))
    make_entry(project, kind=EntryKind.ADJUSTMENT, amount="-50000.00", value_date=datetime.date(2024, 7, 1))

    activity = activity_of(export_root(), project)

    assert transaction_rows(activity) == [
        ("11", "800000.00", "2024-01-15", "计划下达", supporter, government),
        ("1", "300000.00", "2024-03-01", "到位", supporter, government),
        ("3", "250000.00", "2024-04-01", "拨付", government, None),
        ("4", "200000.00", "2024-05-01", "支出（完成投资）", government, None),
        ("1", "-20000.00", "2024-06-01", "收回", supporter, government),  # money sent back
        ("11", "-50000.00", "2024-07-01", "调整", supporter, government),  # the plan cut by 5 万
    ]
    value = activity.find("transaction/value")
    assert (value.get("currency"), value.get("value-date")) == ("CNY", "2024-01-15")


def test_a_reversal_is_a_negative_value_of_the_same_type_with_its_reason(office):
    project = make_project()
    entry = make_entry(
        project, kind=EntryKind.DISBURSED, amount="120000.00", document_reference="沪援〔2024〕7号"
    )
    reversal = reverse_entry(entry, reason="金额录错", value_date=datetime.date(2024, 3, 9))

    rows = transaction_rows(activity_of(export_root(), project))

    government = f"{PREFIX}-GOV-653125"
    assert rows == [
        ("3", "120000.00", "2024-03-01", "拨付 · 文号 沪援〔2024〕7号", government, None),
        (
            "3",
            "-120000.00",
            "2024-03-09",
            f"拨付 · 冲正第 {entry.pk} 号分录 · 冲正：金额录错 · 文号 沪援〔2024〕7号",
            government,
            None,
        ),
    ]
    refs = activity_of(export_root(), project).xpath("transaction/@ref")
    assert refs == [str(entry.pk), str(reversal.pk)]


def test_a_returned_entry_reversed_cancels_out(office):
    project = make_project()
    returned = make_entry(project, kind=EntryKind.RETURNED, amount="5000.00")
    reverse_entry(returned, reason="并未收回", value_date=datetime.date(2024, 3, 2))

    values = [row[1] for row in transaction_rows(activity_of(export_root(), project))]

    assert values == ["-5000.00", "5000.00"]


# --- parties --------------------------------------------------------------------------------------


def test_cheque_project_parties_supporter_funds_recipient_government_is_accountable_and_builds(office):
    project = make_project(delivery_mode=DeliveryMode.CHEQUE)

    activity = activity_of(export_root(), project)

    government = (f"{PREFIX}-GOV-653125", "11", "喀什地区莎车县人民政府")
    assert org_rows(activity) == [
        ("1", f"{PREFIX}-{project.supporter.pk}", "11", "上海市"),
        ("2", *government),
        ("4", *government),
    ]


def test_turnkey_project_of_a_city_is_built_by_its_provinces_front_hq(office):
    province = make_supporter("上海市")
    front_hq = make_supporter(
        "上海市对口支援新疆工作前方指挥部",
        kind=OrganizationKind.FRONT_HQ,
        parent=province,
        short_name="上海前指",
    )
    city = make_supporter("上海市浦东新区", kind=OrganizationKind.SUPPORTING_CITY, parent=province)
    project = make_project(supporter=city, delivery_mode=DeliveryMode.TURNKEY)
    make_entry(project, kind=EntryKind.ARRIVED, amount="10000.00")

    activity = activity_of(export_root(), project)

    assert org_rows(activity)[0] == ("1", f"{PREFIX}-{city.pk}", "11", "上海市浦东新区")
    assert org_rows(activity)[2] == ("4", f"{PREFIX}-{front_hq.pk}", "11", "上海市对口支援新疆工作前方指挥部")
    # The funds arrive where the project is built: at the front HQ.
    assert transaction_rows(activity)[0][4:] == (f"{PREFIX}-{city.pk}", f"{PREFIX}-{front_hq.pk}")


def test_turnkey_project_of_a_supporter_without_front_hq_is_built_by_the_supporter(office):
    project = make_project(delivery_mode=DeliveryMode.TURNKEY)

    assert org_rows(activity_of(export_root(), project))[2] == (
        "4",
        f"{PREFIX}-{project.supporter.pk}",
        "11",
        "上海市",
    )


def test_a_recorded_recipient_government_is_used_instead_of_a_derived_one(office):
    government = make_supporter(
        "莎车县人民政府", kind=OrganizationKind.RECIPIENT_GOVERNMENT, home_division=make_county()
    )
    project = make_project()

    assert org_rows(activity_of(export_root(), project))[1] == (
        "2",
        f"{PREFIX}-{government.pk}",
        "11",
        "莎车县人民政府",
    )


@pytest.mark.parametrize(
    "code,name,level,parent,is_xpcc,expected",
    [
        ("653100", "喀什地区", DivisionLevel.PREFECTURE, "650000", False, "喀什地区行政公署"),
        (
            "653000",
            "克孜勒苏柯尔克孜自治州",
            DivisionLevel.PREFECTURE,
            "650000",
            False,
            "克孜勒苏柯尔克孜自治州人民政府",
        ),
        ("653125", "莎车县", DivisionLevel.COUNTY, "653100", False, "喀什地区莎车县人民政府"),
        (
            "659002",
            "第一师阿拉尔市",
            DivisionLevel.XPCC_DIVISION,
            "650000",
            True,
            "新疆生产建设兵团第一师阿拉尔市",
        ),
    ],
)
def test_recipient_government_names(code, name, level, parent, is_xpcc, expected):
    region = make_region()
    parents = {"650000": region, "653100": make_prefecture()}
    division = Division(
        code=code, name=name, level=level, parent=parents[parent], is_xpcc=is_xpcc, zone=Zone.SOUTH
    )

    assert government_name(division) == expected


# --- identifiers and the reporter -----------------------------------------------------------------


def test_identifiers_default_to_the_own_prefix_and_the_project_code(office):
    project = make_project(code="SH-2024-0007")

    activity = activity_of(export_root(), project)

    assert activity.findtext("iati-identifier") == f"{PREFIX}-{office.pk}-SH-2024-0007"
    reporter = activity.find("reporting-org")
    assert (reporter.get("ref"), reporter.get("type"), reporter.get("secondary-reporter")) == (
        f"{PREFIX}-{office.pk}",
        "11",
        "1",  # the office reproduces what supporters fund and recipients build
    )
    assert reporter.findtext("narrative") == OFFICE_NAME
    other = activity.find("other-identifier")
    assert (other.get("ref"), other.get("type"), other.find("owner-org").get("ref")) == (
        "SH-2024-0007",
        "A1",
        f"{PREFIX}-{office.pk}",
    )


def test_registered_identifiers_and_the_prefix_come_from_settings(office, settings):
    settings.IATI_ORG_REFS = {
        "自治区援疆办": "CN-USCC-11650000MB0000001X",
        "上海市": "CN-USCC-11310000000000000X",
    }
    settings.IATI_ORG_PREFIX = "XX-TEST"
    project = make_project(code="SH-2024-0008")

    activity = activity_of(export_root(), project)

    assert activity.findtext("iati-identifier") == "CN-USCC-11650000MB0000001X-SH-2024-0008"
    assert org_rows(activity)[0][1] == "CN-USCC-11310000000000000X"
    assert org_rows(activity)[1][1] == "XX-TEST-GOV-653125"


def test_a_supporter_reporting_its_own_projects_is_not_a_secondary_reporter(office, settings):
    settings.IATI_REPORTING_ORG = "上海市"
    project = make_project()

    reporter = activity_of(export_root(), project).find("reporting-org")

    assert (reporter.get("ref"), reporter.get("secondary-reporter")) == (
        f"{PREFIX}-{project.supporter.pk}",
        "0",
    )


def test_without_a_coordination_office_the_reporter_must_be_configured():
    make_project()

    with pytest.raises(ScopeError, match="DUIKOU_IATI_REPORTING_ORG"):
        IatiExport(resolve_scope()).chunks()


# --- title, description, dates, place, sector, budget ---------------------------------------------


def test_title_and_description_in_chinese(office):
    project = make_project(name="莎车县人民医院门诊楼")

    activity = activity_of(export_root(), project)

    assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    assert activity.get("default-currency") == "CNY"
    title = activity.find("title/narrative")
    assert (title.text, title.get("{http://www.w3.org/XML/1998/namespace}lang")) == (
        "莎车县人民医院门诊楼",
        "zh",
    )
    descriptions = [(d.get("type"), d.findtext("narrative")) for d in activity.findall("description")]
    assert descriptions == [
        (
            "1",
            "上海市援建，受援地喀什地区莎车县；民生；新建，交支票；计划年度 2024；状态：储备；"
            "总投资 100.00万元，其中援助资金 80.00万元，地方配套 20.00万元。",
        )
    ]


def test_a_written_description_comes_first_and_the_facts_follow(office):
    project = make_project(description="新建门诊楼 1.2 万平方米")

    descriptions = activity_of(export_root(), project).findall("description")

    assert [(d.get("type"), d.findtext("narrative")[:9]) for d in descriptions] == [
        ("1", "新建门诊楼 1.2"),
        ("4", "上海市援建，受援地"),
    ]


def test_text_is_escaped_and_characters_xml_cannot_hold_are_dropped(office):
    project = make_project(name="广场 & 配套 <一期>\x0b工程")

    raw = IatiExport(resolve_scope()).chunks()
    document = b"".join(raw).decode()

    assert '<narrative xml:lang="zh">广场 &amp; 配套 &lt;一期&gt;工程</narrative>' in document
    assert activity_of(export_root(), project).findtext("title/narrative") == "广场 & 配套 <一期>工程"


def test_dates_map_to_planned_and_actual_start_and_end(office):
    project = make_project(
        planned_start=datetime.date(2024, 3, 1),
        planned_end=datetime.date(2024, 11, 30),
        actual_start=datetime.date(2024, 3, 20),
        actual_end=datetime.date(2024, 12, 10),
    )

    dates = [
        (d.get("type"), d.get("iso-date"))
        for d in activity_of(export_root(), project).findall("activity-date")
    ]

    assert dates == [("1", "2024-03-01"), ("2", "2024-03-20"), ("3", "2024-11-30"), ("4", "2024-12-10")]


def test_a_project_without_a_start_starts_in_its_plan_year_and_says_so(office):
    project = make_project(planned_end=datetime.date(2024, 10, 31))

    dates = activity_of(export_root(), project).findall("activity-date")

    assert [(d.get("type"), d.get("iso-date")) for d in dates] == [("1", "2024-01-01"), ("3", "2024-10-31")]
    assert dates[0].findtext("narrative") == "计划年度 2024（未填开工日期）"


def test_place_category_and_division_codes_with_their_vocabularies(office, settings):
    settings.PUBLIC_URL = "https://duikou.example.gov.cn"
    project = make_project(latitude=Decimal("38.41437"), longitude=Decimal("77.24056"))

    activity = activity_of(export_root(), project)

    assert activity.find("recipient-country").attrib == {"code": "CN", "percentage": "100"}
    area, site = activity.findall("location")
    assert area.get("ref") == "653125"
    assert area.findtext("name/narrative") == "喀什地区莎车县"
    assert area.find("administrative").attrib == {"vocabulary": "A4", "level": "0", "code": "CN"}
    assert area.find("location-class").get("code") == "1"
    assert site.findtext("point/pos") == "38.41437 77.24056"
    assert site.find("point").get("srsName") == "http://www.opengis.net/def/crs/EPSG/0/4326"
    sector = activity.find("sector")
    assert sector.attrib == {
        "vocabulary": "99",
        "code": "livelihood",
        "vocabulary-uri": "https://duikou.example.gov.cn/reports/iati/vocabularies/xinjiang/categories.xml",
        "percentage": "100",
    }
    tags = [(t.get("vocabulary"), t.get("code"), t.findtext("narrative")) for t in activity.findall("tag")]
    assert tags == [("99", "653125", "喀什地区莎车县"), ("99", "653100", "喀什地区")]
    assert {t.get("vocabulary-uri") for t in activity.findall("tag")} == {
        "https://duikou.example.gov.cn/reports/iati/vocabularies/divisions.xml"
    }
    assert activity.find("default-finance-type").get("code") == "110"


@pytest.mark.parametrize("status,budget_status", [(ProjectStatus.PLANNED, "2"), (ProjectStatus.RESERVE, "1")])
def test_budget_is_the_aid_amount_of_the_plan_year(office, status, budget_status):
    project = make_project(status=status, plan_year=2023)

    budget = activity_of(export_root(), project).find("budget")

    assert (budget.get("type"), budget.get("status")) == ("1", budget_status)
    assert budget.find("period-start").get("iso-date") == "2023-01-01"
    assert budget.find("period-end").get("iso-date") == "2023-12-31"
    assert budget.findtext("value") == "800000.00"
    assert budget.find("value").attrib == {"currency": "CNY", "value-date": "2023-01-01"}


def test_no_budget_without_aid(office):
    project = make_project(
        total_investment=Decimal("0.00"), aid_amount=Decimal("0.00"), local_matching=Decimal("0")
    )

    assert activity_of(export_root(), project).find("budget") is None


# --- scope --------------------------------------------------------------------------------------


def test_a_supporter_includes_its_cities_and_years_select_plan_years(office):
    province = make_supporter("上海市")
    city = make_supporter("上海市浦东新区", kind=OrganizationKind.SUPPORTING_CITY, parent=province)
    other = make_supporter("浙江省")
    ours_2023 = make_project(plan_year=2023)
    ours_2024 = make_project(supporter=city, plan_year=2024)
    make_project(supporter=other, plan_year=2024)

    def codes(**scope):
        return sorted(export_root(**scope).xpath("iati-activity/other-identifier/@ref"))

    assert codes(supporter="上海市") == sorted([ours_2023.code, ours_2024.code])
    assert codes(supporter=str(province.pk), year=2024) == [ours_2024.code]
    assert codes(supporter="上海市", from_year=2020, to_year=2023) == [ours_2023.code]
    assert len(codes(from_year=2024)) == 2


@pytest.mark.parametrize(
    "scope,message",
    [
        ({"programme": "tibet"}, "找不到援助计划 tibet"),
        ({"supporter": "火星"}, "找不到援疆省市“火星”"),
        ({"supporter": str(10**9)}, "找不到援疆省市"),
        ({"year": 2024, "from_year": 2020}, "年度与起止年度不能同时使用"),
        ({"from_year": 2025, "to_year": 2020}, "起始年度 2025 晚于截止年度 2020"),
        ({"year": 1800}, "年度须在 1990 到 2100 之间：1800"),
    ],
)
def test_what_cannot_be_exported_is_refused_with_a_reason(office, scope, message):
    make_project()

    with pytest.raises(ScopeError, match=message):
        resolve_scope(**scope)


def test_the_coordination_office_is_not_a_supporter(office):
    make_project()

    with pytest.raises(ScopeError, match="找不到援疆省市"):
        resolve_scope(supporter=OFFICE_NAME)


def test_an_empty_selection_is_refused_because_a_file_needs_one_activity(office):
    make_project(plan_year=2024)

    with pytest.raises(EmptyScope, match="所选范围内没有项目"):
        IatiExport(resolve_scope(year=2019)).chunks()


def test_scope_errors_read_in_chinese_and_english():
    error = ScopeError("年度与起止年度不能同时使用。")

    assert error.bilingual() == "年度与起止年度不能同时使用。 / Use a year or a span of years, not both."


def test_reporter_lookup_by_name_fails_clearly(office, settings):
    settings.IATI_REPORTING_ORG = "不存在的办公室"
    make_project()

    with pytest.raises(ScopeError, match="找不到报告单位“不存在的办公室”"):
        IatiExport(resolve_scope()).chunks()
