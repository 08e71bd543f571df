"""Base models and the change log.

Three base models, named for their role (STYLE.md 6):

- `ChangeLoggedModel` — `created` / `last_updated`; every create, update and
  delete is written to `ObjectChange` with before/after snapshots.
- `PrimaryModel` — a change-logged model that people curate, with
  `description` and `comments`.
- `AppendOnlyModel` — change-logged, but rows are never updated or deleted
  (the fund ledger). The database refuses it too (a trigger per table).

`ImportBatch` groups the writes of one import, generator run or reference
load, so the change log can land on "exactly the rows just changed".

`BackgroundJob` is one import or export run by the worker, with its progress.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ChangeSource, JobKind, JobState
from .fields import VerbatimJSONField
from .querysets import AppendOnlyQuerySet, ChangeLoggedQuerySet


class LoggedModel(models.Model):
    """Marker base: instances of subclasses are change-logged. Use one of the three below."""

    objects = ChangeLoggedQuerySet.as_manager()

    class Meta:
        abstract = True


class ChangeLoggedModel(LoggedModel):
    """A model whose every write is recorded in the change log."""

    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class PrimaryModel(ChangeLoggedModel):
    """A curated object with a free description and internal comments."""

    description = models.CharField(_("说明"), max_length=500, blank=True)
    comments = models.TextField(_("备注"), blank=True)

    class Meta:
        abstract = True


class AppendOnlyError(RuntimeError):
    """An append-only row was asked to change; post a reversing entry instead."""


class AppendOnlyModel(LoggedModel):
    """Rows are written once. Corrections are new rows (e.g. a reversing ledger entry).

    Python refuses updates and deletes here; a database trigger refuses them
    for everything else (raw SQL, other clients) — see `core.triggers`.
    """

    created = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(
                _("{model} 只能新增，不能修改；请录入冲正分录。").format(model=self._meta.verbose_name)
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(
            _("{model} 只能新增，不能删除；请录入冲正分录。").format(model=self._meta.verbose_name)
        )


class ImportBatch(models.Model):
    """One import, generator run or reference load: the unit the change log points to."""

    class Kind(models.TextChoices):
        REFERENCE = "reference", _("参考数据")
        GENERATED = "generated", _("演示数据生成")
        IMPORT = "import", _("文件导入")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("名称"), max_length=200, help_text=_("文件名或命令"))
    file_hash = models.CharField(_("文件哈希"), max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    started = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    counts = models.JSONField(_("条数"), default=dict, blank=True)
    parameters = models.JSONField(_("参数"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-started"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.label} · {self.started:%Y-%m-%d %H:%M}"


class ObjectChange(models.Model):
    """One create, update or delete of a logged object, with before/after snapshots.

    Its references (user, import batch, content type) are kept by Django, not checked by the database
    (`db_constraint=False`): every row is written by Duikou's own code from objects it holds, and Django
    applies `on_delete` itself. A foreign-key constraint would have PostgreSQL look up the referenced row
    for every change-log row — ~1 s per 100,000 rows of an import (docs/decisions/0001, "Session 7").
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="object_changes",
        db_constraint=False,
    )
    user_name = models.CharField(_("用户名"), max_length=150, blank=True, help_text=_("用户删除后仍保留"))
    source = models.CharField(_("来源"), max_length=20, choices=ChangeSource.choices)
    request_id = models.UUIDField(_("请求编号"), db_index=True)
    import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
        db_constraint=False,
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    changed_object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    changed_object_id = models.BigIntegerField(_("对象编号"))
    object_repr = models.CharField(_("对象"), max_length=200)
    prechange_data = VerbatimJSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    postchange_data = VerbatimJSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # Through which page or API endpoint, and with which API token (issue 5, item 6). Database defaults, so
    # the bulk loaders' COPY, which names its columns, leaves them empty without naming them.
    request_path = models.CharField(
        _("页面"), max_length=200, blank=True, default="", db_default="", help_text=_("网页或 API 路径")
    )
    api_token_prefix = models.CharField(
        _("API 令牌"),
        max_length=8,
        blank=True,
        default="",
        db_default="",
        help_text=_("经 API 令牌写入时令牌的前缀（撤销的令牌也保留，可据此查到）"),
    )

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-pk"]  # keys grow with time; sorting by the key uses the primary-key index
        # Composite indexes also serve the foreign keys declared with db_index=False (leading column).
        indexes = [
            models.Index(fields=["changed_object_type", "changed_object_id"], name="core_change_object_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        """Names of the fields whose value differs between before and after."""
        before, after = self.prechange_data or {}, self.postchange_data or {}
        return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


class BackgroundJob(models.Model):
    """One import check, import or export run by the background worker (django-tasks), with its progress.

    django-tasks stores a task's arguments and outcome but no progress, so the worker writes it here and the
    page polls it. Only the user who started a job sees it. Not change-logged: it records work done, like
    `ImportBatch`; the rows an import writes are logged under their import batch.
    """

    kind = models.CharField(_("类型"), max_length=20, choices=JobKind.choices)
    label = models.CharField(_("名称"), max_length=200, help_text=_("文件名或清单名"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.CASCADE,
        related_name="background_jobs",
    )
    state = models.CharField(_("状态"), max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    rows_done = models.PositiveBigIntegerField(_("已处理行数"), default=0)
    rows_total = models.PositiveBigIntegerField(_("总行数"), default=0)
    parameters = models.JSONField(_("参数"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    result = models.JSONField(_("结果"), null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(_("错误"), blank=True)
    file_name = models.CharField(
        _("文件"), max_length=200, blank=True, help_text=_("任务写出的文件，在任务文件目录中")
    )
    download_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    task_id = models.CharField(
        _("任务编号"), max_length=64, blank=True, help_text=_("django-tasks 的任务编号")
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "created"], name="core_job_user_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")) | models.Q(rows_total=0),
                name="core_backgroundjob_done_within_total",
                violation_error_message=_("已处理行数不能超过总行数。"),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.label} · {self.get_state_display()}"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def percent(self) -> int:
        """Whole percent done: 100 once finished, 0 while the total is not known yet."""
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


# Hashed, expiring, scoped API tokens live in their own module; imported here so Django registers the model.
from .tokens import ApiToken  # noqa: E402, F401
