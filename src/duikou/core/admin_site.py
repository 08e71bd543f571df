"""The admin site, for the roles whose scope is everything (docs/security.md, "roles and scoping").

The admin's pages are Django's own and read every row: they know nothing of a scope (core/scoping.py).
So, rather than scope each of them, the site is closed to every user whose scope is not everything —
platform administrators, the coordination office (which manages programmes, categories, targets, batches,
indicators, pairings, divisions and organizations here) and auditors (who only read) — even when such a
user's `is_staff` was ticked by mistake. Within the site the role's permissions decide, as everywhere.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig

from .scoping import access_scope


class AdminSite(admin.AdminSite):
    def has_permission(self, request):
        """Staff (Django's rule) whose scope is everything: a supporter's or a recipient's member never."""
        return super().has_permission(request) and access_scope(request.user).everything


class AdminConfig(DjangoAdminConfig):
    """`django.contrib.admin` with this site as its default (INSTALLED_APPS names this class)."""

    default_site = "duikou.core.admin_site.AdminSite"
