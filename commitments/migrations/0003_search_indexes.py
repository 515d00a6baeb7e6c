"""GIN indexes for full-text search, on PostgreSQL only (SQLite has no such index).

The expressions must stay identical to commitments.search.commitment_vector() and
announcement_vector() for PostgreSQL to use them; tests/test_search.py checks that it does.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "commitment": GinIndex(
        SearchVector("title", "pledge_text", "summary", config="english"),
        name="commitments_commitment_search",
    ),
    "announcement": GinIndex(
        SearchVector("summary", "note", config="english"), name="commitments_announcement_search"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.add_index(apps.get_model("commitments", model_name), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.remove_index(apps.get_model("commitments", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_editors_group")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
