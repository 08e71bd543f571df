"""Pairings: which supporter assists which division, since when."""

from __future__ import annotations

import contextvars
import datetime
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import PrimaryModel
from duikou.core.querysets import ChangeLoggedQuerySet
from duikou.core.scoping import AccessRule


class PairingQuerySet(ChangeLoggedQuerySet):
    def active_on(self, date: datetime.date):
        """Pairings in force on `date`; an unknown start counts as "since the programme began"."""
        return self.filter(Q(since__isnull=True) | Q(since__lte=date)).filter(
            Q(until__isnull=True) | Q(until__gte=date)
        )


class Pairing(PrimaryModel):
    """A supporter paired with a recipient division (浙江省 → 阿克苏地区; 衢州市 → 乌什县).

    A pairing with a prefecture covers its counties. `since` is empty where the
    sources give no start date; `is_confirmed` is off where they disagree.
    """

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("援助计划"), on_delete=models.PROTECT, related_name="pairings"
    )
    supporter = models.ForeignKey(
        "parties.Organization", verbose_name=_("支援方"), on_delete=models.PROTECT, related_name="pairings"
    )
    division = models.ForeignKey(
        "geo.Division", verbose_name=_("受援地"), on_delete=models.PROTECT, related_name="pairings"
    )
    since = models.DateField(_("起始日期"), null=True, blank=True)
    until = models.DateField(_("截止日期"), null=True, blank=True)
    is_confirmed = models.BooleanField(_("已核实"), default=True)
    source = models.TextField(_("来源"), blank=True)

    objects = PairingQuerySet.as_manager()

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("结对关系")
        verbose_name_plural = _("结对关系")
        ordering = ["programme", "supporter__name", "division__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "supporter", "division", "since"],
                name="pairings_pairing_unique",
                violation_error_message=_("该结对关系已存在。"),
            ),
            # NULLs are distinct in a unique index: a pairing with an unknown start needs its own rule.
            models.UniqueConstraint(
                fields=["programme", "supporter", "division"],
                condition=Q(since__isnull=True),
                name="pairings_pairing_unique_unknown_start",
                violation_error_message=_("该结对关系已存在。"),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="pairings_pairing_period",
                violation_error_message=_("截止日期不能早于起始日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.supporter} → {self.division}"

    def get_absolute_url(self):
        return reverse("dashboards:pairing", args=[self.pk])

    def covers(self, on: datetime.date) -> bool:
        """In force on `on` (as `PairingQuerySet.active_on`: an unknown start is "since the beginning")."""
        return (self.since is None or self.since <= on) and (self.until is None or self.until >= on)

    def clean(self):
        super().clean()
        if self.supporter_id and not self.supporter.is_supporter:
            raise ValidationError({"supporter": _("支援方须为援疆省市、地市、中央企业或部委。")})
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": _("截止日期不能早于起始日期。")})


# Set while many rows are checked at once (an import): every pairing, by (programme, supporter, division),
# and for each (programme, supporter, division) asked about, the pairings that could cover it, by pk.
_preloaded: contextvars.ContextVar[tuple[dict, dict] | None] = contextvars.ContextVar(
    "duikou_pairings", default=None
)


@contextmanager
def pairings_preloaded():
    """Within this block `find_covering_pairing` reads the pairings from memory: an import checks every
    row's pairing, and a few hundred pairings load once instead of a query per row."""
    index: dict[tuple, list[Pairing]] = {}
    for pairing in Pairing.objects.order_by("pk"):
        index.setdefault((pairing.programme_id, pairing.supporter_id, pairing.division_id), []).append(
            pairing
        )
    token = _preloaded.set((index, {}))
    try:
        yield
    finally:
        _preloaded.reset(token)


def preloaded_candidates(programme, supporter, division) -> list[Pairing] | None:
    """Within `pairings_preloaded`, the pairings that may cover `supporter` in `division` (its own and its
    supporting parents', for the division and its ancestors), by pk; None outside it."""
    preloaded = _preloaded.get()
    if preloaded is None:
        return None
    index, candidates_of = preloaded
    key = (programme.pk, supporter.pk, division.pk)
    candidates = candidates_of.get(key)
    if candidates is None:  # the same supporter and county recur on many rows
        candidates = candidates_of[key] = sorted(
            (
                pairing
                for supporter_member in supporter.supporter_chain()
                for area in [division, *division.ancestors()]
                for pairing in index.get((programme.pk, supporter_member.pk, area.pk), ())
            ),
            key=lambda pairing: pairing.pk,
        )
    return candidates


def find_covering_pairing(*, programme, supporter, division, on: datetime.date) -> Pairing | None:
    """The pairing that allows `supporter` to fund work in `division` on `on`, if any.

    A supporter is covered by its own pairings and by those of its supporting
    parents (衢州市 works under 浙江省's pairing), for the division itself or
    any ancestor (a prefecture pairing covers its counties).
    """
    candidates = preloaded_candidates(programme, supporter, division)
    if candidates is not None:
        return next((pairing for pairing in candidates if pairing.covers(on)), None)
    supporters = supporter.supporter_chain()
    divisions = [division, *division.ancestors()]
    return (
        Pairing.objects.active_on(on)
        .filter(programme=programme, supporter__in=supporters, division__in=divisions)
        .order_by("pk")
        .first()
    )
