"""Every route of the API under /api/, written out (STYLE.md 4); each app lists its own in its api/urls.py.

Names are `api:<name>` (`api:project_list`, `api:project`, `api:ledger_entry_reverse` …). Anything else
under /api/ is a 404 in the API's error format, not the web's HTML page.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from duikou.core.api.views import NotFoundView

app_name = "api"

urlpatterns = [
    path("", include("duikou.projects.api.urls")),
    path("", include("duikou.projects.plans.api.urls")),
    path("", include("duikou.funds.api.urls")),
    path("", include("duikou.talent.api.urls")),
    path("", include("duikou.outcomes.api.urls")),
    path("", include("duikou.geo.api.urls")),
    path("", include("duikou.parties.api.urls")),
    path("", include("duikou.pairings.api.urls")),
    path("", include("duikou.programmes.api.urls")),
    path("", include("duikou.dashboards.api.urls")),
    path("", include("duikou.checks.api.urls")),
    # The OpenAPI 3 schema (YAML; ?format=json for JSON) and Swagger UI served from static files (sidecar);
    # its start-up script is a request of its own (?script), not inline, so the CSP holds (docs/security.md).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="core/swagger_ui.html"),
        name="docs",
    ),
    re_path(r"^[\s\S]*$", NotFoundView.as_view(), name="not_found"),  # any path, even one with a newline
]
