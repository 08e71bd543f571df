"""The findings endpoints through HTTP (issue 6 follow-up): list and filter as on the findings page, each user
seeing only the findings in their scope; a status change and a comment through the page's services, with the
same permissions and moves; the check rules, read only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from duikou.accounts.choices import Role
from duikou.checks.findings import run_checks
from duikou.checks.models import Finding
from duikou.checks.rules.choices import FindingStatus
from duikou.core.api.testing import errors, token_client
from duikou.core.choices import TokenScope
from duikou.core.models import ObjectChange
from duikou.testing import make_division, make_pairing, make_project, make_supporter, make_user

from .rule_helpers import AS_OF, make_rule

pytestmark = pytest.mark.django_db

LIST = reverse("api:finding_list")


@pytest.fixture
def findings() -> dict[str, Finding]:
    """One 总投资 mismatch of 上海市 (in 莎车县) and one of 浙江省 (in 和田县)."""
    shanghai = make_project(total_investment=Decimal("1000100"))
    hotan = make_division("653221", "和田县", level="county", parent=shanghai.division.parent, zone="south")
    zhejiang = make_supporter("浙江省")
    make_pairing(zhejiang, hotan)
    make_project(supporter=zhejiang, division=hotan, total_investment=Decimal("999900"))
    make_rule("total_mismatch")
    run_checks(as_of=AS_OF)
    return {finding.supporter.name: finding for finding in Finding.objects.select_related("supporter")}


def client_of(role: str, organization=None, *, scope: str = TokenScope.WRITE):
    return token_client(make_user(f"user-{role}", role=role, organization=organization), scope=scope)


def listed(client, **params) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def status_url(finding) -> str:
    return reverse("api:finding_status", args=[finding.pk])


def comment_url(finding) -> str:
    return reverse("api:finding_comment", args=[finding.pk])


def test_the_office_lists_every_finding_filtered_as_on_the_findings_page(findings):
    office = client_of(Role.COORDINATION_OFFICE)
    shanghai, zhejiang = findings["上海市"], findings["浙江省"]

    assert sorted(listed(office)) == sorted([shanghai.pk, zhejiang.pk])
    assert listed(office, supporter=shanghai.supporter_id) == [shanghai.pk]
    assert listed(office, division=zhejiang.division_id) == [zhejiang.pk]
    assert listed(office, status="open", severity="medium", rule_code="total-mismatch", year=2024) != []
    assert listed(office, status="resolved") == []
    assert listed(office, is_unsettled="false") == []
    assert listed(office, q=shanghai.project.code) == [shanghai.pk]
    response = office.get(LIST, {"status": "closed"})
    assert response.status_code == 400 and errors(response) == [("status", "invalid_choice")]


def test_a_finding_reads_with_its_value_rows_and_thread(findings):
    finding = findings["上海市"]
    body = client_of(Role.AUDITOR).get(reverse("api:finding", args=[finding.pk])).json()

    assert body["rule_code"] == "total-mismatch" and body["kind"] == "total_mismatch"
    assert (body["subject_type"], body["subject_id"]) == ("projects.project", finding.project_id)
    assert body["project_code"] == finding.project.code and body["supporter_name"] == "上海市"
    assert (body["value"], body["threshold"], body["unit"]) == ("1000100.0000", "1000000.0000", "yuan")
    assert body["rows_url"] == finding.rows_url and body["web_url"] == f"/checks/findings/{finding.pk}/"
    assert body["status"] == "open" and body["status_display"] == "待处理"
    assert body["allowed_statuses"] == ["acknowledged", "resolved", "false_positive"]
    assert body["comments"] == []


def test_a_supporter_sees_only_its_own_findings_and_cannot_reach_anothers(findings):
    shanghai, zhejiang = findings["上海市"], findings["浙江省"]
    editor = client_of(Role.SUPPORTER_EDITOR, shanghai.supporter)

    assert listed(editor) == [shanghai.pk]
    assert listed(editor, supporter=zhejiang.supporter_id) == []
    for response in (
        editor.get(reverse("api:finding", args=[zhejiang.pk])),
        editor.post(status_url(zhejiang), {"status": "acknowledged", "comment": "看看"}, format="json"),
        editor.post(comment_url(zhejiang), {"text": "看看"}, format="json"),
    ):
        assert response.status_code == 404 and errors(response) == [(None, "not_found")]
    zhejiang.refresh_from_db()
    assert zhejiang.status == FindingStatus.OPEN and not zhejiang.comments.exists()


def test_a_recipient_sees_the_findings_in_its_division_only(findings):
    recipient = make_supporter(
        "和田县人民政府", kind="recipient_government", home_division=findings["浙江省"].division
    )
    assert listed(client_of(Role.RECIPIENT_VIEWER, recipient)) == [findings["浙江省"].pk]


def test_a_supporter_acknowledges_then_resolves_its_finding_with_reasons_in_the_thread(findings):
    finding = findings["上海市"]
    editor = client_of(Role.SUPPORTER_EDITOR, finding.supporter)

    response = editor.post(
        status_url(finding), {"status": "acknowledged", "comment": "已核实"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "acknowledged"
    assert response.json()["allowed_statuses"] == ["open", "resolved", "false_positive"]
    response = editor.post(status_url(finding), {"status": "resolved", "comment": "已更正"}, format="json")
    assert response.status_code == 200
    thread = response.json()["comments"]
    assert [(c["author"], c["text"], c["from_status"], c["to_status"]) for c in thread] == [
        ("user-supporter_editor", "已核实", "open", "acknowledged"),
        ("user-supporter_editor", "已更正", "acknowledged", "resolved"),
    ]
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED and finding.closed_at is not None
    assert ObjectChange.objects.filter(source="api", changed_object_id=finding.pk).exists()


def test_a_move_the_status_does_not_allow_or_without_a_reason_is_refused_and_changes_nothing(findings):
    finding = findings["上海市"]
    office = client_of(Role.COORDINATION_OFFICE)
    office.post(status_url(finding), {"status": "false_positive", "comment": "口径不同"}, format="json")

    response = office.post(status_url(finding), {"status": "resolved", "comment": "x"}, format="json")
    assert response.status_code == 400 and errors(response) == [("status", "invalid")]
    response = office.post(status_url(finding), {"status": "open", "comment": "  "}, format="json")
    assert response.status_code == 400 and errors(response) == [("comment", "blank")]
    response = office.post(status_url(finding), {"status": "closed", "comment": "x"}, format="json")
    assert response.status_code == 400 and errors(response) == [("status", "invalid_choice")]
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FALSE_POSITIVE and finding.comments.count() == 1


def test_comments_are_added_to_the_thread(findings):
    finding = findings["浙江省"]
    recipient = make_supporter("和田县人民政府", kind="recipient_government", home_division=finding.division)
    editor = client_of(Role.RECIPIENT_EDITOR, recipient)

    response = editor.post(comment_url(finding), {"text": "配套资金凭证已上传"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["text"] == "配套资金凭证已上传" and response.json()["to_status"] == ""
    assert list(finding.comments.values_list("text", "author__username")) == [
        ("配套资金凭证已上传", "user-recipient_editor")
    ]
    response = editor.post(comment_url(finding), {"text": ""}, format="json")
    assert response.status_code == 400 and errors(response) == [("text", "blank")]


def test_readers_and_read_tokens_may_not_answer_findings(findings):
    finding = findings["上海市"]
    for client in (
        client_of(Role.AUDITOR),
        client_of(Role.SUPPORTER_VIEWER, finding.supporter),
        client_of(Role.SUPPORTER_EDITOR, finding.supporter, scope=TokenScope.READ),
    ):
        for url, data in (
            (status_url(finding), {"status": "resolved", "comment": "x"}),
            (comment_url(finding), {"text": "x"}),
        ):
            response = client.post(url, data, format="json")
            assert response.status_code == 403 and errors(response) == [(None, "permission_denied")]
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and not finding.comments.exists()


def test_without_credentials_nothing_is_shown(findings):
    from rest_framework.test import APIClient

    response = APIClient().get(LIST)
    assert response.status_code == 401 and errors(response) == [(None, "not_authenticated")]


def test_the_check_rules_are_read_by_every_member_and_filtered(findings):
    make_rule(
        "arrival_rate", scope="supporter", code="arrival-rate-june", threshold="0.80", benchmark="06-30"
    )
    viewer = client_of(Role.SUPPORTER_VIEWER, findings["上海市"].supporter)

    response = viewer.get(reverse("api:check_rule_list"))
    assert response.status_code == 200
    assert [rule["code"] for rule in response.json()["results"]] == ["arrival-rate-june", "total-mismatch"]
    response = viewer.get(reverse("api:check_rule_list"), {"kind": "arrival_rate"})
    [rule] = response.json()["results"]
    assert rule["parameters"] == {"threshold": "0.80", "benchmark": "06-30"}
    assert (rule["scope"], rule["severity"], rule["is_enabled"]) == ("supporter", "medium", True)
    detail = viewer.get(reverse("api:check_rule", args=[rule["id"]])).json()
    assert detail["kind_display"] == "资金到位率"
    response = viewer.patch(
        reverse("api:check_rule", args=[rule["id"]]), {"is_enabled": False}, format="json"
    )
    assert response.status_code == 405


def test_the_list_costs_the_same_queries_for_more_findings(findings):
    """No query per row (STYLE.md 19): the rule, subject type, supporter, division and projects are joined."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = client_of(Role.COORDINATION_OFFICE)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office.get(LIST).status_code == 200
        return len(captured)

    queries()  # the first request of a token also records its use
    before = queries()
    for number in range(4):
        make_project(total_investment=Decimal("1000100") + number)
    run_checks(as_of=AS_OF)
    assert len(office.get(LIST).json()["results"]) == 6
    assert queries() == before
