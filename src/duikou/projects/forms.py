"""Data entry for projects: create and edit (model rules apply), and lifecycle moves (through the service)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import AmountField, BaseForm, BaseModelForm
from duikou.geo.filtersets import division_choices
from duikou.parties.filtersets import supporter_choices

from .choices import ALLOWED_TRANSITIONS, ProjectStatus
from .models import Project


class ProjectCodeField(forms.CharField):
    """A project named by its code (what officers have on paper); cleans to the Project.

    A select of forty thousand projects would not load on an intranet PC; the code is unique.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("项目编号"))
        # No max_length: its validator would run on the cleaned Project, not on the text.
        super().__init__(**kwargs)
        self.widget.attrs["maxlength"] = Project._meta.get_field("code").max_length

    def to_python(self, value):
        code = super().to_python(value).strip()
        if not code:
            return None
        project = (
            Project.objects.select_related("programme", "supporter", "division").filter(code=code).first()
        )
        if project is None:
            raise forms.ValidationError(_("没有编号为“{code}”的项目。").format(code=code), code="unknown")
        return project

    def prepare_value(self, value):
        return value.code if isinstance(value, Project) else value


MONEY_FIELDS = ("total_investment", "aid_amount", "local_matching", "other_funding")


class ProjectForm(BaseModelForm):
    """Every fact of a project an officer keys in; status and actual dates move only through the lifecycle."""

    total_investment = AmountField(label=_("总投资（万元）"))
    aid_amount = AmountField(label=_("援助资金（万元）"))
    local_matching = AmountField(label=_("地方配套（万元）"), required=False)
    other_funding = AmountField(label=_("其他资金（万元）"), required=False)

    class Meta:
        model = Project
        fields = [
            "programme",
            "code",
            "name",
            "plan_year",
            "supporter",
            "division",
            "implementation_level",
            "category",
            "delivery_mode",
            "construction_type",
            "is_in_plan",
            "is_fixed_asset",
            "is_employment_oriented",
            "planned_start",
            "planned_end",
            "total_investment",
            "aid_amount",
            "local_matching",
            "other_funding",
            "flagship",
            "document_reference",
            "latitude",
            "longitude",
            "description",
            "comments",
        ]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = supporter_choices()
        self.fields["division"].queryset = division_choices()
        if not self.instance.pk:
            self.fields["plan_year"].initial = datetime.date.today().year

    def clean_local_matching(self):
        return self.cleaned_data["local_matching"] or 0

    def clean_other_funding(self):
        return self.cleaned_data["other_funding"] or 0

    def _post_clean(self):
        own_messages = list(self._errors.get("total_investment", []))
        is_amount_missing = any(name in self._errors for name in MONEY_FIELDS)
        super()._post_clean()
        # An amount that could not be read (or is missing) stays at its default in the model, so
        # Project.clean() would report 总投资 ≠ a sum the user never typed; the field's own message
        # says what is wrong. The form is invalid either way, so nothing is hidden from a save.
        if is_amount_missing and "total_investment" in self._errors:
            if own_messages:
                self._errors["total_investment"] = self.error_class(own_messages)
            else:
                del self._errors["total_investment"]


class StatusChoiceField(forms.ChoiceField):
    """Offers the steps the gate allows from here, but accepts any status: a page opened before
    another officer moved the project posts a step no longer allowed, and the gate
    (`transition_project`) says why instead of "not one of the available choices"."""

    def valid_value(self, value):
        return value in ProjectStatus.values


class ProjectTransitionForm(BaseForm):
    """Move a project one step through its lifecycle; the choices are what the gate allows from here."""

    to_status = StatusChoiceField(label=_("变更为"))
    effective_on = forms.DateField(label=_("生效日期"), initial=datetime.date.today)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        allowed = ALLOWED_TRANSITIONS[project.status]
        self.fields["to_status"].choices = [(value, ProjectStatus(value).label) for value in allowed]
