"""Recording an outcome measurement (model rules apply: period, one value per period, project's parties)."""

from django import forms

from duikou.core.forms import BaseModelForm
from duikou.geo.filtersets import division_choices
from duikou.parties.filtersets import supporter_choices
from duikou.projects.forms import ProjectCodeField

from .models import Measurement


class MeasurementForm(BaseModelForm):
    project = ProjectCodeField(required=False)

    class Meta:
        model = Measurement
        fields = [
            "indicator",
            "project",
            "supporter",
            "division",
            "period_start",
            "period_end",
            "value",
            "comments",
        ]
        widgets = {"comments": forms.Textarea(attrs={"rows": 2})}

    choice_querysets = {"supporter": supporter_choices, "division": division_choices}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With a project, its supporter and division are implied; the model checks they agree.
        self.fields["supporter"].required = False
        self.fields["division"].required = False
        if self.instance.project_id:
            # The code officers type, not the key the ModelForm would put there (a re-saved edit
            # would then look up a project with code "17").
            self.initial["project"] = self.instance.project.code

    def clean(self):
        cleaned = super().clean()
        project = cleaned.get("project")
        if project is not None:
            cleaned["supporter"] = cleaned.get("supporter") or project.supporter
            cleaned["division"] = cleaned.get("division") or project.division
        for name in ("supporter", "division"):
            # A project code typed but not found is its own error, not a missing supporter.
            if not cleaned.get(name) and name not in self.errors and "project" not in self.errors:
                self.add_error(name, forms.Field.default_error_messages["required"])
        return cleaned
