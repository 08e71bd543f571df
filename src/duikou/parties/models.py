"""Organizations: supporters, their front headquarters, recipients and offices."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import PrimaryModel
from duikou.core.querysets import ChangeLoggedQuerySet
from duikou.core.scoping import AccessRule
from duikou.core.text import match_key, normalize_text

from .choices import SUPPORTER_KINDS, OrganizationKind


class OrganizationQuerySet(ChangeLoggedQuerySet):
    def supporters(self):
        return self.filter(kind__in=SUPPORTER_KINDS)

    def top_level_supporters(self):
        """The 19 援疆省市 (and central bodies): supporters with no supporting parent."""
        return self.supporters().exclude(parent__kind__in=SUPPORTER_KINDS)


class Organization(PrimaryModel):
    """A party to paired assistance.

    A supporting city (衢州市) has its province (浙江省) as parent; a front
    headquarters (浙江省援疆指挥部) has its supporter as parent and the
    prefecture it sits in as `home_division`. `aliases` holds other names
    people write in spreadsheets ("浙江", "浙江援疆").
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=30, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    home_division = models.ForeignKey(
        "geo.Division",
        verbose_name=_("所在区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text=_("前方指挥部、受援地政府所在的新疆区划"),
    )
    aliases = models.JSONField(_("别名"), default=list, blank=True)

    objects = OrganizationQuerySet.as_manager()

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="parties_organization_not_own_parent",
                violation_error_message=_("上级单位不能是自己。"),
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("parties:organization", args=[self.pk])

    @property
    def alias_text(self) -> str:
        return "、".join(self.aliases or [])

    @property
    def is_supporter(self) -> bool:
        return self.kind in SUPPORTER_KINDS

    def supporter_chain(self) -> list[Organization]:
        """This organization and its supporting parents, nearest first (衢州市, 浙江省)."""
        chain, node = [], self
        while node is not None and node.kind in SUPPORTER_KINDS:
            chain.append(node)
            node = node.parent
        return chain

    def supporter_family(self) -> list[Organization]:
        """This supporter and the supporting cities under it (浙江省, 杭州市, 衢州市)."""
        family, frontier = [self], [self]
        while frontier:
            frontier = list(Organization.objects.filter(parent__in=frontier, kind__in=SUPPORTER_KINDS))
            family.extend(frontier)
        return family

    def clean(self):
        super().clean()
        self.name = normalize_text(self.name)
        self.aliases = [normalize_text(alias) for alias in self.aliases or [] if normalize_text(alias)]
        if self.kind == OrganizationKind.FRONT_HQ and (self.parent is None or not self.parent.is_supporter):
            raise ValidationError({"parent": _("前方指挥部的上级单位须为援疆省市。")})
        if self.kind == OrganizationKind.SUPPORTING_CITY and (
            self.parent is None or not self.parent.is_supporter
        ):
            raise ValidationError({"parent": _("援疆地市的上级单位须为援疆省市。")})


class OrganizationResolver:
    """Resolve "浙江", "浙江省", "浙江省援疆指挥部" to an organization.

    A front headquarters resolves to itself; callers that need the supporter
    take `supporter_of()` which maps a front HQ to its parent.
    """

    def __init__(self, queryset=None):
        self._by_key: dict[str, list[Organization]] = {}
        for organization in (queryset if queryset is not None else Organization.objects.all()).select_related(
            "parent"
        ):
            for text in {organization.name, organization.short_name, *organization.aliases}:
                if text:
                    self._by_key.setdefault(match_key(text), []).append(organization)

    def resolve(self, text) -> tuple[Organization | None, str]:
        value = normalize_text(text)
        if not value:
            return None, str(_("单位为空"))
        unique = {o.pk: o for o in self._by_key.get(match_key(value), [])}
        if len(unique) == 1:
            return next(iter(unique.values())), ""
        if len(unique) > 1:
            names = "、".join(sorted(o.name for o in unique.values()))
            return None, str(_("“{value}”对应多个单位：{names}").format(value=value, names=names))
        return None, str(_("找不到单位“{value}”").format(value=value))

    def supporter_of(self, text) -> tuple[Organization | None, str]:
        organization, message = self.resolve(text)
        if organization is not None and organization.kind == OrganizationKind.FRONT_HQ:
            organization = organization.parent
        if organization is not None and not organization.is_supporter:
            return None, str(_("“{value}”不是援疆省市").format(value=normalize_text(text)))
        return organization, message
