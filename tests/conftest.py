import pytest
from django.contrib.auth.models import Group


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
