"""Background work stays in its district: a task runs in the schema it was sent from (also when
redelivered from elsewhere), a district task without a district fails closed, and every task the
project registers declares where it may run."""

import pytest
from celery import Celery
from django.db import connection

from backend.config.celery import app
from tenants.context import in_district, in_platform
from tenants.tasks import DistrictTask, NoDistrictError

pytestmark = pytest.mark.django_db


@app.task(base=DistrictTask, name="tests.schema_of_district_task")
def schema_of_district_task() -> str:
    return str(connection.schema_name)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def eager():
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


def test_task_runs_in_the_district_it_was_sent_from() -> None:
    with in_district("alpha"):
        assert schema_of_district_task.apply().get() == "district_alpha"
    with in_district("beta"):
        assert schema_of_district_task.apply().get() == "district_beta"


def test_redelivered_message_runs_in_its_stamped_district_not_the_workers() -> None:
    stamped = {"_schema_name": "district_alpha"}
    with in_district("beta"):
        assert schema_of_district_task.apply(headers=stamped).get() == "district_alpha"
    with in_platform():
        assert schema_of_district_task.apply(headers=stamped).get() == "district_alpha"


@pytest.mark.parametrize("schema", ["public", "district_template"])
def test_district_task_without_a_district_fails_closed(schema: str) -> None:
    with pytest.raises(NoDistrictError):
        schema_of_district_task.apply(headers={"_schema_name": schema}).get()


def test_every_project_task_declares_where_it_runs() -> None:
    """Celery's own tasks aside, each task is built on a tenants.tasks base."""
    app.loader.import_default_modules()
    project_tasks = {
        name: task for name, task in app.tasks.items() if not name.startswith("celery.")
    }
    assert project_tasks, "no tasks registered"
    undeclared = sorted(
        name
        for name, task in project_tasks.items()
        if getattr(task, "schema_scope", None) not in {"district", "platform", "any"}
    )
    assert undeclared == []


def test_the_app_is_tenant_aware() -> None:
    from tenant_schemas_celery.app import CeleryApp

    assert isinstance(app, CeleryApp)
    assert isinstance(app, Celery)
