"""Full-text search documents, on PostgreSQL only (SQLite has neither tsvector nor GIN).

Each searchable table gets a stored, generated `search_document` tsvector column and a GIN
index on it. The column is invisible to Django's models (PostgreSQL fills it on every insert
and update); commitments.search and sources.search read it on PostgreSQL only.
"""

from django.db import migrations

DOCUMENTS = {
    "commitments_commitment": "coalesce(title, '') || ' ' || coalesce(pledge_text, '') || ' ' "
    "|| coalesce(summary, '')",
    "commitments_announcement": "coalesce(summary, '') || ' ' || coalesce(note, '')",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, document in DOCUMENTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, {document})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search ON {table} USING gin (search_document)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in DOCUMENTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_editors_group")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
