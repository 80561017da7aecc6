"""Indexes for the incident list: last-activity order everywhere, and on
PostgreSQL a GIN index for full-text search over ``search_text``.

The GIN index expression must be written exactly as the query in
``meldpunt.incidents.search`` wrote it then, or the planner would not
use it. Other databases (SQLite) search with LIKE and get no such index.
"""

from django.db import migrations, models

SEARCH_INDEX = "incident_search_gin"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("incidents", "Incident")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON {schema_editor.quote_name(table)} "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_defaults")]

    operations = [
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["-last_activity_at", "-id"], name="incident_activity_idx"),
        ),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
