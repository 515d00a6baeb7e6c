"""Create the "Editors" group with exactly the permissions editors need.

Editors may add, change and view every record; they may delete only the parts of a timeline
(announcements, funding lines, citations, links), never a commitment or a source, so nothing
that is cited can disappear by accident.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PERMISSIONS = {
    ("sources", "sourcedocument"): ["add", "change", "view"],
    ("commitments", "commitment"): ["add", "change", "view"],
    ("commitments", "announcement"): ["add", "change", "delete", "view"],
    ("commitments", "fundingline"): ["add", "change", "delete", "view"],
    ("commitments", "citation"): ["add", "change", "delete", "view"],
    ("commitments", "commitmentlink"): ["add", "change", "delete", "view"],
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    wanted = []
    for (app_label, model), actions in PERMISSIONS.items():
        for action in actions:
            wanted.append(
                Permission.objects.get(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename=f"{action}_{model}",
                )
            )
    group.permissions.set(wanted)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0001_initial"),
        ("commitments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
