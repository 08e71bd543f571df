from django.contrib import admin

from duikou.core.admin import ChangeLoggedAdmin

from .models import Pairing


@admin.register(Pairing)
class PairingAdmin(ChangeLoggedAdmin):
    list_display = ("supporter", "division", "programme", "since", "until", "is_confirmed")
    list_filter = ("programme", "is_confirmed", "division__zone")
    search_fields = ("supporter__name", "division__name", "division__code")
    autocomplete_fields = ("supporter", "division")
    list_select_related = ("supporter", "division", "programme")
