"""The reviewer's decision on a pair."""

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import BaseForm

from .choices import DuplicateDecision


class DuplicateDecisionForm(BaseForm):
    """重复 / 分期 / 相关 / 不同, and why; `duplicates.review.decide_pair` records it."""

    decision = forms.ChoiceField(
        label=_("审核结论"), choices=DuplicateDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("认定为重复项目时必填：如何处理（合并、取消其一、核减资金……）。"),
    )


class RescanForm(BaseForm):
    """Refresh the queue from a new scan (no fields: the button is the form)."""
