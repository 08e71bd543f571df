"""Every route of Duikou, written out (STYLE.md 4)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("对口 Duikou · 对口支援管理平台")
admin.site.site_title = _("对口 Duikou")
admin.site.index_title = _("数据管理")
admin.site.site_url = "/"

urlpatterns = [
    path("", include("duikou.dashboards.urls")),
    path("projects/", include("duikou.projects.urls")),
    path("plans/", include("duikou.projects.plans.urls")),  # annual plans (年度计划)
    path("ledger/", include("duikou.funds.urls")),
    path("people/", include("duikou.talent.urls")),
    path("outcomes/", include("duikou.outcomes.urls")),
    path("pairings/", include("duikou.pairings.urls")),
    path("divisions/", include("duikou.geo.urls")),
    path("organizations/", include("duikou.parties.urls")),
    path("checks/", include("duikou.checks.urls")),  # likely duplicates (疑似重复) and their review
    path("checks/findings/", include("duikou.checks.finding_urls")),  # findings of the check rules (核查发现)
    path("reports/", include("duikou.reports.urls")),  # IATI export and its vocabularies
    path("audit/", include("duikou.core.audit.urls")),  # the audit log (审计日志) and object histories
    path("", include("duikou.core.urls")),  # imports/<kind>/
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("duikou.config.api_urls")),  # the REST API (docs/api.md)
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: 中文 / English
]
