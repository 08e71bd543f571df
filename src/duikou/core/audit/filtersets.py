"""The audit log's query contract: the page, its exports and the links to it from history cards."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ChangeSource
from ..filtersets import BaseFilterSet
from ..models import LoggedModel, ObjectChange


def logged_model_choices() -> list[tuple[str, str]]:
    """("app_label.model", verbose name) of every change-logged model, by verbose name."""
    from django.apps import apps

    models = [model for model in apps.get_models() if issubclass(model, LoggedModel)]
    choices = [(model._meta.label_lower, str(model._meta.verbose_name)) for model in models]
    return sorted(choices, key=lambda choice: choice[1])


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` on the officers' clocks (TIME_ZONE), as the aware time the column stores."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ObjectChangeFilterSet(BaseFilterSet):
    """What an auditor asks of the log: when, who, through what, which object, which run."""

    # The object's name as it was, the user name (kept after the user is deleted), the page and the note.
    search_fields = ("object_repr", "user_name", "request_path", "note")

    time_after = django_filters.DateFilter(
        method="filter_time_after", label=_("日期从"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time_before = django_filters.DateFilter(
        method="filter_time_before", label=_("日期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    user_name = django_filters.CharFilter(field_name="user_name", lookup_expr="iexact", label=_("用户名"))
    source = django_filters.MultipleChoiceFilter(
        distinct=False, choices=ChangeSource.choices, label=_("来源"), widget=forms.CheckboxSelectMultiple
    )
    object_type = django_filters.ChoiceFilter(method="filter_object_type", label=_("对象类型"))
    action = django_filters.MultipleChoiceFilter(
        distinct=False,
        choices=ObjectChange.Action.choices,
        label=_("操作"),
        widget=forms.CheckboxSelectMultiple,
    )
    object_id = django_filters.NumberFilter(field_name="changed_object_id", label=_("对象编号"))
    import_batch = django_filters.NumberFilter(field_name="import_batch_id", label=_("导入批次编号"))
    request_id = django_filters.UUIDFilter(field_name="request_id", label=_("请求编号"))
    api_token = django_filters.CharFilter(
        field_name="api_token_prefix", lookup_expr="iexact", label=_("API 令牌前缀")
    )
    user = django_filters.NumberFilter(field_name="user_id", label=_("用户ID"), widget=forms.HiddenInput)

    class Meta:
        model = ObjectChange
        fields = [
            "q",
            "time_after",
            "time_before",
            "user_name",
            "source",
            "object_type",
            "action",
            "object_id",
            "import_batch",
            "request_id",
            "api_token",
            "user",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the filter is used, not at import: the app registry is complete by then.
        self.filters["object_type"].extra["choices"] = logged_model_choices()

    def filter_time_after(self, queryset, name, value):
        return queryset.filter(time__gte=local_midnight(value))

    def filter_time_before(self, queryset, name, value):
        # The whole of the last day: before the next day's midnight (the time index serves both bounds).
        return queryset.filter(time__lt=local_midnight(value + datetime.timedelta(days=1)))

    def filter_object_type(self, queryset, name, value):
        app_label, _dot, model = value.partition(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        return queryset.filter(changed_object_type=content_type)
