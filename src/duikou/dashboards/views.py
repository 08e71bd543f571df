"""The overview: the conference's questions answered in one page, each figure linked to its rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Max
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.views.generic import TemplateView

from duikou.geo.models import Division
from duikou.pairings.models import Pairing
from duikou.parties.models import Organization
from duikou.programmes.models import Programme
from duikou.projects.choices import CLOSED_STATUSES, GRASSROOTS_LEVELS, ProjectStatus
from duikou.projects.models import Project
from duikou.talent.models import Assignment

from . import charts
from .access import restrict_scope
from .queries import Scope, headline_figures, scoped_projects

SUBJECT_LIST_SIZE = 10


def selected_scope(request, *, supporter=None, division=None) -> tuple[Scope, list[int]]:
    """The programme and year chosen in the page's selector (latest plan year by default), narrowed to a
    supporter or a division when the page is about one, and to what the user may see."""
    programme = Programme.objects.filter(code=request.GET.get("programme") or "xinjiang").first()
    if programme is None:
        programme = Programme.objects.order_by("pk").first()
    latest = Project.objects.filter(programme=programme).aggregate(latest=Max("plan_year"))["latest"]
    years = list(range(latest, 2009, -1)) if latest else []
    year_text = request.GET.get("year", "")
    if year_text == "all":
        year = None
    elif year_text.isdigit() and int(year_text) in years:
        year = int(year_text)
    else:
        year = latest
    scope = Scope(
        programme=programme,
        first_year=year,
        last_year=year,
        supporter=supporter,
        division=division,
        as_of=datetime.date.today(),
    )
    return restrict_scope(scope, request.user), years  # the user's own figures (dashboards/access.py)


def subject_lists(scope: Scope) -> dict:
    """For a supporter, division or pairing page: its largest projects and the people in post."""
    projects = (
        scoped_projects(scope)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("division", "category", "supporter")
        .order_by("-aid_amount", "code")[:SUBJECT_LIST_SIZE]
    )
    people = Assignment.objects.filter(programme=scope.programme).in_post_on(scope.people_date)
    if scope.supporter is not None:
        people = people.filter(supporter_id__in=scope.supporter_ids)
    if scope.division is not None:
        people = people.filter(host_division_id__in=scope.division_ids)
    people = people.select_related("host_division", "batch").order_by("-start_date", "person_name")
    return {"top_projects": projects, "people_in_post": people[:SUBJECT_LIST_SIZE]}


class OverviewView(LoginRequiredMixin, TemplateView):
    """The whole programme; subclasses narrow it to one supporter or one division."""

    template_name = "dashboards/overview.html"

    def scope_subject(self) -> dict:
        """What the page is about: {"supporter": …}, {"division": …} or both (a pairing); the whole
        programme here."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subject = self.scope_subject()
        context["subject"] = subject
        scope, years = selected_scope(
            self.request, supporter=subject.get("supporter"), division=subject.get("division")
        )
        if scope.programme is None:
            context["empty"] = True
            return context
        figures = headline_figures(scope)
        if subject:
            context.update(subject_lists(scope))
        by_status = figures["projects"]["by_status"]
        context.update(
            status_rows=[
                {
                    "status": status.value,
                    "label": status.label,
                    "count": by_status[status.value],
                    "url": charts.project_list_url(scope, status=status.value),
                }
                for status in ProjectStatus
            ],
            scope=scope,
            years=years,
            programmes=Programme.objects.order_by("code"),
            figures=figures,
            links={
                "projects": charts.project_list_url(scope),
                "active": charts.project_list_url(scope, is_active=True),
                "livelihood": charts.project_list_url(scope, is_livelihood=True, is_active=True),
                "grassroots": charts.project_list_url(
                    scope, implementation_level=list(GRASSROOTS_LEVELS), is_active=True
                ),
                "south": charts.project_list_url(scope, zone="south", is_active=True),
                "ledger": charts.registry_url(
                    "funds:entry_list", scope, years=("fiscal_year_min", "fiscal_year_max")
                ),
                "people": charts.registry_url("talent:assignment_list", scope, in_post_on=scope.people_date),
                "outcomes": charts.registry_url(
                    "outcomes:measurement_list", scope, years=("year_min", "year_max")
                ),
            },
            chart_data=for_charts(
                {
                    "fundsByYear": charts.funds_by_year_and_category(scope),
                    "supporters": charts.by_supporter(scope),
                    "categories": charts.by_category(scope),
                    "zones": charts.by_zone(scope),
                    "divisions": charts.by_division(scope),
                }
            ),
            chart_labels={
                "aid": gettext("援助资金（万元）"),
                "planned": gettext("计划（万元）"),
                "arrived": gettext("到位（万元）"),
                "arrivalRate": gettext("到位率"),
                "projects": gettext("项目数"),
                "jobs": gettext("带动就业（人）"),
                "wan": gettext("万元"),
                "xpcc": gettext("兵团师市"),
            },
        )
        return context


def for_charts(value):
    """Decimals as numbers (ECharts needs numbers; exact amounts stay in the cards and lists)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: for_charts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [for_charts(item) for item in value]
    return value


class SupporterView(OverviewView):
    """One 援疆省市 (its cities included): the same figures, its pairings and its people."""

    def scope_subject(self):
        supporter = get_object_or_404(Organization.objects.supporters(), pk=self.kwargs["pk"])
        return {"supporter": supporter}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supporter = context["subject"]["supporter"]
        context["pairings"] = (
            Pairing.objects.filter(supporter__in=supporter.supporter_family())
            .select_related("division", "supporter")
            .order_by("division__code")
        )
        return context


class DivisionView(OverviewView):
    """One prefecture, county or XPCC division (and what lies under it)."""

    def scope_subject(self):
        return {"division": get_object_or_404(Division, code=self.kwargs["code"])}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        division = context["subject"]["division"]
        context["pairings"] = (
            Pairing.objects.filter(division__in=[division, *division.ancestors()])
            .select_related("division", "supporter")
            .order_by("supporter__name")
        )
        context["children"] = division.children.order_by("code")
        return context


class PairingView(OverviewView):
    """One pairing (浙江省 → 阿克苏地区): the supporter's figures inside the paired division."""

    def scope_subject(self):
        pairing = get_object_or_404(
            Pairing.objects.select_related("supporter", "division", "programme"), pk=self.kwargs["pk"]
        )
        return {"pairing": pairing, "supporter": pairing.supporter, "division": pairing.division}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pairing = context["subject"]["pairing"]
        # The other pairings of the same division: who else works there (重复建设 starts here).
        context["pairings"] = (
            Pairing.objects.filter(division__in=[pairing.division, *pairing.division.ancestors()])
            .select_related("division", "supporter")
            .order_by("supporter__name")
        )
        return context


class SupporterIndexView(LoginRequiredMixin, TemplateView):
    """The 援疆省市 with their figures for the selected year, each linking to its page."""

    template_name = "dashboards/supporters.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope, years = selected_scope(self.request)
        supporters = charts.by_supporter(scope) if scope.programme else []
        context.update(scope=scope, years=years, supporters=supporters)
        return context
