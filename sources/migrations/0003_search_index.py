"""GIN index for full-text search of stored texts, on PostgreSQL only.

The expression must stay identical to sources.search.source_vector().
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("title", "text", config="english"), name="sources_source_search")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("sources", "SourceDocument"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("sources", "SourceDocument"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("sources", "0002_import_provenance")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
