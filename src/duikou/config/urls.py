"""Every route of Duikou, written out (STYLE.md 4). For now the Chinese admin is the interface."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "对口 Duikou · 对口支援管理平台"
admin.site.site_title = "对口 Duikou"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("admin/", admin.site.urls),
]
