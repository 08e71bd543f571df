from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("iati.xml", views.IatiActivitiesView.as_view(), name="iati"),
    # The custom vocabularies the export's vocabulary-uri attributes point to: public, like any codelist.
    path("iati/vocabularies/divisions.xml", views.DivisionVocabularyView.as_view(), name="iati_divisions"),
    path(
        "iati/vocabularies/<slug:programme>/categories.xml",
        views.CategoryVocabularyView.as_view(),
        name="iati_categories",
    ),
]
