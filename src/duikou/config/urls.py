"""Every route of Duikou, written out (STYLE.md 4). For now the Chinese admin is the interface."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("对口 Duikou · 对口支援管理平台")
admin.site.site_title = _("对口 Duikou")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: 中文 / English
]
