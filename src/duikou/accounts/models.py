"""Membership: a user belongs to one organization, in one role; the role and the organization decide
what the user may do and which rows they reach (docs/security.md, "roles and scoping")."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.models import ChangeLoggedModel
from duikou.core.scoping import EVERYTHING, AccessRule, AccessScope
from duikou.geo.models import Division
from duikou.parties.choices import SUPPORTER_KINDS, OrganizationKind

from .choices import Role, ScopeKind
from .roles import ROLE_SCOPES


class Membership(ChangeLoggedModel):
    """One user's place on the platform: their organization and their role in it.

    A supporter role (录入 / 查看) reaches the rows of the organization's supporter and the cities under it
    (a front HQ's supporter is its parent: 浙江省援疆指挥部 → 浙江省, 杭州市, 衢州市 …); a recipient role the
    rows in the organization's home division and the divisions under it; the other roles every row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("援疆省市和受援地角色必填；平台管理员、协调办公室和审计可不填"),
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)

    # Who may read memberships is the administrators' business: no scoped member reaches any.
    access_rule = AccessRule()

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False)
                | ~models.Q(
                    role__in=[role for role, kind in ROLE_SCOPES.items() if kind != ScopeKind.EVERYTHING]
                ),
                name="accounts_membership_scoped_role_has_organization",
                violation_error_message=_("援疆省市和受援地角色须填写所在单位。"),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization or '—'} · {self.get_role_display()}"

    @property
    def scope_kind(self) -> str:
        return ROLE_SCOPES[self.role]

    def supporter(self):
        """The supporter whose rows a supporter role reaches: a front HQ's parent, else the organization."""
        organization = self.organization
        if organization.kind == OrganizationKind.FRONT_HQ:
            return organization.parent
        return organization

    def access_scope(self) -> AccessScope:
        """The rows this member reaches (core/scoping.py)."""
        if self.scope_kind == ScopeKind.EVERYTHING:
            return EVERYTHING
        if self.scope_kind == ScopeKind.SUPPORTER:
            supporter = self.supporter()
            return AccessScope(
                supporter_ids=frozenset(o.pk for o in supporter.supporter_family()), supporter=supporter
            )
        division = self.organization.home_division
        ids = Division.objects.descendants_of(division).values_list("pk", flat=True)
        return AccessScope(division_ids=frozenset(ids), division=division)

    def scope_label(self) -> str:
        """The scope in words, for the demo accounts and the admin: "浙江省（含所属地市）" …"""
        if self.scope_kind == ScopeKind.EVERYTHING:
            return str(ScopeKind.EVERYTHING.label)
        if self.scope_kind == ScopeKind.SUPPORTER:
            family = self.supporter().supporter_family()
            return _("{supporter}（含 {count} 个所属地市）").format(
                supporter=family[0].name, count=len(family) - 1
            )
        return _("{division}及其下级区划").format(division=self.organization.home_division.full_name)

    def clean(self):
        super().clean()
        if self.organization_id is None or not self.role:
            return  # the constraint names a scoped role without its organization
        organization = self.organization
        if self.scope_kind == ScopeKind.SUPPORTER and not (
            organization.kind in SUPPORTER_KINDS
            or (organization.kind == OrganizationKind.FRONT_HQ and organization.parent_id)
        ):
            raise ValidationError({"organization": _("援疆省市角色须属于援疆省市、援疆地市或其前方指挥部。")})
        if self.scope_kind == ScopeKind.RECIPIENT and organization.home_division_id is None:
            raise ValidationError({"organization": _("受援地角色须属于有所在区划的单位。")})
