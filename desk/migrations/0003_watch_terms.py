"""Editors and Reviewers keep the watch terms (what watch_parliament searches for)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Editors", "Reviewers")
CODENAMES = ["add_watchterm", "change_watchterm", "view_watchterm"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.filter(content_type__app_label="sources", codename__in=CODENAMES)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*wanted)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    granted = Permission.objects.filter(content_type__app_label="sources", codename__in=CODENAMES)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*granted)


class Migration(migrations.Migration):
    dependencies = [("desk", "0002_roles"), ("sources", "0005_parliament_watch")]

    operations = [migrations.RunPython(grant, revoke)]
