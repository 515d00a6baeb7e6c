"""Editors and Reviewers name the bills that carry commitments (the stages come from
Parliament's Bills API); a bill linked to a public commitment is read-only to them, as every
public row is (commitments.admin). Deleting a bill is a superuser's act."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Editors", "Reviewers")
CODENAMES = ["add_bill", "change_bill", "view_bill"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.filter(
        content_type__app_label="commitments", codename__in=CODENAMES
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*wanted)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    granted = Permission.objects.filter(
        content_type__app_label="commitments", codename__in=CODENAMES
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*granted)


class Migration(migrations.Migration):
    dependencies = [("desk", "0004_inbox"), ("commitments", "0008_bills")]

    operations = [migrations.RunPython(grant, revoke)]
