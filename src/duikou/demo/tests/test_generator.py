"""The generator at a small scale: deterministic, valid by the models' own rules, polite to existing data."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from duikou.core.context import change_context
from duikou.demo.calibration import MIN_PLANTED
from duikou.demo.generator import generate_dataset
from duikou.demo.models import AnomalyKind, PlantedAnomaly
from duikou.funds.models import LedgerEntry
from duikou.projects.models import Project
from duikou.reference.loader import load_reference

pytestmark = pytest.mark.django_db
SCALE = 0.02


@pytest.fixture
def reference():
    load_reference()


def fingerprint() -> list[tuple]:
    """What a data set is made of, independent of primary keys."""
    return list(
        Project.objects.order_by("code").values_list("code", "name", "aid_amount", "status", "division__code")
    )


def generate(seed: int):
    with change_context(source="test"):
        return generate_dataset(scale=SCALE, seed=seed, progress=lambda message: None)


def generated_in_rolled_back_transaction(seed: int) -> list[tuple]:
    with transaction.atomic():
        generate(seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_same_seed_same_data_set_other_seed_other_data_set(reference):
    first = generated_in_rolled_back_transaction(seed=7)
    again = generated_in_rolled_back_transaction(seed=7)
    other = generated_in_rolled_back_transaction(seed=8)

    assert first and first == again
    assert other != first


def test_generated_rows_pass_the_models_own_validation(reference):
    generate(seed=1)
    mismatched = set(
        PlantedAnomaly.objects.filter(kind=AnomalyKind.TOTAL_MISMATCH).values_list("project_id", flat=True)
    )

    for project in Project.objects.exclude(pk__in=mismatched).select_related("supporter", "division")[:300]:
        project.full_clean()  # includes: the supporter is paired with the division at the project's time
    for entry in LedgerEntry.objects.select_related("project", "reverses")[:300]:
        entry.full_clean()


def test_every_anomaly_kind_is_planted_even_at_a_small_scale(reference):
    generate(seed=1)

    for kind in AnomalyKind.values:
        assert PlantedAnomaly.objects.filter(kind=kind).count() >= MIN_PLANTED, kind


def test_the_latest_year_has_a_plan_per_supporter_two_issued_and_one_submitted(reference):
    from duikou.demo.calibration import LAST_YEAR, SUPPORTER_WEIGHTS
    from duikou.projects.models import AnnualPlan

    generate(seed=1)

    states = dict(AnnualPlan.objects.filter(year=LAST_YEAR).values_list("supporter__name", "state"))
    assert set(states) == set(SUPPORTER_WEIGHTS)
    assert {name for name, state in states.items() if state != "draft"} == {"浙江省", "上海市", "江苏省"}
    assert (states["浙江省"], states["上海市"], states["江苏省"]) == ("issued", "issued", "submitted")
    assert AnnualPlan.objects.get(supporter__name="浙江省").versions.get().items.exists()


def test_generate_command_leaves_an_existing_data_set_alone_unless_replaced(reference):
    call_command("generate", "--scale", str(SCALE), stdout=StringIO())
    before = fingerprint()

    out = StringIO()
    call_command("generate", "--scale", str(SCALE), "--seed", "2", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert fingerprint() == before

    call_command("generate", "--scale", str(SCALE), "--seed", "2", "--replace", stdout=StringIO())
    assert fingerprint() != before
    assert LedgerEntry.objects.exists()


def test_generate_command_needs_reference_data():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="load-reference"):
        call_command("generate", "--scale", str(SCALE), stdout=StringIO())


def test_recipients_have_answered_most_arrivals_the_recent_ones_least(reference):
    from duikou.funds.choices import ConfirmationState
    from duikou.funds.models import ArrivalConfirmation
    from duikou.funds.reconciliation import OPEN_Q

    generate(seed=1)

    arrivals = LedgerEntry.objects.filter(OPEN_Q, kind="arrived")
    answers = ArrivalConfirmation.objects.all()
    assert answers.count() == arrivals.filter(confirmation__isnull=False).count()  # only open arrivals
    old, recent = arrivals.filter(value_date__lt="2025-10-01"), arrivals.filter(value_date__gte="2025-12-01")
    assert old.filter(confirmation__isnull=True).count() <= 0.03 * old.count()
    assert recent.filter(confirmation__isnull=False).count() <= 0.6 * recent.count()
    disputed = answers.filter(state=ConfirmationState.DISPUTED)
    assert 0 < disputed.count() <= 0.03 * answers.count()
    for answer in disputed.select_related("entry"):
        assert 0 < answer.amount_received < answer.entry.amount and answer.reason
    for answer in answers.select_related("entry")[:300]:
        answer.full_clean()
        assert answer.entry.value_date <= answer.decided_at.date() <= datetime.date(2025, 12, 31)


def test_the_same_seed_gives_the_same_answers(reference):
    from duikou.funds.models import ArrivalConfirmation

    def answers():
        with transaction.atomic():
            generate(seed=3)
            result = list(
                ArrivalConfirmation.objects.order_by(
                    "entry__project__code", "entry__value_date", "entry__amount"
                ).values_list("entry__project__code", "state", "amount_received", "decided_at")
            )
            transaction.set_rollback(True)
        return result

    first = answers()
    assert first and first == answers()
