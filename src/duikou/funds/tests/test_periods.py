"""Period locks (结账, issue 5 item 5): a closed month or year takes no posting dated inside it, through the
service, the database, forms, the API and imports; reversals of its entries go into an open period."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from duikou.core.models import ObjectChange
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry, PeriodLock
from duikou.funds.services import (
    close_period,
    confirm_arrival,
    first_open_day,
    post_entry,
    reopen_period,
    reverse_entry,
)
from duikou.testing import make_entry, make_programme, make_project, make_supporter, make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 15)
MARCH_REFUSAL = (
    "{date} 属于已结账期间 2024年3月（全部支援方，{closed} 结账），不能再登记；"
    "请改用未结账期间的日期，或请有权限的人员先反结账。"
)


def refusal(date: str) -> str:
    return MARCH_REFUSAL.format(date=date, closed=timezone.localdate().isoformat())


def close_march(**options) -> PeriodLock:
    options.setdefault("programme", make_programme())
    return close_period(acting_user=None, year=2024, month=3, reason="3月已对账", today=TODAY, **options)


def post(project, day: datetime.date, amount="1000.00", kind=EntryKind.DISBURSED) -> LedgerEntry:
    return post_entry(project=project, kind=kind, amount=Decimal(amount), value_date=day)


def ledger_state():
    return list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount")), ObjectChange.objects.count()


# --- the boundary --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", [datetime.date(2024, 3, 1), datetime.date(2024, 3, 15), datetime.date(2024, 3, 31)]
)
def test_a_closed_month_refuses_postings_dated_inside_it(day):
    project = make_project()
    close_march()
    before = ledger_state()

    with pytest.raises(ValidationError) as refused:
        post(project, day)

    assert refused.value.message_dict == {"value_date": [refusal(day.isoformat())]}
    assert ledger_state() == before


@pytest.mark.parametrize("day", [datetime.date(2024, 2, 29), datetime.date(2024, 4, 1)])
def test_the_days_either_side_of_a_closed_month_stay_open(day):
    project = make_project()
    close_march()

    entry = post(project, day)

    assert (entry.value_date, entry.amount) == (day, Decimal("1000.00"))


def test_a_closed_year_refuses_its_first_and_last_day_and_not_the_next_years_first():
    project = make_project()
    close_period(acting_user=None, programme=project.programme, year=2023, reason="年结", today=TODAY)

    for day in (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)):
        with pytest.raises(ValidationError) as refused:
            post(project, day)
        assert "属于已结账期间 2023年度" in refused.value.message_dict["value_date"][0]
    assert post(project, datetime.date(2024, 1, 1)).value_date == datetime.date(2024, 1, 1)
    assert post(project, datetime.date(2022, 12, 31)).value_date == datetime.date(2022, 12, 31)


def test_a_supporters_lock_closes_only_its_own_books():
    shanghai = make_project()
    jiangsu = make_project(supporter=make_supporter("江苏省"))
    close_march(supporter=shanghai.supporter)

    with pytest.raises(ValidationError) as refused:
        post(shanghai, datetime.date(2024, 3, 10))
    assert "（上海市，" in refused.value.message_dict["value_date"][0]
    assert post(jiangsu, datetime.date(2024, 3, 10)).amount == Decimal("1000.00")


def test_a_reopened_period_takes_postings_again_and_keeps_who_closed_and_reopened_it():
    project = make_project()
    closer, reopener = make_user("closer"), make_user("reopener", is_superuser=True)
    closer.is_superuser = True
    lock = close_period(
        acting_user=closer, programme=project.programme, year=2024, month=3, reason="月结", today=TODAY
    )

    reopen_period(lock, acting_user=reopener, reason="补录漏记的拨付")
    entry = post(project, datetime.date(2024, 3, 31))

    lock.refresh_from_db()
    assert entry.value_date == datetime.date(2024, 3, 31)
    assert (lock.closed_by, lock.reason, lock.reopened_by, lock.reopen_reason) == (
        closer,
        "月结",
        reopener,
        "补录漏记的拨付",
    )
    assert lock.reopened_at is not None and not lock.is_active
    actions = list(
        ObjectChange.objects.filter(
            changed_object_type=ContentType.objects.get_for_model(PeriodLock), changed_object_id=lock.pk
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


# --- closing -------------------------------------------------------------------------------------------


def test_closing_records_who_when_and_why():
    user = make_user("closer", is_superuser=True)
    lock = close_period(
        acting_user=user, programme=make_programme(), year=2024, month=3, reason="3月已对账", today=TODAY
    )

    assert (lock.kind, lock.start_date, lock.end_date) == (
        "month",
        datetime.date(2024, 3, 1),
        datetime.date(2024, 3, 31),
    )
    assert (lock.closed_by, lock.reason, lock.pending_arrivals, lock.pending_amount) == (
        user,
        "3月已对账",
        0,
        0,
    )
    assert str(lock) == "援疆 · 全部支援方 · 2024年3月"


def test_closing_needs_the_permission_and_a_reason():
    programme = make_programme()
    with pytest.raises(PermissionDenied):
        close_period(
            acting_user=make_user("viewer"), programme=programme, year=2024, month=3, reason="x", today=TODAY
        )
    with pytest.raises(ValidationError) as refused:
        close_period(acting_user=None, programme=programme, year=2024, month=3, reason="  ", today=TODAY)
    assert refused.value.message_dict == {"reason": ["请填写结账说明。"]}
    assert PeriodLock.objects.count() == 0


def test_a_period_can_be_closed_from_its_last_day_not_before():
    programme = make_programme()
    with pytest.raises(ValidationError) as refused:
        close_period(
            acting_user=None,
            programme=programme,
            year=2024,
            month=3,
            reason="月结",
            today=datetime.date(2024, 3, 30),
        )
    assert refused.value.messages == ["期间 2024年3月 尚未结束（截止 2024-03-31），不能结账。"]

    lock = close_period(
        acting_user=None,
        programme=programme,
        year=2024,
        month=3,
        reason="月结",
        today=datetime.date(2024, 3, 31),
    )
    assert lock.is_active


def test_a_period_inside_a_closed_one_cannot_be_closed_again():
    programme = make_programme()
    close_period(acting_user=None, programme=programme, year=2023, reason="年结", today=TODAY)

    with pytest.raises(ValidationError) as refused:
        close_period(acting_user=None, programme=programme, year=2023, month=5, reason="月结", today=TODAY)
    assert refused.value.messages == ["期间 2023年5月 已包含在已结账的 援疆 · 全部支援方 · 2023年度 中。"]
    with pytest.raises(ValidationError):
        close_period(
            acting_user=None,
            programme=programme,
            supporter=make_supporter(),
            year=2023,
            reason="年结",
            today=TODAY,
        )


def test_the_database_keeps_one_active_lock_per_period():
    lock = close_march()
    duplicate = {
        "programme": lock.programme,
        "kind": "month",
        "year": 2024,
        "month": 3,
        "reason": "再结一次",
        "closed_at": timezone.now(),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodLock.objects.create(**duplicate)


def test_closing_a_period_with_pending_arrivals_is_refused_unless_allowed():
    project = make_project()
    pending = make_entry(project, amount="300000.00", value_date=datetime.date(2024, 3, 5))
    confirmed = make_entry(project, amount="200000.00", value_date=datetime.date(2024, 3, 6))
    make_entry(project, amount="900000.00", value_date=datetime.date(2024, 4, 1))  # another month
    confirm_arrival(confirmed, acting_user=None)

    with pytest.raises(ValidationError) as refused:
        close_march()
    assert refused.value.message_dict == {
        "allow_pending": [
            "期间 2024年3月 还有 1 笔到位资金（30.00万元）待受援方确认或有异议；请先对账，或选择“仍然结账”。"
        ]
    }
    assert PeriodLock.objects.count() == 0

    lock = close_march(allow_pending=True)
    assert (lock.pending_arrivals, lock.pending_amount) == (1, Decimal("300000.00"))
    # The recipient can still answer an arrival of a closed month: confirming posts nothing.
    assert confirm_arrival(pending, acting_user=None).state == "confirmed"


def test_reopening_needs_the_permission_a_reason_and_an_active_lock():
    lock = close_march()
    with pytest.raises(PermissionDenied):
        reopen_period(lock, acting_user=make_user("viewer"), reason="补录")
    with pytest.raises(ValidationError) as refused:
        reopen_period(lock, acting_user=None, reason="")
    assert refused.value.message_dict == {"reopen_reason": ["请填写反结账原因。"]}

    reopen_period(lock, acting_user=None, reason="补录")
    with pytest.raises(ValidationError) as refused:
        reopen_period(lock, acting_user=None, reason="补录")
    assert refused.value.messages == ["期间 2024年3月 未结账或已反结账。"]
    assert close_march().is_active  # closed again: a new row, the old one kept


# --- reversals -----------------------------------------------------------------------------------------


def test_a_reversal_of_a_closed_period_entry_goes_into_an_open_period():
    project = make_project()
    entry = post(project, datetime.date(2024, 3, 10), amount="5000.00")
    other = post(project, datetime.date(2024, 3, 11), amount="7000.00")
    close_march()

    with pytest.raises(ValidationError) as refused:
        reverse_entry(other, acting_user=None, reason="重复登记", value_date=datetime.date(2024, 3, 31))
    assert refused.value.message_dict == {"value_date": [refusal("2024-03-31")]}
    reversal = reverse_entry(entry, acting_user=None, reason="重复登记")

    assert (reversal.amount, reversal.value_date, reversal.reverses) == (
        Decimal("-5000.00"),
        timezone.localdate(),
        entry,
    )


def test_the_default_reversal_date_is_the_first_open_day_when_today_is_closed():
    project = make_project()
    entry = post(project, datetime.date(2024, 3, 10), amount="5000.00")
    today = timezone.localdate()
    close_period(
        acting_user=None,
        programme=project.programme,
        year=today.year,
        month=today.month,
        reason="月结",
        today=today.replace(day=28) if today.day > 28 else today + datetime.timedelta(days=40),
        allow_pending=True,
    )
    first_open = first_open_day(project.programme_id, project.supporter_id, today)

    reversal = reverse_entry(entry, acting_user=None, reason="重复登记")

    assert first_open.day == 1 and first_open > today
    assert reversal.value_date == first_open


# --- the database backstop -----------------------------------------------------------------------------


def test_the_database_refuses_a_row_dated_in_a_closed_period_written_past_the_service():
    project = make_project()
    close_march()
    before = ledger_state()

    with pytest.raises(IntegrityError), transaction.atomic():
        make_entry(project, kind=EntryKind.DISBURSED, value_date=datetime.date(2024, 3, 31))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO funds_ledgerentry (programme_id, kind, amount, value_date, fiscal_year,"
            " supporter_id, division_id, document_reference, note, created)"
            " VALUES (%s, 'spent', 1, %s, 2024, %s, %s, '', '', %s)",
            [
                project.programme_id,
                datetime.date(2024, 3, 1),
                project.supporter_id,
                project.division_id,
                timezone.now(),
            ],
        )

    assert ledger_state() == before
    assert make_entry(project, value_date=datetime.date(2024, 4, 1)).pk


def test_a_lock_the_service_did_not_see_is_still_a_message_naming_the_period(monkeypatch):
    """The period closed between `clean()` and the insert: the trigger refuses, the service explains."""
    project = make_project()
    close_march()
    monkeypatch.setattr(PeriodLock, "covering", classmethod(lambda cls, *args, **kwargs: None))
    with pytest.raises(ValidationError) as refused:
        post(project, datetime.date(2024, 3, 2))
    assert refused.value.message_dict == {"value_date": ["发生日期所在期间已结账，不能再登记。"]}
