"""Divisions: the region, prefectures, counties, XPCC divisions and regiments."""

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
from duikou.core.text import match_key, normalize_text

from .choices import DivisionLevel, Zone

# Suffixes dropped to get a short name ("莎车县" → "莎车"); longest first.
NAME_SUFFIXES = (
    "维吾尔自治区",
    "自治区",
    "柯尔克孜自治州",
    "蒙古自治州",
    "哈萨克自治州",
    "回族自治州",
    "塔吉克自治县",
    "哈萨克自治县",
    "锡伯自治县",
    "回族自治县",
    "蒙古自治县",
    "自治州",
    "自治县",
    "地区",
    "市",
    "县",
    "区",
)


def short_name_of(name: str) -> str:
    """ "莎车县" → "莎车", "巴音郭楞蒙古自治州" → "巴音郭楞"; names of two characters stay whole."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class DivisionQuerySet(ChangeLoggedQuerySet):
    def valid_on(self, date: datetime.date):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=date)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=date)
        )

    def descendants_of(self, division: Division, *, include_self: bool = True):
        """Divisions under `division` (at most three levels deep: region → prefecture → county → regiment)."""
        q = Q(parent=division) | Q(parent__parent=division) | Q(parent__parent__parent=division)
        if include_self:
            q |= Q(pk=division.pk)
        return self.filter(q)


class Division(PrimaryModel):
    """An administrative area that receives assistance.

    `code` is the GB/T 2260 code where one exists; XPCC divisions and regiments
    without one get a stable own key (e.g. "XPCC12"). Renamed or re-coded areas
    keep their old codes in `FormerCode`, so imports using them still resolve.
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    level = models.CharField(_("级别"), max_length=20, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    zone = models.CharField(_("片区"), max_length=10, choices=Zone.choices, blank=True)
    is_xpcc = models.BooleanField(_("兵团"), default=False)
    is_code_official = models.BooleanField(
        _("国标代码"),
        default=True,
        help_text=_("否：本平台自编的稳定编码（无 GB/T 2260 代码的兵团师、团场）"),
    )
    is_confirmed = models.BooleanField(
        _("已核实"), default=True, help_text=_("否：来源未经核实，使用前请核对（见备注）")
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=500, blank=True)

    objects = DivisionQuerySet.as_manager()

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="geo_division_valid_period",
                violation_error_message=_("停用日期不能早于启用日期。"),
            ),
            models.CheckConstraint(
                condition=Q(level="region") | Q(parent__isnull=False),
                name="geo_division_parent_required",
                violation_error_message=_("除自治区外，每个区划都要有上级。"),
            ),
        ]
        indexes = [models.Index(fields=["name"], name="geo_division_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dashboards:division", args=[self.code])

    @property
    def full_name(self) -> str:
        """ "喀什地区莎车县" for a county; the name alone for prefectures and XPCC divisions."""
        if (
            self.level in (DivisionLevel.COUNTY, DivisionLevel.REGIMENT)
            and self.parent
            and self.parent.parent_id
        ):
            return f"{self.parent.name}{self.name}"
        return self.name

    @property
    def is_grassroots(self) -> bool:
        """County level and below counts as 基层 (the ≥80% 基层 rule)."""
        return self.level in (DivisionLevel.COUNTY, DivisionLevel.REGIMENT, DivisionLevel.TOWNSHIP)

    def ancestors(self) -> list[Division]:
        """Parents up to the region, nearest first."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def clean(self):
        super().clean()
        self.name = normalize_text(self.name)
        if not self.short_name:
            self.short_name = short_name_of(self.name)
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("上级不能是自己。")})
        if self.parent is not None and self.pk and self.pk in {a.pk for a in self.parent.ancestors()}:
            raise ValidationError({"parent": _("上级关系不能成环。")})
        if self.level != DivisionLevel.REGION and self.parent is None:
            raise ValidationError({"parent": _("除自治区外，每个区划都要有上级。")})
        if self.level != DivisionLevel.REGION and not self.zone:
            raise ValidationError({"zone": _("请选择片区（南疆、北疆或东疆）。")})


class FormerCode(PrimaryModel):
    """A code or name a division used before (库车县 652923 → 库车市 652902)."""

    division = models.ForeignKey(
        Division, verbose_name=_("现区划"), on_delete=models.CASCADE, related_name="former_codes"
    )
    code = models.CharField(
        _("旧代码"), max_length=12, blank=True, help_text=_("仅曾用名（如“农一师”）时可空")
    )
    name = models.CharField(_("旧名称"), max_length=100)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("曾用代码")
        verbose_name_plural = _("曾用代码")
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="geo_formercode_unique_code",
                violation_error_message=_("该旧代码已登记。"),
            ),
            models.UniqueConstraint(
                fields=["division", "name"],
                name="geo_formercode_unique_name",
                violation_error_message=_("该区划已登记此曾用名。"),
            ),
        ]

    def __str__(self):
        return f"{self.code or '—'} {self.name} → {self.division}"

    def clean(self):
        super().clean()
        if self.code and Division.objects.filter(code=self.code).exists():
            raise ValidationError(
                {"code": _("代码 {code} 是现行区划代码，不能作为旧代码。").format(code=self.code)}
            )


class DivisionResolver:
    """Resolve what people write for a division — code, old code, full name, short name.

    Built once from the table (a few hundred rows) and reused; imports call it
    per row. Returns the division and a warning when the input was an old code
    or name, so the importer can tell the user the file is out of date.
    """

    def __init__(self, queryset=None):
        divisions = list(
            (queryset if queryset is not None else Division.objects.all()).select_related("parent__parent")
        )
        self._by_code = {d.code: d for d in divisions}
        self._by_key: dict[str, list[Division]] = {}
        for division in divisions:
            for text in {division.name, division.short_name, division.full_name}:
                if text:
                    self._by_key.setdefault(match_key(text), []).append(division)
        self._former = {}
        for former in FormerCode.objects.select_related("division"):
            if former.code:
                self._former[former.code] = former
            self._former.setdefault(match_key(former.name), former)

    def resolve(self, text) -> tuple[Division | None, str]:
        """Returns (division, warning); (None, reason) when nothing or several match."""
        value = normalize_text(text)
        if not value:
            return None, str(_("区划为空"))
        if value in self._by_code:
            return self._by_code[value], ""
        key = match_key(value)
        former = self._former.get(value) or self._former.get(key)
        if former is not None:
            return former.division, str(
                _("“{old}”是旧代码或旧名称，已对应到现行区划 {code} {name}").format(
                    old=value, code=former.division.code, name=former.division.name
                )
            )
        candidates = self._by_key.get(key, [])
        unique = {d.pk: d for d in candidates}
        if len(unique) == 1:
            return candidates[0], ""
        if len(unique) > 1:
            names = "、".join(sorted(d.full_name for d in unique.values()))
            return None, str(_("“{value}”对应多个区划：{names}").format(value=value, names=names))
        return None, str(_("找不到区划“{value}”").format(value=value))
