import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


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


@pytest.fixture
def curated(db):
    """The curated dataset (fixtures/curated.toml), loaded as `make run` loads it."""
    call_command("load_curated", verbosity=0)


@pytest.fixture
def reviewer(django_user_model):
    """A staff user in the Reviewers group created by the migration (not a superuser)."""
    user = django_user_model.objects.create_user(
        username="reviewer", password="correct horse battery staple", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user
