"""The change log: every write of a logged model leaves an ObjectChange; none happens outside a context."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from duikou.core.changelog import serialize_object
from duikou.core.context import ChangeContextMissing, change_context, current_change_context
from duikou.core.models import ImportBatch, LoggedModel, ObjectChange
from duikou.programmes.models import Batch, Category, Programme
from duikou.projects.models import Project
from duikou.testing import make_category, make_programme, make_project, make_user

pytestmark = pytest.mark.django_db

NOT_LOGGED = {
    "core.ObjectChange",
    "core.ImportBatch",
    "core.BackgroundJob",  # work done by the worker; what an import writes is logged under its batch
    "core.ApiToken",  # credentials: created, expires, last used and revoked are on the row, never deleted
    "demo.PlantedAnomaly",
    "checks.CheckRun",  # a run of the checks, like an import batch; the findings it changes are logged
    # Derived sums kept by database triggers, not records (docs/decisions/0003-dashboard-rollups.md).
    "dashboards.FundRollup",
    "dashboards.ProjectRollup",
    "dashboards.StatusRollup",
    "dashboards.CompletionRollup",
    "dashboards.OutcomeRollup",
    "dashboards.PeopleRollup",
    "dashboards.ConfirmedRollup",
}


def changes_of(instance_or_model, pk=None):
    model = instance_or_model if isinstance(instance_or_model, type) else type(instance_or_model)
    pk = instance_or_model.pk if pk is None else pk
    return ObjectChange.objects.filter(
        changed_object_type=ContentType.objects.get_for_model(model), changed_object_id=pk
    ).order_by("pk")


def test_every_domain_model_is_change_logged():
    # given every concrete model of the duikou apps
    models = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("duikou.")
        for model in config.get_models()
        if model._meta.label not in NOT_LOGGED
    ]

    # then each is a LoggedModel (a new unlogged domain model fails here)
    assert len(models) >= 14
    unlogged = sorted(model._meta.label for model in models if not issubclass(model, LoggedModel))
    assert unlogged == []


def test_the_exempt_models_exist_and_are_not_logged():
    for label in NOT_LOGGED:
        assert not issubclass(apps.get_model(label), LoggedModel)


def test_create_writes_a_create_row_with_the_context():
    # given a context of one user in one import batch
    user = make_user("importer")
    batch = ImportBatch.objects.create(kind=ImportBatch.Kind.IMPORT, label="projects.xlsx")
    with change_context(
        user=user, source="import", import_batch=batch, note="import projects.xlsx"
    ) as context:
        # when
        programme = Programme.objects.create(code="xizang", name="援藏", short_name="援藏")

    # then
    [change] = changes_of(programme)
    assert change.action == ObjectChange.Action.CREATE
    assert change.prechange_data is None
    assert change.postchange_data == serialize_object(programme)
    assert change.postchange_data["name"] == "援藏"
    assert change.postchange_data["code"] == "xizang"
    assert change.user == user
    assert change.user_name == "importer"
    assert change.source == "import"
    assert change.request_id == context.request_id
    assert isinstance(change.request_id, uuid.UUID)
    assert change.import_batch == batch
    assert change.note == "import projects.xlsx"
    assert change.object_repr == "援藏"
    assert change.changed_fields == sorted(
        name for name, value in serialize_object(programme).items() if value is not None
    )


def test_update_writes_before_and_after():
    # given
    programme = make_programme()
    with change_context(source="web") as context:
        # when
        programme.short_name = "对口援疆"
        programme.started = datetime.date(2010, 5, 17)
        programme.save()

    # then
    update = changes_of(programme).get(action=ObjectChange.Action.UPDATE)
    assert update.prechange_data["short_name"] == "援疆"
    assert update.prechange_data["started"] is None
    assert update.postchange_data["short_name"] == "对口援疆"
    assert update.postchange_data["started"] == "2010-05-17"
    assert update.changed_fields == ["short_name", "started"]
    assert update.source == "web"
    assert update.request_id == context.request_id
    assert update.user is None
    assert update.user_name == ""
    assert update.import_batch is None


def test_decimal_fields_are_snapshotted_as_strings():
    project = make_project()

    [create] = changes_of(project)
    assert create.postchange_data["total_investment"] == "1000000.00"
    assert create.postchange_data["aid_amount"] == "800000.00"


def test_snapshots_are_stored_as_the_json_text_written():
    """PostgreSQL keeps them as `json`, Chinese as itself (not \\u escapes); both databases give them
    back as dicts, whether a save or a bulk write (the import's COPY) wrote them."""
    project = make_project(name="莎车县“组团式”医院门诊楼")
    project.name = "莎车县人民医院门诊楼"
    project.save()

    create, update = changes_of(project).order_by("pk")
    assert create.postchange_data["name"] == "莎车县“组团式”医院门诊楼"
    assert update.prechange_data["name"] == "莎车县“组团式”医院门诊楼"
    assert update.postchange_data["name"] == "莎车县人民医院门诊楼"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_typeof(postchange_data)::text, postchange_data::text FROM core_objectchange "
                "WHERE id = %s",
                [update.pk],
            )
            kind, text = cursor.fetchone()
        assert kind == "json"
        assert "莎车县人民医院门诊楼" in text


def test_delete_writes_a_delete_row_with_the_last_state():
    # given
    category = Category.objects.create(
        programme=make_programme(), code="education", name="教育", short_name="教育"
    )
    pk = category.pk
    snapshot = serialize_object(category)

    # when
    category.delete()

    # then
    delete = changes_of(Category, pk).get(action=ObjectChange.Action.DELETE)
    assert delete.prechange_data == snapshot
    assert delete.postchange_data is None
    assert delete.changed_object_id == pk
    assert delete.object_repr == "教育"
    assert delete.source == "test"


def test_a_save_that_changes_nothing_writes_no_update_row():
    # given a programme read back from the database
    programme = Programme.objects.get(pk=make_programme().pk)
    count = ObjectChange.objects.count()

    # when
    programme.save()

    # then
    assert ObjectChange.objects.count() == count


def test_a_save_that_changes_nothing_writes_no_update_row_even_with_unquantized_decimals():
    # given a project created with amounts written without places
    project = make_project(
        total_investment=Decimal("1000000"), aid_amount=Decimal("800000"), local_matching=Decimal("200000")
    )
    count = ObjectChange.objects.count()

    # when
    project.save()

    # then
    assert ObjectChange.objects.count() == count


def test_save_with_update_fields_logs_only_what_was_written():
    # given a project whose name is edited in memory but not saved
    project = make_project()
    project.name = "改名未保存"
    project.status = "planned"

    # when
    project.save(update_fields=["status"])

    # then the log matches the database
    update = changes_of(project).get(action=ObjectChange.Action.UPDATE)
    assert Project.objects.get(pk=project.pk).name == "莎车县人民医院门诊楼"
    assert update.changed_fields == ["status"]


def test_queryset_update_logs_each_changed_row():
    # given two categories and one that the update leaves alone
    programme = make_programme()
    first = Category.objects.create(programme=programme, code="a", name="甲", short_name="甲")
    second = Category.objects.create(programme=programme, code="b", name="乙", short_name="乙")
    untouched = Category.objects.create(programme=programme, code="c", name="丙", short_name="丙", order=9)

    # when
    count = Category.objects.filter(pk__in=[first.pk, second.pk, untouched.pk]).update(order=9)

    # then three rows matched, two changed and are logged
    assert count == 3
    for category in (first, second):
        update = changes_of(category).get(action=ObjectChange.Action.UPDATE)
        assert update.prechange_data["order"] == 0
        assert update.postchange_data["order"] == 9
        assert update.changed_fields == ["order"]
    assert not changes_of(untouched).filter(action=ObjectChange.Action.UPDATE).exists()


def test_queryset_bulk_create_logs_each_row():
    # given
    programme = make_programme()
    batch = ImportBatch.objects.create(kind=ImportBatch.Kind.GENERATED, label="make demo")

    # when
    with change_context(source="import", import_batch=batch):
        created = Category.objects.bulk_create(
            [Category(programme=programme, code=code, name=code, short_name=code) for code in ("x", "y")]
        )

    # then
    assert [category.pk is not None for category in created] == [True, True]
    for category in created:
        [change] = changes_of(category)
        assert change.action == ObjectChange.Action.CREATE
        assert change.prechange_data is None
        assert change.postchange_data["code"] == category.code
        assert change.import_batch == batch


def test_queryset_bulk_create_with_ignore_conflicts_is_refused():
    """The database does not say which rows it inserted, so they could not be logged: refuse."""
    programme = make_programme()
    count = ObjectChange.objects.count()

    with pytest.raises(ValueError, match="cannot be change-logged"):
        Category.objects.bulk_create(
            [Category(programme=programme, code="x", name="X", short_name="X")], ignore_conflicts=True
        )

    assert not Category.objects.filter(code="x").exists()
    assert ObjectChange.objects.count() == count


def test_queryset_bulk_update_logs_each_changed_row():
    # given
    programme = make_programme()
    first = Category.objects.create(programme=programme, code="a", name="甲", short_name="甲")
    second = Category.objects.create(programme=programme, code="b", name="乙", short_name="乙")

    # when only the first changes
    first.name = "甲类"
    count = Category.objects.bulk_update([first, second], ["name"])

    # then
    assert count == 2
    update = changes_of(first).filter(action=ObjectChange.Action.UPDATE).first()
    assert update.prechange_data["name"] == "甲"
    assert update.postchange_data["name"] == "甲类"
    assert update.changed_fields == ["name"]
    assert not changes_of(second).filter(action=ObjectChange.Action.UPDATE).exists()


def test_queryset_bulk_update_logs_each_changed_row_once():
    programme = make_programme()
    category = Category.objects.create(programme=programme, code="a", name="甲", short_name="甲")

    category.name = "甲类"
    Category.objects.bulk_update([category], ["name"])

    assert changes_of(category).filter(action=ObjectChange.Action.UPDATE).count() == 1


def test_queryset_delete_logs_each_row():
    programme = make_programme()
    categories = [
        Category.objects.create(programme=programme, code=code, name=code, short_name=code)
        for code in ("a", "b")
    ]

    Category.objects.filter(code__in=["a", "b"]).delete()

    for category in categories:
        delete = changes_of(Category, category.pk).get(action=ObjectChange.Action.DELETE)
        assert delete.prechange_data["code"] == category.code


@pytest.mark.no_change_context
def test_saving_outside_a_change_context_is_refused_and_writes_nothing():
    # given no change context
    assert current_change_context() is None

    # when / then
    with pytest.raises(ChangeContextMissing):
        Programme.objects.create(code="xizang", name="援藏", short_name="援藏")
    assert Programme.objects.count() == 0
    assert ObjectChange.objects.count() == 0


@pytest.mark.no_change_context
def test_every_kind_of_write_outside_a_change_context_is_refused():
    # given a category written inside a context
    with change_context(source="test"):
        category = make_category()
    count = ObjectChange.objects.count()

    # when / then each write path refuses (each in its own savepoint: Django's delete runs its
    # signals inside an atomic block, which the refusal marks for rollback)
    category.name = "民生改善"
    writes = [
        category.save,
        lambda: Category.objects.filter(pk=category.pk).update(name="民生改善"),
        lambda: Category.objects.bulk_update([category], ["name"]),
        lambda: Category.objects.bulk_create(
            [Category(programme=category.programme, code="x", name="X", short_name="X")]
        ),
        category.delete,
    ]
    for write in writes:
        with pytest.raises(ChangeContextMissing), transaction.atomic():
            write()

    # then nothing changed
    assert Category.objects.get(pk=category.pk).name == "民生"
    assert Category.objects.count() == 1
    assert ObjectChange.objects.count() == count


@pytest.mark.no_change_context
def test_unlogged_models_can_be_written_outside_a_change_context():
    batch = ImportBatch.objects.create(kind=ImportBatch.Kind.REFERENCE, label="load-reference")

    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    assert ObjectChange.objects.count() == 0


def test_nested_context_is_restored_on_exit(_test_change_context):
    with change_context(source="import") as inner:
        assert current_change_context() is inner

    assert current_change_context() is _test_change_context
    assert _test_change_context.source == "test"


def test_changed_fields_of_a_create_and_a_delete():
    change = ObjectChange(prechange_data={"a": 1, "b": 2}, postchange_data={"a": 1, "b": 3, "c": 4})

    assert change.changed_fields == ["b", "c"]


def test_batch_period_is_logged_with_dates_as_iso_strings():
    batch = Batch.objects.create(
        programme=make_programme(),
        number=11,
        name="第十一批",
        starts=datetime.date(2023, 2, 1),
        ends=datetime.date(2026, 1, 31),
    )

    [change] = changes_of(batch)
    assert change.postchange_data["starts"] == "2023-02-01"
    assert change.postchange_data["ends"] == "2026-01-31"
