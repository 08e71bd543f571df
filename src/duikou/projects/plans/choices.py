from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanState(models.TextChoices):
    """编制中 → 已报送 → 已退回 (→ 已报送 again) or 已下达."""

    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ISSUED = "issued", _("已下达")


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("报送")
    RETURN = "return", _("退回")
    ISSUE = "issue", _("下达")


class VersionCause(models.TextChoices):
    ISSUE = "issue", _("下达")
    ADJUSTMENT = "adjustment", _("调整")


class AdjustmentKind(models.TextChoices):
    CHANGE = "change", _("调整内容")
    ADD = "add", _("调入计划")
    REMOVE = "remove", _("调出计划")


# Which state a review action leaves a plan in, and from which states it may be taken.
REVIEW_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    ReviewAction.SUBMIT: ((PlanState.DRAFT, PlanState.RETURNED), PlanState.SUBMITTED),
    ReviewAction.RETURN: ((PlanState.SUBMITTED,), PlanState.RETURNED),
    ReviewAction.ISSUE: ((PlanState.SUBMITTED,), PlanState.ISSUED),
}
