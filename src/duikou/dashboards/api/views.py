"""The aggregate endpoints: the headline figures of `duikou stats`, and the dashboards' breakdowns.

`GET /api/stats/` answers exactly what `duikou stats --json` prints for the same options (one
function, `dashboards.queries.headline_figures`, one encoder, the command's `to_json`); the
breakdowns are `dashboards.charts`' rows, each with the link to the project registry behind it.
"""

from __future__ import annotations

import json

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from duikou.core.api.views import APIView

from .. import charts
from ..access import restrict_scope
from ..management.commands.stats import to_json
from ..queries import headline_figures
from .serializers import (
    ByYearSerializer,
    CategoryRowSerializer,
    DivisionRowSerializer,
    HeadlineFiguresSerializer,
    ScopeQuerySerializer,
    SupporterRowSerializer,
    ZoneRowSerializer,
)


def as_stats_json(value):
    """Encoded as `duikou stats --json` encodes it: Decimal → number, date → ISO string."""
    return json.loads(json.dumps(value, default=to_json))


class FiguresView(APIView):
    """A figure for a scope; subclasses name the function that computes it."""

    permission_classes = [IsAuthenticated]  # like the dashboards: every signed-in user, within their scope
    compute = None

    def get(self, request):
        query = ScopeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = restrict_scope(query.scope(), request.user)  # the user's own figures (dashboards/access.py)
        return Response(as_stats_json(self.compute(scope)))


@extend_schema(parameters=[ScopeQuerySerializer], responses=HeadlineFiguresSerializer)
class StatsView(FiguresView):
    """The headline figures · 核心统计数据: funds, rates, 民生/基层/南疆 shares, projects, people, outcomes.
    Exactly `duikou stats --json` for the same options (docs/stats.md)."""

    compute = staticmethod(headline_figures)


@extend_schema(parameters=[ScopeQuerySerializer], responses=SupporterRowSerializer(many=True))
class BySupporterView(FiguresView):
    """Per 援疆省市 (its cities included): 援助资金, planned, arrived, 到位率 — weakest arrival first."""

    compute = staticmethod(charts.by_supporter)


@extend_schema(parameters=[ScopeQuerySerializer], responses=CategoryRowSerializer(many=True))
class ByCategoryView(FiguresView):
    """Σ 援助资金 and projects per category (取消 / 调整 left out)."""

    compute = staticmethod(charts.by_category)


@extend_schema(parameters=[ScopeQuerySerializer], responses=ZoneRowSerializer(many=True))
class ByZoneView(FiguresView):
    """Σ 援助资金 per zone (南疆, 北疆, 东疆)."""

    compute = staticmethod(charts.by_zone)


@extend_schema(parameters=[ScopeQuerySerializer], responses=DivisionRowSerializer(many=True))
class ByDivisionView(FiguresView):
    """Per county-level division and XPCC division: 援助资金, projects, jobs created (the map's values)."""

    compute = staticmethod(charts.by_division)


@extend_schema(parameters=[ScopeQuerySerializer], responses=ByYearSerializer)
class ByYearView(FiguresView):
    """Σ 援助资金 per plan year, by category, over every year (the year options are ignored)."""

    compute = staticmethod(charts.funds_by_year_and_category)
