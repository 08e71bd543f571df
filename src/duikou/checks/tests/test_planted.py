"""Every planted anomaly of the demo generator is found by the right rule (issue 6, "Done when"), on a small
generated data set. At this scale a supporter-year holds a handful of projects, so the 民生 share of a year
moves with one cancelled project or one planted twin: there the rule is held to the dashboards' own figure
(and at SF1, where the generator's labels and the figure agree, `demo/tests/test_dataset.py` holds it to the
labels)."""

import datetime

import pytest
from django.db.models import F, Q

from duikou.checks.findings import run_checks
from duikou.checks.models import Finding
from duikou.core.context import change_context
from duikou.dashboards.queries import Scope, shares
from duikou.demo.generator import AS_OF, generate_dataset
from duikou.demo.models import AnomalyKind, PlantedAnomaly
from duikou.parties.models import Organization
from duikou.programmes.models import Programme
from duikou.reference.loader import load_reference

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# The planted kind → the rule (of the default set, reference/data/check_rules.json) that must find it.
RULE_FOR = {
    AnomalyKind.IDLE_BALANCE: "idle-balance",
    AnomalyKind.COMPLETED_NOT_ACCEPTED: "completed-not-accepted",
    AnomalyKind.TOTAL_MISMATCH: "total-mismatch",
    AnomalyKind.DISBURSED_BEYOND_ARRIVED: "disbursed-beyond-arrived",
    AnomalyKind.SPENT_OVER_APPROVED: "spent-over-approved",
    AnomalyKind.OFFICE_BUILDING: "office-building",
    AnomalyKind.DUPLICATE_DOCUMENT: "duplicate-document",
}


@pytest.fixture
def generated():
    load_reference()
    with change_context(source="test"):
        generate_dataset(scale=0.05, seed=1, progress=lambda message: None)
        run_checks(as_of=AS_OF)


def found_projects(code: str) -> set:
    return set(Finding.objects.filter(rule__code=code, holds=True).values_list("project_id", flat=True))


def test_every_planted_project_anomaly_is_found_by_its_rule_and_nothing_else_by_it(generated):
    for kind, code in RULE_FOR.items():
        planted = PlantedAnomaly.objects.filter(kind=kind)
        assert planted.exists(), kind
        if kind == AnomalyKind.DUPLICATE_DOCUMENT:
            pairs = {frozenset(pair) for pair in planted.values_list("project_id", "other_project_id")}
            found = {
                frozenset(pair)
                for pair in Finding.objects.filter(rule__code=code, holds=True).values_list(
                    "project_id", "other_project_id"
                )
            }
            assert found == pairs, kind
        else:
            assert found_projects(code) == set(planted.values_list("project_id", flat=True)), kind


def test_the_livelihood_rule_finds_the_supporter_years_below_target_on_the_dashboards(generated):
    programme = Programme.objects.get(code="xinjiang")
    below = set()
    for supporter in Organization.objects.top_level_supporters():
        for year in range(2010, 2026):
            figure = shares(Scope(programme, year, year, supporter, as_of=datetime.date(2025, 12, 31)))
            value = figure["livelihood"]["value"]
            if value is not None and value < figure["livelihood"]["target"]:
                below.add((supporter.pk, year))
    found = set(
        Finding.objects.filter(rule__code="livelihood-share-supporter", holds=True).values_list(
            "supporter_id", "year"
        )
    )
    assert below and found == below
    planted = set(
        PlantedAnomaly.objects.filter(kind=AnomalyKind.LOW_LIVELIHOOD_SHARE).values_list(
            "supporter_id", "year"
        )
    )
    assert planted & found  # the planted years that stay below target once cancellations are left out


def test_findings_of_a_generated_data_set_link_to_their_rows_and_land_in_their_scope(generated):
    findings = Finding.objects.filter(holds=True)
    assert findings.exists()
    assert not findings.filter(rows_url="").exists()
    assert not findings.filter(Q(project__isnull=False) & ~Q(division_id=F("project__division_id"))).exists()


# The planted late supporter-year → the rate rules (both benchmarks of the rate) that must find it.
RATE_RULES_FOR = {
    AnomalyKind.LOW_ARRIVAL_RATE: ("arrival-rate-june", "arrival-rate-september"),
    AnomalyKind.LOW_START_RATE: ("start-rate-may", "start-rate-september"),
    AnomalyKind.LOW_COMPLETION_RATE: ("completion-rate",),
}


def test_every_planted_late_supporter_year_is_found_by_its_rate_rules(generated):
    for kind, codes in RATE_RULES_FOR.items():
        planted = set(PlantedAnomaly.objects.filter(kind=kind).values_list("supporter_id", "year"))
        assert planted, kind
        for code in codes:
            found = set(
                Finding.objects.filter(rule__code=code, holds=True).values_list("supporter_id", "year")
            )
            assert planted <= found, (kind, code)
