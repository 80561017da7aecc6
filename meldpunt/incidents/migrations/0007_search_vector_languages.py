"""Full-text search in Dutch, English and Norwegian at once (PostgreSQL only).

An organization holds text in all three languages side by side (a Norwegian
tenant writes to a Dutch back office, an English-speaking supplier answers),
so every incident is indexed under four text-search configurations: ``simple``
(exact words, names, numbers) and the ``dutch``, ``english`` and ``norwegian``
stemmers (``lekkages`` and ``lekkage`` share a stem, as do ``leaks`` and
``leaking``, ``vinduer`` and ``vindu``). A query word matches when it matches
under any of the four.

The four vectors are computed once per change of ``search_text`` and stored in
``search_vector``, a column Django does not know about, kept up to date by a
trigger: it is never read into Python, never overwritten by a model save, and
every write path (the services, bulk COPY in ``bench/``, raw SQL) fills it. The
GIN index ``incident_search_vector_gin`` sits on that column; the list then
checks a row with a stored vector instead of parsing its text four times,
which matters when the planner walks the list order and filters on the way.

The function ``meldpunt_search_vector`` is the single definition; the query
side is ``meldpunt.incidents.search.text_condition``.
"""

from django.db import migrations

OLD_INDEX = "incident_search_gin"
INDEX = "incident_search_vector_gin"
CONFIGS = ("simple", "dutch", "english", "norwegian")


def _vector_sql(argument: str) -> str:
    return " || ".join(f"to_tsvector('{config}'::regconfig, {argument})" for config in CONFIGS)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("incidents", "Incident")._meta.db_table)
    for statement in (
        "CREATE OR REPLACE FUNCTION meldpunt_search_vector(body text) RETURNS tsvector "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {_vector_sql('body')} $$",
        "CREATE OR REPLACE FUNCTION meldpunt_incident_search_vector_fill() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "NEW.search_vector := meldpunt_search_vector(NEW.search_text); RETURN NEW; END $$",
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"CREATE TRIGGER incident_search_vector_insert BEFORE INSERT ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION meldpunt_incident_search_vector_fill()",
        f"CREATE TRIGGER incident_search_vector_update BEFORE UPDATE OF search_text ON {table} "
        "FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) "
        "EXECUTE FUNCTION meldpunt_incident_search_vector_fill()",
        f"UPDATE {table} SET search_vector = meldpunt_search_vector(search_text)",
        f"DROP INDEX IF EXISTS {OLD_INDEX}",
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (search_vector)",
    ):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("incidents", "Incident")._meta.db_table)
    for statement in (
        f"DROP TRIGGER IF EXISTS incident_search_vector_insert ON {table}",
        f"DROP TRIGGER IF EXISTS incident_search_vector_update ON {table}",
        f"DROP INDEX IF EXISTS {INDEX}",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
        "DROP FUNCTION IF EXISTS meldpunt_incident_search_vector_fill()",
        "DROP FUNCTION IF EXISTS meldpunt_search_vector(text)",
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON {table} "
        "USING gin (to_tsvector('simple'::regconfig, search_text))",
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_incident_phase_open_statistics")]

    operations = [migrations.RunPython(forwards, backwards)]
