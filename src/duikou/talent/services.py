"""State changes of the roster: ending a stint (the one change that matters after it is recorded)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.core.scoping import check_in_scope

from .models import Assignment


@transaction.atomic
def end_assignment(
    assignment: Assignment, *, on: datetime.date, acting_user=None, note: str = ""
) -> Assignment:
    """Record the day a dispatched person left (实际离疆); the stint then no longer counts as in post.

    Args:
        assignment: the stint; locked while it changes.
        on: the last day in post.
        acting_user: who records it (the change log keeps the user through the change context).
        note: why, e.g. "轮换期满" or "因病提前返回"; appended to the comments.

    Raises:
        ValidationError: the stint has already ended, or `on` is before its start; nothing changes.
    """
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    check_in_scope(locked, acting_user)  # another supporter's people are not the user's to end
    if locked.actual_end is not None:
        raise ValidationError({"actual_end": _("该派驻已于 {date} 结束。").format(date=locked.actual_end)})
    locked.actual_end = on
    if note.strip():
        # Stored data, not interface text: the same words whatever language the officer uses.
        locked.comments = "\n".join(filter(None, [locked.comments, f"离疆：{note.strip()}"]))
    locked.full_clean()
    locked.save()
    assignment.refresh_from_db()
    return locked
