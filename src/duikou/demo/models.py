"""The labels of the synthetic data set: which anomalies were planted where."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnomalyKind(models.TextChoices):
    LOW_LIVELIHOOD_SHARE = "low_livelihood_share", _("民生投入占比低于目标")
    LOW_ARRIVAL_RATE = "low_arrival_rate", _("资金到位率低于基准")
    LOW_START_RATE = "low_start_rate", _("开工率低于基准")
    LOW_COMPLETION_RATE = "low_completion_rate", _("完工率低于目标")
    IDLE_BALANCE = "idle_balance", _("资金闲置（到位未拨付）")
    COMPLETED_NOT_ACCEPTED = "completed_not_accepted", _("完工未验收")
    TOTAL_MISMATCH = "total_mismatch", _("总投资与资金来源之和不符")
    NEAR_DUPLICATE = "near_duplicate", _("疑似重复建设")
    NEAR_MISS = "near_miss", _("相似但不重复（对照）")
    PHASE = "phase", _("同一项目的分期")
    DISBURSED_BEYOND_ARRIVED = "disbursed_beyond_arrived", _("拨付超过到位")
    SPENT_OVER_APPROVED = "spent_over_approved", _("支出超过批复金额")
    DUPLICATE_DOCUMENT = "duplicate_document", _("同一文号计入两个项目")
    OFFICE_BUILDING = "office_building", _("楼堂馆所")


class PlantedAnomaly(models.Model):
    """One planted anomaly of a generated data set: the ground truth later checks are measured against."""

    kind = models.CharField(_("类型"), max_length=40, choices=AnomalyKind.choices, db_index=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    other_project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("对应项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("成对的异常（重复建设、分期、同一文号）"),
    )
    supporter = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("支援方"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    detail = models.JSONField(_("说明"), default=dict, blank=True)
    import_batch = models.ForeignKey(
        "core.ImportBatch",
        verbose_name=_("生成批次"),
        on_delete=models.CASCADE,
        related_name="planted_anomalies",
    )

    class Meta:
        verbose_name = _("预置异常")
        verbose_name_plural = _("预置异常")
        ordering = ["kind", "pk"]

    def __str__(self):
        subject = self.project.code if self.project_id else f"{self.supporter} {self.year}"
        return f"{self.get_kind_display()}: {subject}"
