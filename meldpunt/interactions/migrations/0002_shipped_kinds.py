"""The interaction kinds every installation starts with (SPEC A-15)."""

from django.db import migrations

# code, section, show in portal, portal action, creates task, order
SHIPPED = [
    ("code_requested", "account", True, False, True, 10),
    ("registration_help", "account", True, False, True, 20),
    ("repair_request", "maintenance", True, False, False, 30),
    ("repair_changed", "maintenance", True, False, False, 40),
    ("repair_withdrawn", "maintenance", True, False, False, 50),
    ("contact_changed", "details", True, False, False, 60),
    ("address_changed", "details", True, False, False, 70),
    ("household_changed", "details", True, False, False, 80),
    ("payment_method_changed", "finance", True, False, False, 90),
    ("arrangement_made", "finance", True, False, False, 100),
    ("other_action", "actions", True, True, True, 110),
]


def add_kinds(apps, schema_editor):
    kind_model = apps.get_model("interactions", "InteractionKind")
    for code, section, show, action, task, order in SHIPPED:
        kind_model.objects.get_or_create(
            code=code,
            defaults={
                "section": section,
                "show_in_portal": show,
                "portal_action": action,
                "creates_task": task,
                "ordering": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("interactions", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
