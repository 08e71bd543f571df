"""Data entry for annual plans: a new plan, and the review steps (each through its service)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import BaseForm, BaseModelForm
from duikou.parties.models import Organization
from duikou.programmes.models import Programme

from .models import AnnualPlan


class AnnualPlanForm(BaseModelForm):
    """A new plan, in draft: its projects are the supporter's in-plan projects of the year."""

    class Meta:
        model = AnnualPlan
        fields = ["programme", "supporter", "year", "description", "comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}

    choice_querysets = {
        "supporter": lambda: Organization.objects.top_level_supporters().order_by("name"),
        "programme": lambda: Programme.objects.order_by("code"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year + 1  # plans are drafted in November


class SubmitPlanForm(BaseForm):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReturnPlanForm(BaseForm):
    comment = forms.CharField(
        label=_("退回意见"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("支援方据此修改后重新报送")
    )


class IssuePlanForm(BaseForm):
    issued_on = forms.DateField(
        label=_("下达日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    document_reference = forms.CharField(label=_("下达文号"), max_length=100, required=False)
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
