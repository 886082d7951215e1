"""Text search of the project tables on PostgreSQL: trigram indexes for "code or title
contains" (Django's icontains is UPPER(column) LIKE UPPER(%s), which these serve).

PostgreSQL only, and outside the models' state: SQLite scans, which is quick enough there,
and makemigrations has nothing to compare. pg_trgm is a trusted extension (PostgreSQL 13+):
the database's owner may create it.
"""

from django.db import migrations

INDEXES = {
    "workplans_project_title_trgm": "title",
    "workplans_project_code_trgm": "code",
}


def _postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def create(apps, schema_editor):
    if not _postgresql(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "workplans_project" '
            f'USING gin ((UPPER("{column}")) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if _postgresql(schema_editor):
        for name in INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("workplans", "0007_indexes_for_scale")]

    operations = [migrations.RunPython(create, drop)]
