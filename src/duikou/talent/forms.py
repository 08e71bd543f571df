"""Roster entry: add a stint (model rules apply) and end one (through the talent service)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import BaseForm, BaseModelForm
from duikou.geo.filtersets import division_choices
from duikou.parties.filtersets import supporter_choices

from .models import Assignment


class AssignmentForm(BaseModelForm):
    class Meta:
        model = Assignment
        fields = [
            "programme",
            "batch",
            "person_name",
            "kind",
            "supporter",
            "sending_organization",
            "host_division",
            "host_unit",
            "post",
            "team",
            "start_date",
            "planned_end",
            "comments",
        ]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}

    choice_querysets = {"supporter": supporter_choices, "host_division": division_choices}


class EndAssignmentForm(BaseForm):
    actual_end = forms.DateField(label=_("实际离疆"), initial=datetime.date.today)
    note = forms.CharField(
        label=_("说明"), max_length=200, required=False, help_text=_("如：轮换期满、提前返回的原因")
    )
