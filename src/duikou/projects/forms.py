"""Data entry for projects: create and edit (model rules apply), and lifecycle moves (through the service)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import AmountField, BaseForm, BaseModelForm
from duikou.core.scoping import restrict
from duikou.geo.filtersets import division_choices
from duikou.parties.filtersets import supporter_choices

from .choices import ALLOWED_TRANSITIONS, ProjectStatus
from .duplicates import duplicate_finder, needs_duplicate_check
from .models import Project
from .plans.guard import IssuedPlanGuard, PlanImpact
from .plans.services import ADJUST_PERMISSION, plan_of, record_adjustment


class ProjectCodeField(forms.CharField):
    """A project named by its code (what officers have on paper); cleans to the Project.

    A select of forty thousand projects would not load on an intranet PC; the code is unique. The form
    narrows `queryset` to the projects the user may see (`core.forms.narrow_choices`): another supporter's
    code is answered like one that does not exist.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("项目编号"))
        # No max_length: its validator would run on the cleaned Project, not on the text.
        super().__init__(**kwargs)
        self.widget.attrs["maxlength"] = Project._meta.get_field("code").max_length
        self.queryset = Project.objects.select_related("programme", "supporter", "division")

    def to_python(self, value):
        code = super().to_python(value).strip()
        if not code:
            return None
        project = self.queryset.filter(code=code).first()
        if project is None:
            raise forms.ValidationError(_("没有编号为“{code}”的项目。").format(code=code), code="unknown")
        return project

    def prepare_value(self, value):
        return value.code if isinstance(value, Project) else value


MONEY_FIELDS = ("total_investment", "aid_amount", "local_matching", "other_funding")


def adjustment_fields() -> dict[str, forms.Field]:
    """The reason and approver a change to an issued plan's project needs (计划调整)."""
    return {
        "adjustment_reason": forms.CharField(
            label=_("调整原因"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_(
                "项目属于已下达的年度计划：修改名称、受援地、类别、层级、金额，或调入、调出计划，须登记调整。"
            ),
        ),
        "adjustment_approver": forms.CharField(label=_("审批人（单位）"), max_length=100, required=False),
        "adjustment_reference": forms.CharField(label=_("批准文号"), max_length=100, required=False),
    }


CONFIRM_DUPLICATES = "confirm_duplicates"


def confirm_duplicates_field() -> forms.BooleanField:
    """The tick that saves a project although likely duplicates were shown (issue 6, item 3)."""
    return forms.BooleanField(
        label=_("我已核对，仍要保存"),
        required=False,
        help_text=_("核对上列项目后，确认本项目不是其中任何一个的重复时勾选。"),
    )


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

    choice_querysets = {"supporter": supporter_choices, "division": division_choices}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["plan_year"].initial = datetime.date.today().year
        self.plan_impact = PlanImpact()
        self.likely_duplicates = []
        # A project of an issued plan shows the adjustment's fields from the start; any other form gets them
        # when a change turns out to add a project to an issued plan (`_check_plan`).
        if self.instance.pk and (plan := plan_of(self.instance)) is not None and plan.is_issued:
            self.fields.update(adjustment_fields())

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
        if self.is_out_of_scope:
            return  # the scope's refusal alone: the plan's and the duplicates' would name another's rows
        self._check_plan()
        if not self._errors:
            self._check_duplicates()

    def _check_plan(self):
        """A change to an issued plan's project is an adjustment: ask for its reason and approver (issue 5,
        item 4); a plan under review refuses the change. `save()` then goes through `record_adjustment`."""
        before = Project.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        self.plan_impact = IssuedPlanGuard().impact(self.instance, before)
        refusal = self.plan_impact.review_refusal()
        if refusal:
            self.add_error(None, refusal)
            return
        message = self.plan_impact.adjustment_message()
        if message is None:
            return
        for name, field in adjustment_fields().items():
            self.fields.setdefault(name, field)
            self.cleaned_data[name] = (self.data.get(self.add_prefix(name)) or "").strip()
        if self.user is not None and not self.user.has_perm(ADJUST_PERMISSION):
            self.add_error(None, _("{message}您没有登记计划调整的权限。").format(message=message))
            return
        if not self.cleaned_data["adjustment_reason"]:
            self.add_error("adjustment_reason", message)
        if not self.cleaned_data["adjustment_approver"]:
            self.add_error("adjustment_approver", _("请填写审批人（单位）。"))

    def _check_duplicates(self):
        """A new project, or an edit of its name, division or plan year, that looks like a saved one is not
        saved until the user has seen the likely duplicates and ticked `confirm_duplicates` (issue 6,
        item 3). Only projects the user may see are compared and named."""
        if self.instance.pk and not needs_duplicate_check(self.changed_data):
            return
        projects = restrict(Project.objects.all(), self.user, "view") if self.user is not None else None
        self.likely_duplicates = duplicate_finder(projects=projects).find(self.instance)
        if not self.likely_duplicates:
            return
        field = self.fields.setdefault(CONFIRM_DUPLICATES, confirm_duplicates_field())
        is_confirmed = field.widget.value_from_datadict(
            self.data, self.files, self.add_prefix(CONFIRM_DUPLICATES)
        )
        self.cleaned_data[CONFIRM_DUPLICATES] = is_confirmed
        if not is_confirmed:
            self.add_error(
                None,
                _(
                    "未保存：本项目可能与下列已有项目重复。请逐一核对；确认不是重复后，勾选“我已核对，仍要保存”再保存。"
                ),
            )

    def save(self, commit=True):
        if commit and self.plan_impact.adjustments:
            record_adjustment(
                self.instance,
                acting_user=self.user,
                reason=self.cleaned_data["adjustment_reason"],
                approved_by=self.cleaned_data["adjustment_approver"],
                approval_reference=self.cleaned_data.get("adjustment_reference", ""),
            )
            return self.instance
        return super().save(commit)


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
