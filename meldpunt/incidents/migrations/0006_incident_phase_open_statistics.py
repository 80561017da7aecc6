"""Tell the PostgreSQL planner that ``is_open`` follows from ``phase``.

``Incident.is_open`` is copied from the phase, so the two columns are fully
dependent. Without extended statistics the planner multiplies their
selectivities as if they were independent and, at a million incidents,
underestimates a phase filter on the open list about tenfold: it then
intersects three bitmap index scans and sorts thousands of rows (≈ 180 ms for
phase + category) instead of walking ``incident_phase_idx`` in list order and
stopping after one page (< 1 ms). See ``bench/RESULTS.md``.

PostgreSQL only; other databases have no such statistics and need none.
"""

from django.db import migrations

STATISTICS = "incident_phase_open_stats"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("incidents", "Incident")._meta.db_table)
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) "
        f"ON phase_id, is_open FROM {table}"
    )
    schema_editor.execute(f"ANALYZE {table}")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_category_is_bulk_default_inboxreport_client_ip_hash_and_more"),
    ]

    operations = [migrations.RunPython(create_statistics, drop_statistics, elidable=False)]
