"""Full-text search document for stored texts, on PostgreSQL only.

A stored, generated `search_document` tsvector column (title and text) with a GIN index; it
is invisible to the Django model, and sources.search reads it on PostgreSQL only.
"""

from django.db import migrations

TABLE = "sources_sourcedocument"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN search_document tsvector GENERATED ALWAYS AS "
        "(to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(text, ''))) "
        "STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX sources_source_search ON {TABLE} USING gin (search_document)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [("sources", "0002_import_provenance")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
