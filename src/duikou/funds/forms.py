"""Posting to the ledger and reversing an entry: forms whose saving is the funds service's job."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import AmountField, BaseForm
from duikou.geo.filtersets import division_choices
from duikou.parties.filtersets import supporter_choices
from duikou.programmes.models import Programme
from duikou.projects.forms import ProjectCodeField

from .choices import EntryKind
from .models import LedgerEntry, PeriodLock


class LedgerEntryForm(BaseForm):
    """One posting. With a project, the programme, supporter and division are the project's."""

    scoped_model = LedgerEntry  # its choices are narrowed to what the user may post (core.forms)

    project = ProjectCodeField(
        required=False, help_text=_("尚未分配到项目的资金可不填，但须填支援方和受援地")
    )
    kind = forms.ChoiceField(label=_("类型"), choices=EntryKind.choices)
    amount = AmountField(label=_("金额（万元）"))
    value_date = forms.DateField(label=_("发生日期"), initial=datetime.date.today)
    fiscal_year = forms.IntegerField(
        label=_("资金年度"), required=False, help_text=_("不填则取发生日期的年份")
    )
    programme = forms.ModelChoiceField(label=_("援助计划"), queryset=Programme.objects.all(), required=False)
    supporter = forms.ModelChoiceField(label=_("支援方"), queryset=supporter_choices(), required=False)
    division = forms.ModelChoiceField(label=_("受援地"), queryset=division_choices(), required=False)
    document_reference = forms.CharField(label=_("凭证/文号"), max_length=100, required=False)
    note = forms.CharField(label=_("摘要"), max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        # A project code that was typed but not found is its own error; asking for the parties
        # as if none was typed would send the user the wrong way.
        if not cleaned.get("project") and "project" not in self.errors:
            for name in ("programme", "supporter", "division"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("未填项目时须填写此项。"))
        return cleaned

    def entry_fields(self) -> dict:
        """Keyword arguments for `funds.services.post_entry` (blank optional fields left to the project)."""
        fields = {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
        if "project" in fields:
            for name in ("programme", "supporter", "division"):  # the project's own, never two truths
                fields.pop(name, None)
        fields.setdefault("document_reference", "")
        fields.setdefault("note", "")
        return fields


class ReverseEntryForm(BaseForm):
    value_date = forms.DateField(label=_("冲正日期"), initial=datetime.date.today)
    reason = forms.CharField(label=_("冲正原因"), max_length=400)


class ConfirmArrivalForm(BaseForm):
    """The recipient confirms an arrival in full."""

    reason = forms.CharField(label=_("说明"), max_length=400, required=False)


class DisputeArrivalForm(BaseForm):
    """The recipient disputes an arrival: why, and how much did arrive."""

    reason = forms.CharField(label=_("异议原因"), max_length=400)
    amount_received = AmountField(
        label=_("实际收到（万元）"), required=False, help_text=_("未收到则不填；部分到位时填实际收到的金额")
    )


class ClosePeriodForm(BaseForm):
    """Close a month (or a whole year, month left empty) to postings dated inside it."""

    scoped_model = PeriodLock

    programme = forms.ModelChoiceField(label=_("援助计划"), queryset=Programme.objects.all())
    supporter = forms.ModelChoiceField(
        label=_("支援方"), queryset=supporter_choices(), required=False, help_text=_("不填则对全部支援方结账")
    )
    year = forms.IntegerField(label=_("年度"), min_value=1990, max_value=2100)
    month = forms.TypedChoiceField(
        label=_("月份"),
        choices=[("", _("全年（年结）"))] + [(str(month), str(month)) for month in range(1, 13)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(label=_("结账说明"), max_length=400)
    allow_pending = forms.BooleanField(
        label=_("仍然结账"), required=False, help_text=_("期间内还有待受援方确认的到位资金时，仍然结账")
    )


class ReopenPeriodForm(BaseForm):
    reason = forms.CharField(label=_("反结账原因"), max_length=400)
