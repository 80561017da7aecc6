"""Background tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django.tasks import task

from meldpunt.incidents.sub_incidents import work_order_reminder_send


@task()
def send_work_order_reminder(sub_incident_id: int) -> str:
    return work_order_reminder_send(sub_incident_id=sub_incident_id)
