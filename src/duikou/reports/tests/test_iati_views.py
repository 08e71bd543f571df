"""The IATI download on the web (login required, streamed, the same filters as the command) and the
public vocabularies its vocabulary-uri attributes point to."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import etree

from duikou.parties.choices import OrganizationKind
from duikou.testing import make_project, make_supporter, make_user

from .conftest import assert_valid

pytestmark = pytest.mark.django_db

URL = "/reports/iati.xml"


@pytest.fixture
def signed_in(client):
    client.force_login(make_user("iati-reader"))
    return client


def download(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:300]
    return response, b"".join(response.streaming_content)


def codes(document: bytes) -> list[str]:
    return sorted(etree.fromstring(document).xpath("iati-activity/other-identifier/@ref"))


def test_the_route_is_named():
    assert reverse("reports:iati") == URL


def test_login_is_required(client, office):
    make_project()

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_streams_a_valid_file_as_an_attachment(signed_in, office, iati_schema):
    make_project(code="SH-2024-0001")

    response, document = download(signed_in, year=2024)

    assert response.streaming
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="iati-activities-xinjiang-2024-')
    assert response["Content-Disposition"].endswith('.xml"')
    root = assert_valid(iati_schema, document)
    # Without DUIKOU_PUBLIC_URL the vocabularies are named on the host the file was fetched from.
    assert root.find("iati-activity/sector").get("vocabulary-uri") == (
        "http://testserver/reports/iati/vocabularies/xinjiang/categories.xml"
    )


def test_the_configured_public_address_wins_over_the_request_host(signed_in, office, settings):
    settings.PUBLIC_URL = "https://duikou.example.gov.cn"
    make_project()

    _response, document = download(signed_in)

    assert etree.fromstring(document).find("iati-activity/tag").get("vocabulary-uri") == (
        "https://duikou.example.gov.cn/reports/iati/vocabularies/divisions.xml"
    )


def test_filters_by_supporter_with_its_cities_and_by_years(signed_in, office):
    province = make_supporter("上海市")
    city = make_supporter("上海市浦东新区", kind=OrganizationKind.SUPPORTING_CITY, parent=province)
    ours = make_project(code="SH-2024-0001", plan_year=2024)
    city_project = make_project(code="PD-2023-0001", supporter=city, plan_year=2023)
    other = make_project(code="ZJ-2024-0001", supporter=make_supporter("浙江省"), plan_year=2024)

    assert codes(download(signed_in, supporter="上海市")[1]) == sorted([ours.code, city_project.code])
    assert codes(download(signed_in, supporter=province.pk, year=2024)[1]) == [ours.code]
    assert codes(download(signed_in, from_year=2024, to_year=2024)[1]) == sorted([ours.code, other.code])
    assert codes(download(signed_in, programme="xinjiang")[1]) == sorted(
        [ours.code, city_project.code, other.code]
    )


@pytest.mark.parametrize(
    "params,message",
    [
        ({"supporter": "火星"}, "找不到援疆省市“火星”。"),
        ({"year": "二〇二四"}, "year 须为四位年份：二〇二四。"),
        ({"year": "2024", "from_year": "2020"}, "年度与起止年度不能同时使用。"),
        ({"programme": "tibet"}, "找不到援助计划 tibet"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(signed_in, office, params, message):
    make_project()

    response = signed_in.get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_the_reason_follows_the_language(signed_in, office):
    make_project()
    signed_in.cookies["django_language"] = "en"

    response = signed_in.get(URL, {"supporter": "火星"})

    assert response.status_code == 400
    assert response.content.decode() == "No supporter called “火星”."


def test_nothing_to_export_is_not_found(signed_in, office):
    make_project(plan_year=2024)

    response = signed_in.get(URL, {"year": 2019})

    assert response.status_code == 404
    assert "所选范围内没有项目" in response.content.decode()


def test_vocabularies_are_public_codelists(client):
    make_project()

    divisions = client.get(reverse("reports:iati_divisions"))
    categories = client.get(reverse("reports:iati_categories", args=["xinjiang"]))

    assert divisions.status_code == categories.status_code == 200
    assert divisions["Content-Type"] == "application/xml; charset=utf-8"
    items = etree.fromstring(divisions.content).xpath("codelist-items/codelist-item")
    rows = {
        item.findtext("code"): (item.findtext("name/narrative"), item.findtext("category")) for item in items
    }
    assert rows == {
        "650000": ("新疆维吾尔自治区", None),
        "653100": ("喀什地区", "650000"),
        "653125": ("喀什地区莎车县", "653100"),
    }
    root = etree.fromstring(categories.content)
    assert root.get("name") == "DuikouCategory-xinjiang"
    assert (
        root.findtext("metadata/url") == "http://testserver/reports/iati/vocabularies/xinjiang/categories.xml"
    )
    assert root.xpath("codelist-items/codelist-item/code/text()") == ["livelihood"]
    assert client.get(reverse("reports:iati_categories", args=["tibet"])).status_code == 404
