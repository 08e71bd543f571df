"""The checks pages through the test client: the registry with its filters and run button, a finding with its
thread, a status change and a comment posted from the page, and each user seeing only their own findings."""

from decimal import Decimal

import pytest
from django.test import Client

from duikou.accounts.choices import Role
from duikou.checks.findings import run_checks
from duikou.checks.models import Finding
from duikou.checks.rules.choices import FindingStatus
from duikou.testing import make_project, make_supporter, make_user, results_table

from .rule_helpers import AS_OF, make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding():
    make_project(total_investment=Decimal("1000100"))
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    return Finding.objects.get()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_checks_page_lists_findings_with_filters_and_links_to_their_rows(finding):
    office = client_for(make_user("office", role=Role.COORDINATION_OFFICE))
    response = office.get("/checks/findings/", {"status": "open", "severity": "medium", "year": "2024"})
    assert response.status_code == 200
    table = results_table(response)
    assert [row[0] for row in table.rows] == [finding.subject_label]
    assert finding.get_absolute_url() in table.links[0] and finding.rows_url in table.links[0]
    assert 'data-action="run-checks"' in response.content.decode()
    assert results_table(office.get("/checks/findings/", {"status": "resolved"})).rows == []


def test_running_the_checks_from_the_page(finding):
    office = client_for(make_user("office", role=Role.COORDINATION_OFFICE))
    project = finding.project
    project.total_investment = Decimal("1000000")
    project.save()
    response = office.post("/checks/findings/run/", {"year": ""})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.holds) == (FindingStatus.RESOLVED, False)
    auditor = client_for(make_user("auditor", role=Role.AUDITOR))
    assert auditor.post("/checks/findings/run/", {}).status_code == 403


def test_a_finding_page_shows_its_facts_and_thread_and_takes_a_status_change_and_a_comment(finding):
    shanghai = client_for(make_user("shanghai", role=Role.SUPPORTER_EDITOR, organization=finding.supporter))
    page = shanghai.get(finding.get_absolute_url()).content.decode()
    assert (
        finding.message in page and 'data-role="status-form"' in page and 'data-role="comment-form"' in page
    )
    response = shanghai.post(
        f"/checks/findings/{finding.pk}/status/", {"status": "acknowledged", "comment": "已核实，正在更正"}
    )
    assert response.status_code == 302
    shanghai.post(f"/checks/findings/{finding.pk}/comment/", {"text": "配套资金凭证已上传"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACKNOWLEDGED
    assert list(finding.comments.values_list("text", "to_status")) == [
        ("已核实，正在更正", "acknowledged"),
        ("配套资金凭证已上传", ""),
    ]
    page = shanghai.get(finding.get_absolute_url()).content.decode()
    assert "配套资金凭证已上传" in page and "已确认" in page


def test_a_refused_status_change_shows_why_and_changes_nothing(finding):
    office = client_for(make_user("office", role=Role.COORDINATION_OFFICE))
    response = office.post(f"/checks/findings/{finding.pk}/status/", {"status": "resolved", "comment": " "})
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and not finding.comments.exists()


def test_another_supporter_neither_lists_nor_opens_the_finding(finding):
    zhejiang = client_for(
        make_user("zhejiang", role=Role.SUPPORTER_EDITOR, organization=make_supporter("浙江省"))
    )
    assert results_table(zhejiang.get("/checks/findings/")).rows == []
    assert zhejiang.get(finding.get_absolute_url()).status_code == 404


def test_the_overview_shows_the_supporter_years_off_target_with_links_to_their_rows():
    from duikou.checks.tests.rule_helpers import other_category

    make_project(aid_amount=Decimal("800000"))
    make_project(
        category=other_category(),
        aid_amount=Decimal("200100"),
        local_matching=Decimal("0"),
        total_investment=Decimal("200100"),
    )
    make_rule("livelihood_share", scope="supporter", threshold="0.8")
    run_checks(as_of=AS_OF)
    finding = Finding.objects.get()
    office = client_for(make_user("office", role=Role.COORDINATION_OFFICE))
    html = office.get("/", {"year": "2024"}).content.decode()
    assert f'data-finding="{finding.pk}"' in html and "79.99%" in html and "80.00%" in html
    assert finding.rows_url.replace("&", "&amp;") in html
    html = office.get(f"/supporters/{finding.supporter_id}/", {"year": "2024"}).content.decode()
    assert 'data-role="findings-card"' in html and finding.get_absolute_url() in html


def test_a_project_page_shows_its_findings(finding):
    office = client_for(make_user("office", role=Role.COORDINATION_OFFICE))
    html = office.get(finding.project.get_absolute_url()).content.decode()
    assert 'data-role="findings-card"' in html and finding.get_absolute_url() in html
