"""The organizations registry through HTTP: its filters and search (names, short names, aliases), and
an organization's page with its parent, children and change history."""

import pytest
from django.urls import reverse

from duikou.parties.choices import OrganizationKind
from duikou.testing import make_county, make_prefecture, make_supporter, make_user, results_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(make_user("officer"))
    return client


@pytest.fixture
def organizations():
    """上海市 with its city 闵行区 and its front headquarters in 喀什地区; 莎车县人民政府 in 莎车县;
    江苏省 (aliases 江苏, 苏援)."""
    shanghai = make_supporter(short_name="上海", aliases=["沪"])
    return {
        "shanghai": shanghai,
        "minhang": make_supporter("闵行区", kind=OrganizationKind.SUPPORTING_CITY, parent=shanghai),
        "hq": make_supporter(
            "上海市援疆前方指挥部",
            kind=OrganizationKind.FRONT_HQ,
            parent=shanghai,
            home_division=make_prefecture(),
        ),
        "shache": make_supporter(
            "莎车县人民政府", kind=OrganizationKind.RECIPIENT_GOVERNMENT, home_division=make_county()
        ),
        "jiangsu": make_supporter("江苏省", aliases=["江苏", "苏援"]),
    }


def listed(client, organizations, params) -> set[str]:
    response = client.get(reverse("parties:organization_list"), params)
    assert response.status_code == 200
    assert not response.context["filterset"].form.errors
    names = {organization.pk: name for name, organization in organizations.items()}
    return {names[pk] for pk in results_table(response).pks}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"shanghai", "minhang", "hq", "shache", "jiangsu"}),
        ({"kind": "supporting_province"}, {"shanghai", "jiangsu"}),
        ({"kind": ["supporting_city", "front_hq"]}, {"minhang", "hq"}),
        ({"q": "上海"}, {"shanghai", "hq"}),
        ({"q": "苏援"}, {"jiangsu"}),  # an alias
        ({"q": "蘇援"}, {"jiangsu"}),  # an alias, typed in traditional characters
        ({"q": "人民政府"}, {"shache"}),
    ],
)
def test_organization_filters(signed_in, organizations, params, expected):
    """Regression (issue 3, registries) for the aliases: on SQLite a Chinese alias was never found."""
    assert listed(signed_in, organizations, params) == expected


def test_parent_and_home_division_filters(signed_in, organizations):
    assert listed(signed_in, organizations, {"parent": organizations["shanghai"].pk}) == {"minhang", "hq"}
    # where an organization sits, with what lies under it
    assert listed(signed_in, organizations, {"home_division": make_prefecture().pk}) == {"hq", "shache"}
    assert listed(signed_in, organizations, {"home_division": make_county().pk}) == {"shache"}


def test_rows_show_kind_parent_and_home(signed_in, organizations):
    response = signed_in.get(
        reverse("parties:organization_list"),
        {"q": "前方", "columns": ["name", "kind", "parent", "home_division", "aliases"]},
    )

    table = results_table(response)
    assert table.rows == [["上海市援疆前方指挥部", "前方指挥部", "上海市", "喀什地区", "—"]]
    assert table.links[0][0] == organizations["hq"].get_absolute_url()


def test_an_organizations_page(signed_in, organizations):
    shanghai = organizations["shanghai"]

    response = signed_in.get(reverse("parties:organization", args=[shanghai.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["children"]) == [organizations["hq"], organizations["minhang"]]  # by kind
    assert "闵行区" in html and "上海市援疆前方指挥部" in html
    assert "沪" in html  # its aliases
    assert reverse("dashboards:supporter", args=[shanghai.pk]) in html  # a supporter links to its figures
    assert [change.action for change in response.context["history"]] == ["create"]


def test_a_non_supporter_has_no_link_to_supporter_figures(signed_in, organizations):
    shache = organizations["shache"]

    response = signed_in.get(reverse("parties:organization", args=[shache.pk]))

    assert reverse("dashboards:supporter", args=[shache.pk]) not in response.content.decode()
    assert "喀什地区莎车县" in response.content.decode()


def test_organization_pages_need_login(client, organizations):
    response = client.get(reverse("parties:organization", args=[organizations["shanghai"].pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
