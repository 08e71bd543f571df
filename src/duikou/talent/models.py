"""Dispatched cadres and professionals: one row per stint (人次)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import PrimaryModel
from duikou.core.querysets import ChangeLoggedQuerySet
from duikou.core.scoping import AccessRule

from .choices import AssignmentKind


class AssignmentQuerySet(ChangeLoggedQuerySet):
    def in_post_on(self, date: datetime.date):
        """Stints running on `date`: started, and not yet ended (actual end, else planned end)."""
        return self.filter(start_date__lte=date).filter(
            Q(actual_end__gte=date) | Q(actual_end__isnull=True, planned_end__gte=date)
        )

    def started_between(self, first: datetime.date, last: datetime.date):
        """Stints that began in the period: the 人次 count."""
        return self.filter(start_date__gte=first, start_date__lte=last)


class Assignment(PrimaryModel):
    """A dispatched person's stint in Xinjiang.

    Only what the work needs is stored (DOMAIN.md, privacy): a name, the post
    and the dates; no ID-card number, ethnicity or home address.
    """

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("援助计划"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    batch = models.ForeignKey(
        "programmes.Batch",
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    person_name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("人员类别"), max_length=20, choices=AssignmentKind.choices)
    sending_organization = models.CharField(_("派出单位"), max_length=200)
    supporter = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("支援方"),
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,
    )
    host_division = models.ForeignKey(
        "geo.Division",
        verbose_name=_("受援地"),
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,
    )
    host_unit = models.CharField(_("受援单位"), max_length=200)
    post = models.CharField(_("挂职岗位"), max_length=200, blank=True)
    start_date = models.DateField(_("进疆日期"))
    planned_end = models.DateField(_("计划期满"))
    actual_end = models.DateField(_("实际离疆"), null=True, blank=True)
    team = models.CharField(
        _("组团式团队"), max_length=200, blank=True, help_text=_("如：莎车县人民医院组团式医疗队")
    )

    objects = AssignmentQuerySet.as_manager()

    # A supporter's people, and those hosted in a recipient's divisions (core/scoping.py).
    access_rule = AccessRule(supporter="supporter", division="host_division")

    class Meta:
        verbose_name = _("干部人才派驻")
        verbose_name_plural = _("干部人才派驻")
        ordering = ["-start_date", "person_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("start_date")),
                name="talent_assignment_planned_period",
                violation_error_message=_("计划期满日期须晚于进疆日期。"),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=models.F("start_date")),
                name="talent_assignment_actual_period",
                violation_error_message=_("实际离疆日期不能早于进疆日期。"),
            ),
        ]
        # Composite indexes also serve the foreign keys declared with db_index=False (leading column).
        indexes = [
            models.Index(fields=["supporter", "start_date"], name="talent_supporter_start_idx"),
            models.Index(fields=["host_division", "start_date"], name="talent_division_start_idx"),
        ]

    def __str__(self):
        return f"{self.person_name}（{self.get_kind_display()}，{self.host_unit}）"

    def get_absolute_url(self):
        return reverse("talent:assignment", args=[self.pk])

    @property
    def planned_months(self) -> int:
        return (
            (self.planned_end.year - self.start_date.year) * 12
            + self.planned_end.month
            - self.start_date.month
        )

    def clean(self):
        super().clean()
        if self.start_date and self.planned_end and self.planned_end <= self.start_date:
            raise ValidationError({"planned_end": _("计划期满日期须晚于进疆日期。")})
        if self.start_date and self.actual_end and self.actual_end < self.start_date:
            raise ValidationError({"actual_end": _("实际离疆日期不能早于进疆日期。")})
        if self.batch_id and self.programme_id and self.batch.programme_id != self.programme_id:
            raise ValidationError({"batch": _("批次不属于该援助计划。")})
        if self.supporter_id and not self.supporter.is_supporter:
            raise ValidationError({"supporter": _("支援方须为援疆省市、地市、中央企业或部委。")})
