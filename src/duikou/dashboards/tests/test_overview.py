"""The overview page: login required, every headline figure equals `duikou stats` for the same selection."""

import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from duikou.core.money import format_amount
from duikou.testing import PLAN_YEAR, make_entry, make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    user = make_user("officer")
    client.force_login(user)
    return client


def test_overview_requires_login(client):
    response = client.get(reverse("dashboards:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_overview_figures_equal_stats_for_the_same_year(signed_in):
    project = make_project(actual_start=datetime.date(PLAN_YEAR, 5, 1))
    make_entry(project, kind="plan", amount="800000.00")
    make_entry(project, kind="arrived", amount="600000.00")

    response = signed_in.get(reverse("dashboards:overview"), {"year": PLAN_YEAR})
    out = StringIO()
    call_command("stats", "--json", "--year", str(PLAN_YEAR), stdout=out)
    stats = json.loads(out.getvalue())

    assert response.status_code == 200
    html = response.content.decode()

    def shown(key):
        match = re.search(rf'data-figure="{re.escape(key)}"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)<', html)
        assert match, key
        return match.group(1).strip()

    assert shown("funds.planned") == format_amount(stats["funds"]["planned"])
    assert shown("funds.arrived") == format_amount(stats["funds"]["arrived"])
    assert shown("rates.arrival") == f"{stats['rates']['arrival'] * 100:.1f}%"
    assert shown("projects.total") == f"{stats['projects']['total']:,}"
    assert shown("shares.livelihood.value") == f"{stats['shares']['livelihood']['value'] * 100:.1f}%"
    # the chart data travels with the page, for the charts and the map
    assert 'id="overview-data"' in html


def test_overview_on_an_empty_database_explains_what_to_do(signed_in):
    response = signed_in.get(reverse("dashboards:overview"))
    assert response.status_code == 200
    assert "load-reference" in response.content.decode()


def test_language_switch_serves_english(signed_in):
    make_project()
    signed_in.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = signed_in.get(reverse("dashboards:overview"))
    assert '<html lang="en">' in response.content.decode()


def test_supporter_page_narrows_the_figures_to_the_supporter(signed_in):
    project = make_project()
    make_entry(project, kind="plan", amount="800000.00")

    response = signed_in.get(
        reverse("dashboards:supporter", args=[project.supporter.pk]), {"year": PLAN_YEAR}
    )

    assert response.status_code == 200
    assert response.context["scope"].supporter == project.supporter
    assert response.context["figures"]["funds"]["planned"] == 800000
    assert project.supporter.name in response.content.decode()
    assert list(response.context["pairings"])  # its pairings are listed


def test_division_page_and_unknown_division(signed_in):
    project = make_project()

    response = signed_in.get(
        reverse("dashboards:division", args=[project.division.code]), {"year": PLAN_YEAR}
    )
    assert response.status_code == 200
    assert response.context["figures"]["projects"]["total"] == 1

    assert signed_in.get(reverse("dashboards:division", args=["999999"])).status_code == 404


def test_a_non_supporter_has_no_supporter_page(signed_in):
    from duikou.testing import make_supporter

    office = make_supporter("援疆办", kind="coordination_office")
    assert signed_in.get(reverse("dashboards:supporter", args=[office.pk])).status_code == 404


def test_supporter_index_lists_supporters_with_links(signed_in):
    project = make_project()
    make_entry(project, kind="plan", amount="800000.00")

    response = signed_in.get(reverse("dashboards:supporter_list"), {"year": PLAN_YEAR})

    assert response.status_code == 200
    assert reverse("dashboards:supporter", args=[project.supporter.pk]) in response.content.decode()
