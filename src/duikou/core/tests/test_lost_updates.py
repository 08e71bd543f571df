"""An edit form opened before someone else saved the object is refused, not saved over the other change
(issue 5, item 8; the threaded versions on PostgreSQL: funds/tests/test_concurrency.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from duikou.accounts.choices import Role
from duikou.core.context import change_context
from duikou.projects.models import Project
from duikou.testing import form_errors, make_project, make_user

pytestmark = pytest.mark.django_db


def opened_form(client, url) -> dict:
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {key: ("" if value is None else value) for key, value in data.items()}


def test_a_form_opened_before_another_save_is_refused_and_changes_nothing():
    # given: an officer opens the edit page; another saves the project meanwhile
    project = make_project(name="原名", document_reference="文号1")
    browser = Client()
    browser.force_login(make_user("officer", role=Role.PLATFORM_ADMIN))
    url = f"/projects/{project.pk}/edit/"
    data = opened_form(browser, url)
    other = make_user("colleague", role=Role.PLATFORM_ADMIN)
    with change_context(user=other, source="web"):
        project.document_reference = "文号2"
        project.save()

    # when
    response = browser.post(url, {**data, "name": "新名"})

    # then
    assert response.status_code == 200
    (message,) = form_errors(response)["__all__"]
    assert message.startswith("未保存：colleague 在您打开此页后修改了这条记录（")
    project.refresh_from_db()
    assert (project.name, project.document_reference) == ("原名", "文号2")

    # and a form opened again saves on the latest figures
    response = browser.post(url, {**opened_form(browser, url), "name": "新名"})
    assert response.status_code == 302
    assert Project.objects.values_list("name", "document_reference").get(pk=project.pk) == ("新名", "文号2")
