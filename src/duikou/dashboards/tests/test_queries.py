"""Headline figures on a small world whose answers are known exactly."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from duikou.dashboards.queries import Scope, headline_figures
from duikou.funds.choices import EntryKind
from duikou.geo.choices import DivisionLevel, Zone
from duikou.programmes.models import Category, PolicyTarget
from duikou.projects.choices import ImplementationLevel
from duikou.talent.models import Assignment
from duikou.testing import (
    PLAN_YEAR,
    make_category,
    make_county,
    make_division,
    make_entry,
    make_pairing,
    make_prefecture,
    make_programme,
    make_project,
    make_region,
    make_supporter,
)

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(PLAN_YEAR + 1, 12, 31)


@pytest.fixture
def world():
    """上海 builds a 民生 hospital in 莎车 (南疆, county level); 福建 runs exchanges 州直 in 昌吉."""
    programme = make_programme()
    changji_prefecture = make_division(
        "652300", "昌吉回族自治州", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.NORTH
    )
    changji = make_division(
        "652301", "昌吉市", level=DivisionLevel.COUNTY, parent=changji_prefecture, zone=Zone.NORTH
    )
    fujian = make_supporter("福建省", short_name="福建")
    make_pairing(fujian, changji_prefecture)
    exchanges = Category.objects.create(
        programme=programme,
        code="exchanges",
        name="交往交流交融",
        short_name="交往",
        counts_as_livelihood=False,
    )
    PolicyTarget.objects.create(
        programme=programme, metric="livelihood_share", threshold=Decimal("0.80"), from_year=2010
    )
    PolicyTarget.objects.create(
        programme=programme, metric="south_share", threshold=Decimal("0.70"), from_year=PLAN_YEAR
    )
    hospital = make_project(category=make_category(), actual_start=datetime.date(PLAN_YEAR, 5, 1))
    exchange = make_project(
        supporter=fujian,
        division=changji,
        category=exchanges,
        name="昌吉市青少年交流活动",
        implementation_level=ImplementationLevel.PREFECTURE,
        total_investment=Decimal("200000.00"),
        aid_amount=Decimal("200000.00"),
        local_matching=Decimal("0.00"),
    )
    for project, kind, amount in [
        (hospital, EntryKind.PLAN, "800000.00"),
        (hospital, EntryKind.ARRIVED, "600000.00"),
        (hospital, EntryKind.DISBURSED, "300000.00"),
        (hospital, EntryKind.SPENT, "150000.00"),
        (exchange, EntryKind.PLAN, "200000.00"),
        (exchange, EntryKind.ARRIVED, "200000.00"),
    ]:
        make_entry(project, kind=kind, amount=amount, value_date=datetime.date(PLAN_YEAR, 4, 1))
    Assignment.objects.create(
        programme=programme,
        person_name="张伟",
        kind="cadre",
        sending_organization="上海市发改委",
        supporter=hospital.supporter,
        host_division=hospital.division,
        host_unit="莎车县人民政府",
        start_date=datetime.date(PLAN_YEAR, 2, 1),
        planned_end=datetime.date(PLAN_YEAR + 3, 2, 1),
    )
    return {"programme": programme, "hospital": hospital, "exchange": exchange, "fujian": fujian}


def figures(world, **scope):
    """The headline figures, read from the rollups — and checked equal to the base tables' (issue 3)."""
    scope = Scope(world["programme"], PLAN_YEAR, PLAN_YEAR, as_of=AS_OF, **scope)
    result = headline_figures(scope)
    assert result == headline_figures(scope.from_base_tables())
    return result


def test_funds_and_rates_are_exact(world):
    result = figures(world)

    assert result["funds"] == {
        "planned": Decimal("1000000.00"),
        "arrived": Decimal("800000.00"),
        "unconfirmed_arrived": Decimal("800000.00"),  # no recipient has confirmed anything yet
        "disbursed": Decimal("300000.00"),
        "spent": Decimal("150000.00"),
        "returned": Decimal("0.00"),
        "balance": Decimal("500000.00"),
    }
    assert result["rates"]["arrival"] == Decimal("0.8000")
    assert result["rates"]["disbursement"] == Decimal("0.3750")
    assert result["rates"]["payment"] == Decimal("0.1875")
    assert result["rates"]["start"] == Decimal("0.5000")  # one of two new projects started


def test_the_arrival_figure_says_how_much_of_it_is_unconfirmed(world):
    """Issue 5, item 3: a confirmed arrival leaves the unconfirmed share; a disputed one stays in it."""
    from duikou.funds.models import LedgerEntry
    from duikou.funds.services import confirm_arrival, dispute_arrival

    hospital_arrival = LedgerEntry.objects.get(project=world["hospital"], kind=EntryKind.ARRIVED)
    exchange_arrival = LedgerEntry.objects.get(project=world["exchange"], kind=EntryKind.ARRIVED)
    confirm_arrival(hospital_arrival, acting_user=None)
    dispute_arrival(exchange_arrival, acting_user=None, reason="未到账")

    funds = figures(world)["funds"]
    fujian = figures(world, supporter=world["fujian"])["funds"]

    assert (funds["arrived"], funds["unconfirmed_arrived"]) == (Decimal("800000.00"), Decimal("200000.00"))
    assert (fujian["arrived"], fujian["unconfirmed_arrived"]) == (Decimal("200000.00"), Decimal("200000.00"))


def test_shares_against_targets(world):
    shares = figures(world)["shares"]

    assert shares["aid_total"] == Decimal("1000000.00")
    assert shares["livelihood"]["value"] == Decimal("0.8000")
    assert shares["livelihood"]["met"] is True  # ≥ 80 % holds at exactly 80 %
    assert shares["south"] == {
        "value": Decimal("0.8000"),
        "amount": Decimal("800000.00"),
        "target": Decimal("0.7000"),
        "comparator": "gte",
        "met": True,
        "target_from_year": PLAN_YEAR,
    }
    # no 基层 target configured: the share is shown, the verdict is not invented
    assert shares["grassroots"]["value"] == Decimal("0.8000")
    assert shares["grassroots"]["target"] is None and shares["grassroots"]["met"] is None


def test_a_target_that_starts_inside_the_range_gives_no_verdict(world):
    result = headline_figures(Scope(world["programme"], PLAN_YEAR - 1, PLAN_YEAR, as_of=AS_OF))

    assert result["shares"]["south"]["target"] is None
    assert result["shares"]["south"]["met"] is None


def test_supporter_scope(world):
    result = figures(world, supporter=world["fujian"])

    assert result["funds"]["planned"] == Decimal("200000.00")
    assert result["shares"]["livelihood"]["value"] == Decimal("0.0000")
    assert result["shares"]["livelihood"]["met"] is False
    assert result["people"]["in_post"] == 0


def test_division_scope_includes_the_counties_below(world):
    result = figures(world, division=make_prefecture())

    assert result["funds"]["planned"] == Decimal("800000.00")
    assert result["projects"]["total"] == 1
    assert result["people"] == {
        "in_post": 1,
        "in_post_on": datetime.date(PLAN_YEAR, 12, 31),
        "person_times": 1,
        "person_times_by_kind": {"cadre": 1},
    }


def test_as_of_cuts_off_later_entries(world):
    result = headline_figures(
        Scope(world["programme"], PLAN_YEAR, PLAN_YEAR, as_of=datetime.date(PLAN_YEAR, 3, 31))
    )

    assert result["funds"]["planned"] == Decimal("0.00")
    assert result["rates"]["arrival"] is None


def test_stats_command_prints_stable_json(world):
    out = StringIO()
    call_command(
        "stats",
        "--json",
        "--year",
        str(PLAN_YEAR),
        "--as-of",
        AS_OF.isoformat(),
        "--division",
        "莎车",
        stdout=out,
    )
    data = json.loads(out.getvalue())

    assert set(data) == {"scope", "funds", "rates", "shares", "projects", "people", "outcomes"}
    assert data["scope"]["division"] == make_county().code
    assert data["funds"]["planned"] == 800000.0
    assert data["shares"]["livelihood"] == {
        "value": 1.0,
        "amount": 800000.0,
        "target": 0.8,
        "comparator": "gte",
        "met": True,
        "target_from_year": 2010,
    }


def test_stats_command_refuses_an_unknown_supporter(world):
    with pytest.raises(CommandError, match="找不到单位"):
        call_command("stats", "--supporter", "火星", stdout=StringIO())
