"""Finer statistics on the search vector (PostgreSQL only).

The planner estimates how many incidents a search term matches from the
column's most common lexemes; a term not among them is assumed to be about
half as frequent as the rarest one listed. With the default 100-entry
statistics that guess is far too high for a rare word at a million incidents,
so the planner walks the whole open list in date order, filtering row by row
(0.7 s), instead of asking the GIN index for the handful of matches and
sorting them (milliseconds). A ten times longer list makes the guess for rare
words ten times smaller. See ``bench/RESULTS.md``.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("incidents", "Incident")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STATISTICS 1000")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("incidents", "Incident")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0008_sub_incidents")]

    operations = [migrations.RunPython(forwards, backwards)]
