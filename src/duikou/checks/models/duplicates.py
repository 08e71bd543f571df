"""The review queue of likely duplicate projects (重复建设): one row per pair found, with its decision."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import ChangeLoggedModel
from duikou.core.querysets import ChangeLoggedQuerySet
from duikou.core.scoping import AccessRule

from ..choices import DuplicateDecision, DuplicateKind


class DuplicatePairQuerySet(ChangeLoggedQuerySet):
    def decided(self):
        return self.exclude(decision="")

    def pending(self):
        return self.filter(decision="")

    def of_project(self, project):
        return self.filter(Q(project_a=project) | Q(project_b=project))


class DuplicatePair(ChangeLoggedModel):
    """Two projects the duplicate detector found alike, and what a reviewer decided about them.

    `project_a` is always the one with the smaller id, so a pair has one row whatever order it was found in.
    A scan refreshes `score`, `kind` and `reasons` of pending pairs and never touches a decided one: a
    decided pair does not come back to the queue (`duikou.checks.duplicates.review`).
    """

    project_a = models.ForeignKey(
        "projects.Project", verbose_name=_("项目甲"), on_delete=models.CASCADE, related_name="+"
    )
    project_b = models.ForeignKey(
        "projects.Project", verbose_name=_("项目乙"), on_delete=models.CASCADE, related_name="+"
    )
    division = models.ForeignKey(
        "geo.Division",
        verbose_name=_("受援地"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("两个项目中较具体的受援地（县，或州直项目所在的地州）"),
    )
    score = models.DecimalField(_("相似度"), max_digits=4, decimal_places=3)
    kind = models.CharField(_("类型"), max_length=20, choices=DuplicateKind.choices)
    reasons = models.JSONField(_("依据"), default=list, blank=True)
    decision = models.CharField(
        _("审核结论"), max_length=20, choices=DuplicateDecision.choices, blank=True, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)

    objects = DuplicatePairQuerySet.as_manager()

    # Recipients review the pairs in their divisions; the coordination office and auditors see all. A pair
    # joins two supporters' projects, so a supporter's scope (its own projects) does not reach the queue.
    access_rule = AccessRule(division="division")

    class Meta:
        verbose_name = _("疑似重复项目")
        verbose_name_plural = _("疑似重复项目")
        ordering = ["-score", "project_a", "project_b"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_a", "project_b"],
                name="checks_duplicatepair_unique_pair",
                violation_error_message=_("这两个项目已在疑似重复清单中。"),
            ),
            models.CheckConstraint(
                condition=Q(project_a__lt=F("project_b")),
                name="checks_duplicatepair_ordered",
                violation_error_message=_("项目甲须为编号（内部标识）较小的项目。"),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1),
                name="checks_duplicatepair_score_range",
                violation_error_message=_("相似度须在 0 到 1 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="checks_duplicatepair_decision_dated",
                violation_error_message=_("审核结论须有审核时间。"),
            ),
        ]
        indexes = [
            models.Index(fields=["decision", "-score"], name="checks_dup_decision_score_idx"),
            models.Index(fields=["division", "decision"], name="checks_dup_division_idx"),
        ]

    def __str__(self):
        return f"{self.project_a.code} ↔ {self.project_b.code}"

    def get_absolute_url(self):
        return reverse("checks:duplicate", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    def clean(self):
        super().clean()
        if self.project_a_id and self.project_b_id and self.project_a_id == self.project_b_id:
            raise ValidationError({"project_b": _("一个项目不能与自己构成疑似重复。")})
        if self.decision and self.decided_at is None:
            raise ValidationError({"decided_at": _("审核结论须有审核时间。")})
