"""Review queue pages: the queue, one pair side by side with its decision, a project's likely duplicates."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from duikou.core.scoping import restrict
from duikou.core.views import ObjectActionView, ObjectDetailView, ObjectListView
from duikou.projects.models import Project

from .duplicates import likely_duplicates
from .duplicates.reasons import reason_text
from .duplicates.review import DECIDE_PERMISSION, decide_pair
from .duplicates.scoring import Reason
from .filtersets import DuplicatePairFilterSet
from .forms import DuplicateDecisionForm
from .models import DuplicatePair
from .tables import DuplicatePairTable

PROJECT_RELATED = ("supporter", "division__parent", "category")
SIDE_BY_SIDE_FIELDS = (
    "code",
    "name",
    "supporter",
    "division",
    "plan_year",
    "category",
    "is_in_plan",
    "is_fixed_asset",
    "status",
    "aid_amount",
    "total_investment",
    "document_reference",
    "description",
)


def reason_rows(reasons: list[dict]) -> list[dict]:
    """Reasons for a template: the sentence, and whether it argues against a duplicate."""
    return [
        {"text": reason_text(reason), "is_conflict": reason["code"] in Reason.CONFLICTS} for reason in reasons
    ]


class DuplicatePairListView(ObjectListView):
    queryset = DuplicatePair.objects.all()
    filterset_class = DuplicatePairFilterSet
    table_class = DuplicatePairTable
    title = _("疑似重复项目")
    export_stem = "duplicate-pairs"


class DuplicatePairView(ObjectDetailView):
    """The two projects side by side, the reasons, and the decision form."""

    queryset = DuplicatePair.objects.select_related(
        *(f"project_a__{name}" for name in PROJECT_RELATED),
        *(f"project_b__{name}" for name in PROJECT_RELATED),
        "division",
        "decided_by",
    )
    template_name = "checks/duplicate_pair.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pair = self.object
        rows = []
        for name in SIDE_BY_SIDE_FIELDS:
            field = Project._meta.get_field(name)
            values = [_display(pair.project_a, name), _display(pair.project_b, name)]
            rows.append(
                {
                    "label": field.verbose_name,
                    "a": values[0],
                    "b": values[1],
                    "differs": values[0] != values[1],
                }
            )
        may_decide = self.request.user.has_perm(DECIDE_PERMISSION)
        context.update(
            rows=rows,
            reasons=reason_rows(pair.reasons),
            may_decide=may_decide,
            form=DuplicateDecisionForm(
                user=self.request.user, initial={"decision": pair.decision, "comment": pair.comment}
            )
            if may_decide
            else None,
        )
        return context


def _display(project: Project, name: str) -> str:
    display = getattr(project, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    value = getattr(project, name)
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    return "" if value is None else str(value)


class DuplicateDecideView(ObjectActionView):
    """Record the decision through `decide_pair`; the pair then leaves the queue of pending pairs."""

    queryset = DuplicatePair.objects.all()
    context_object_name = "pair"
    permission_required = DECIDE_PERMISSION
    form_class = DuplicateDecisionForm
    template_name = "checks/duplicate_decide.html"

    def perform(self, form):
        pair = decide_pair(
            self.object,
            form.cleaned_data["decision"],
            acting_user=self.request.user,
            comment=form.cleaned_data["comment"],
        )
        return _("已记录审核结论：{decision}。").format(decision=pair.get_decision_display()), pair


class ProjectDuplicatesView(LoginRequiredMixin, TemplateView):
    """A project's likely duplicates, as a panel its page loads (htmx) or a page of its own.

    Only projects the user may see are compared and shown; pairs already decided are left out.
    """

    template_name = "checks/_project_duplicates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        projects = restrict(Project.objects.all(), user, "view")
        project = get_object_or_404(projects.select_related("division"), pk=self.kwargs["pk"])
        candidates = likely_duplicates(project, projects=projects, limit=10)
        pairs = {
            frozenset((pair.project_a_id, pair.project_b_id)): pair
            for pair in restrict(DuplicatePair.objects.of_project(project), user, "view")
        }
        context.update(
            project=project,
            candidates=[
                {
                    "candidate": candidate,
                    "reasons": reason_rows(candidate.reasons),
                    "pair": pairs.get(frozenset((candidate.first.pk, project.pk))),
                }
                for candidate in candidates
            ],
        )
        return context
