"""Forms of the findings pages: a status change with its reason, a comment, a run of the checks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import BaseForm

from .rules.choices import FindingStatus
from .services import ALLOWED_MOVES


class FindingStatusForm(BaseForm):
    status = forms.ChoiceField(label=_("新状态"), choices=FindingStatus.choices)
    comment = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, finding=None, **kwargs):
        super().__init__(*args, **kwargs)
        if finding is not None:
            allowed = ALLOWED_MOVES.get(finding.status, ())
            self.fields["status"].choices = [
                (value, label) for value, label in FindingStatus.choices if value in allowed
            ]


class FindingCommentForm(BaseForm):
    text = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RunChecksForm(BaseForm):
    year = forms.IntegerField(
        label=_("年度"), required=False, min_value=1990, max_value=2100, help_text=_("空：全部年度")
    )
