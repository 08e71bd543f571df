"""Choices of the checks app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DuplicateDecision(models.TextChoices):
    """A reviewer's decision on a pair of similar projects (issue 6, item 3)."""

    DUPLICATE = "duplicate", _("重复项目")
    PHASE = "phase", _("同一项目的分期")
    RELATED = "related", _("相关项目")
    DISTINCT = "distinct", _("不同项目")


class DuplicateKind(models.TextChoices):
    """What the detector made of a pair (duikou.checks.duplicates.scoring.Kind)."""

    DUPLICATE = "duplicate", _("疑似重复")
    PHASE = "phase", _("疑似分期")
