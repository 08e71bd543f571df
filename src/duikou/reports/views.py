"""Statutory outputs on the web: the IATI activities file and the custom vocabularies it points to."""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from django.views import View

from duikou.core.exports import export_filename
from duikou.programmes.models import Programme

from .iati import EmptyScope, IatiExport, ScopeError, category_codelist, division_codelist, resolve_scope

XML_CONTENT_TYPE = "application/xml; charset=utf-8"


def _year(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.strip().isdigit():
        raise ScopeError(gettext_noop("{name} 须为四位年份：{value}。"), name=name, value=value)
    return int(value)


class IatiActivitiesView(LoginRequiredMixin, View):
    """`GET /reports/iati.xml?programme=xinjiang&supporter=浙江省&year=2024`: IATI 2.03 activities,
    streamed as they are written (`from_year` / `to_year` for a span; `supporter` by name or id)."""

    def get(self, request):
        params = request.GET
        try:
            scope = resolve_scope(
                programme=params.get("programme") or "xinjiang",
                supporter=params.get("supporter") or None,
                year=_year(params.get("year"), "year"),
                from_year=_year(params.get("from_year"), "from_year"),
                to_year=_year(params.get("to_year"), "to_year"),
            )
            scope = replace(scope, user=request.user)  # the user's own projects (core/scoping.py)
            export = IatiExport(scope, base_url=request.build_absolute_uri("/").rstrip("/"))
            chunks = export.chunks()
        except EmptyScope as error:
            return HttpResponseNotFound(str(error), content_type="text/plain; charset=utf-8")
        except ScopeError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        response = StreamingHttpResponse(chunks, content_type=XML_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(scope.file_stem, "xml")}"'
        return response


class DivisionVocabularyView(View):
    """The division codes the export uses (vocabulary 99), in the IATI codelist format."""

    def get(self, request):
        return HttpResponse(division_codelist(request.build_absolute_uri()), content_type=XML_CONTENT_TYPE)


class CategoryVocabularyView(View):
    """A programme's project categories (sector vocabulary 99), in the IATI codelist format."""

    def get(self, request, programme):
        found = get_object_or_404(Programme, code=programme)
        return HttpResponse(
            category_codelist(found, request.build_absolute_uri()), content_type=XML_CONTENT_TYPE
        )
