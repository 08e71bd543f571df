"""Aggregate routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("stats/by-supporter/", views.BySupporterView.as_view(), name="stats_by_supporter"),
    path("stats/by-category/", views.ByCategoryView.as_view(), name="stats_by_category"),
    path("stats/by-zone/", views.ByZoneView.as_view(), name="stats_by_zone"),
    path("stats/by-division/", views.ByDivisionView.as_view(), name="stats_by_division"),
    path("stats/by-year/", views.ByYearView.as_view(), name="stats_by_year"),
]
