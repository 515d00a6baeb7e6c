"""The two roles of the editors' desk.

Editors record developments as drafts. They keep the permissions "Editors" had except over
citations: every citation now comes through a draft, so nothing an editor writes becomes public
(the public rule needs a citation) until a reviewer publishes it. Reviewers have all of that
and may publish a draft, never their own (the draft table refuses it). Neither role can see or
change users, groups or permissions: only a superuser can.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS, REVIEWERS = "Editors", "Reviewers"
DESK = {
    EDITORS: ["add_draft", "view_draft"],
    REVIEWERS: ["add_draft", "view_draft", "publish_draft"],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="commitments",
            codename__in=["add_citation", "change_citation", "delete_citation"],
        )
    )
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.set(editors.permissions.exclude(content_type__app_label="desk"))
    for group in (editors, reviewers):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="desk", codename__in=DESK[group.name]
            )
        )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=REVIEWERS).delete()
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="desk"))
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="commitments",
                codename__in=["add_citation", "change_citation", "delete_citation"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_initial"),
        ("commitments", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
