import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


@pytest.fixture
def editor(django_user_model):
    """A staff user in the Editors group created by the migration (not a superuser)."""
    user = django_user_model.objects.create_user(
        username="editor", password="correct horse battery staple", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


class _Rollback(Exception):
    pass


DATA_APPS = ("commitments", "sources")


def _rows() -> dict:
    """Every row of the data apps' tables (history and link tables too), as field values."""
    return {
        model: list(
            model._base_manager.order_by("pk").values(
                *[f.attname for f in model._meta.concrete_fields]
            )
        )
        for label in DATA_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


@pytest.fixture(scope="session")
def curated_rows(django_db_setup, django_db_blocker) -> dict:
    """The rows `load_curated` writes, read once per session (inside a transaction rolled back
    at once): what each test's `curated` puts back in one INSERT per table."""
    with django_db_blocker.unblock():
        before = _rows()
        try:
            with transaction.atomic():
                call_command("load_curated", verbosity=0)
                after = _rows()
                raise _Rollback
        except _Rollback:
            pass
    from commitments.models import DataVersion

    written = {model: rows for model, rows in after.items() if rows != before[model]}
    written.pop(DataVersion, None)  # bumped by `curated` itself
    edited = [model.__name__ for model in written if before[model]]
    assert not edited, f"load_curated changed rows the migrations wrote: {edited}"
    return written


@pytest.fixture
def curated(db, curated_rows):
    """The curated dataset (fixtures/curated.toml), as `make run` loads it: the rows that
    `load_curated` wrote once this session, inserted as they were (no signals; the cached
    rule and state columns are among them). tests/commitments/test_curated.py runs the loader
    itself."""
    from commitments.cache import bump_version

    for model, rows in curated_rows.items():
        model._base_manager.bulk_create([model(**row) for row in rows], batch_size=500)
    if connection.vendor == "postgresql":  # the next id after the rows put back
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(curated_rows)):
                cursor.execute(sql)
    bump_version()  # as the loader's saves would have


@pytest.fixture
def reviewer(django_user_model):
    """A staff user in the Reviewers group created by the migration (not a superuser)."""
    user = django_user_model.objects.create_user(
        username="reviewer", password="correct horse battery staple", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user
