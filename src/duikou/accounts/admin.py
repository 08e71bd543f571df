from django.contrib import admin

from duikou.core.admin import ChangeLoggedAdmin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(ChangeLoggedAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("user",)
