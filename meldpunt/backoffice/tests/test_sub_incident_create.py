# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""The "+ Sub-incident" form: prefill, creating each type, bad input, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meldpunt.backoffice.tests.test_sub_incident_support import (  # noqa: F401
    EN,
    _media,
    client_,
    incident,
    owner,
    phases,
    place,
    png,
    staff,
    supplier,
)
from meldpunt.common.actors import Actor
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.models import Incident, SubIncident, SubIncidentAttachment
from meldpunt.incidents.thread import attachment_add
from meldpunt.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def create_url(incident: Incident) -> str:
    return reverse("backoffice:sub_incident_create", args=[incident.public_id])


def form_data(**values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "external",
        "title": "Lekkage verhelpen",
        "description": "Kraan lekt",
        "reminders_on": "on",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


# ---------------------------------------------------------------- the form


def test_the_incident_page_offers_the_button_and_lists_its_sub_incidents(
    client_, incident, supplier, staff
):
    text = client_.get(reverse("backoffice:incident_detail", args=[incident.public_id])).text
    assert "No sub-incidents yet." in text
    assert create_url(incident) in text
    client_.post(create_url(incident), form_data(supplier=supplier.pk))
    text = client_.get(reverse("backoffice:incident_detail", args=[incident.public_id])).text
    order = SubIncident.objects.get()
    assert f"{incident.pk}-1" in text
    assert "Piet Loodgieter" in text
    assert "Waiting for acceptance" in text
    assert reverse("backoffice:sub_incident_detail", args=[order.public_id]) in text


def test_the_form_is_prefilled_from_the_incident(client_, incident, staff):
    response = client_.get(create_url(incident))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == "Lekkage in de badkamer"
    assert form["description"].value() == "Water onder het bad"
    assert form["responsible"].value() == staff.pk
    assert form["reminders_on"].value() is True
    assert form["kind"].value() == "external"
    assert "Lekkage in de badkamer" in response.text


def test_the_unit_s_owner_is_preselected_and_kind_comes_from_the_url(client_, incident, owner):
    incident.unit.owner = owner
    incident.unit.save()
    response = client_.get(create_url(incident) + "?kind=owner")
    form = response.context["form"]
    assert form["kind"].value() == "owner"
    assert form["owner"].value() == owner.pk
    assert f'<option value="{owner.pk}" selected>' in response.text


def test_a_strange_kind_in_the_url_falls_back_to_a_work_order(client_, incident):
    response = client_.get(create_url(incident) + "?kind=<script>")
    assert response.context["form"]["kind"].value() == "external"


def test_suppliers_are_listed_with_their_trade(client_, incident, supplier):
    text = client_.get(create_url(incident)).text
    assert "Piet Loodgieter · Loodgietersbedrijf Piet (Plumber)" in text


# ---------------------------------------------------------------- creating


def test_creating_a_work_order_sends_the_supplier_a_link_and_schedules_a_reminder(
    client_, incident, supplier, staff
):
    response = client_.post(
        create_url(incident),
        form_data(
            supplier=supplier.pk,
            cost_limit="1250.50",
            instructions="Sleutel bij de buren",
        ),
    )
    order = SubIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:sub_incident_detail", args=[order.public_id])
    assert order.kind == SubIncident.Kind.EXTERNAL
    assert order.status == SubIncident.Status.SENT
    assert order.contact == supplier
    assert order.responsible == staff
    assert str(order.cost_limit) == "1250.50"
    assert order.reminders_on is True
    assert order.next_reminder_at is not None
    outbox = OutboxMessage.objects.get(template="supplier.work_order_new")
    assert outbox.recipient == "piet@example.com"
    page = client_.get(response["Location"]).text
    assert "the link was sent to Piet Loodgieter (Loodgietersbedrijf Piet) by email" in page


def test_a_dutch_amount_is_read_with_a_decimal_comma(client_, incident, supplier):
    response = client_.post(
        create_url(incident),
        form_data(supplier=supplier.pk, cost_limit="1250,50"),
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 302
    assert str(SubIncident.objects.get().cost_limit) == "1250.50"


def test_a_work_order_without_reminders_schedules_none(client_, incident, supplier):
    data = form_data(supplier=supplier.pk)
    del data["reminders_on"]
    client_.post(create_url(incident), data)
    order = SubIncident.objects.get()
    assert order.reminders_on is False
    assert order.next_reminder_at is None


def test_an_owner_contact_with_a_question_is_a_permission_request(client_, incident, owner):
    response = client_.post(
        create_url(incident),
        form_data(kind="owner", owner=owner.pk, permission_question="Mogen we de kraan vervangen?"),
    )
    assert response.status_code == 302
    contact = SubIncident.objects.get()
    assert contact.kind == SubIncident.Kind.OWNER
    assert contact.permission == SubIncident.Permission.REQUESTED
    assert contact.reminders_on is False
    assert OutboxMessage.objects.filter(template="owner.permission_request").exists()


def test_an_internal_assignment_goes_to_the_employee(client_, incident, make_staff):
    employee = make_staff(first_name="Eva", last_name="Vakman")
    response = client_.post(create_url(incident), form_data(kind="internal", assignee=employee.pk))
    assert response.status_code == 302
    assignment = SubIncident.objects.get()
    assert assignment.assignee == employee
    assert assignment.contact is None
    page = client_.get(response["Location"]).text
    assert "Internal assignment" in page
    assert "is created for Eva Vakman" in page


def test_ticked_files_of_the_incident_are_shared(client_, incident, supplier, staff):
    actor = Actor.staff(staff)
    shared = attachment_add(
        actor=actor,
        incident=incident,
        upload=upload_clean(data=png(), original_name="lek.png"),
        visibility="internal",
    )
    attachment_add(
        actor=actor,
        incident=incident,
        upload=upload_clean(data=png(), original_name="privé.png"),
        visibility="internal",
    )
    assert "privé.jpg" in client_.get(create_url(incident)).text
    client_.post(
        create_url(incident), form_data(supplier=supplier.pk, shared_files=[shared.public_id])
    )
    files = SubIncidentAttachment.objects.all()
    assert [file.original_name for file in files] == ["lek.jpg"]
    assert files[0].visibility == "external"


# ---------------------------------------------------------------- bad input


def test_a_missing_supplier_keeps_everything_typed(client_, incident):
    response = client_.post(
        create_url(incident),
        form_data(title="Mijn eigen titel", instructions="Bel eerst aan", cost_limit="80"),
    )
    assert response.status_code == 422
    assert not SubIncident.objects.exists()
    text = response.text
    assert "Choose the supplier." in text
    assert 'value="Mijn eigen titel"' in text
    assert "Bel eerst aan" in text
    assert 'value="80"' in text


def test_an_empty_title_and_a_bad_amount_are_explained(client_, incident, supplier):
    response = client_.post(
        create_url(incident), form_data(supplier=supplier.pk, title="", cost_limit="veel")
    )
    assert response.status_code == 422
    assert "Enter a number." in response.text
    response = client_.post(create_url(incident), form_data(supplier=supplier.pk, title=" "))
    assert response.status_code == 422
    assert "Give the sub-incident a title." in response.text


def test_a_planned_date_in_the_past_is_refused(client_, incident, supplier):
    response = client_.post(
        create_url(incident), form_data(supplier=supplier.pk, planned_on="2001-01-01")
    )
    assert response.status_code == 422
    assert "Choose a date from today up to a year ahead." in response.text


def test_an_owner_without_an_owner_chosen_gets_the_message_at_the_owner_field(client_, incident):
    response = client_.post(create_url(incident), form_data(kind="owner"))
    assert response.status_code == 422
    assert response.context["form"].errors["owner"] == ["Choose the owner."]


def test_an_internal_assignment_needs_an_employee(client_, incident):
    response = client_.post(create_url(incident), form_data(kind="internal"))
    assert response.status_code == 422
    assert "Choose the employee who takes this on." in response.text


def test_a_supplier_without_address_cannot_receive_the_link(client_, incident, supplier):
    supplier.email = ""
    supplier.phone = ""
    supplier.save()
    response = client_.post(create_url(incident), form_data(supplier=supplier.pk))
    assert response.status_code == 422
    assert "the link cannot be sent" in response.text


# ---------------------------------------------------------------- who may


def test_anonymous_visitors_go_to_the_login_page(client, incident, supplier):
    response = client.get(create_url(incident))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    response = client.post(create_url(incident), form_data(supplier=supplier.pk))
    assert response.status_code == 302
    assert not SubIncident.objects.exists()


def test_a_user_without_a_staff_role_gets_403(staff_client, incident, supplier):
    client = staff_client("")
    assert client.get(create_url(incident)).status_code == 403
    assert client.post(create_url(incident), form_data(supplier=supplier.pk)).status_code == 403
    assert not SubIncident.objects.exists()


def test_an_unknown_incident_is_404(client_, organization):
    url = reverse("backoffice:sub_incident_create", args=["unknown000000"])
    assert client_.get(url).status_code == 404
    assert client_.post(url, form_data()).status_code == 404


def test_the_form_renders_for_an_incident_without_unit(client_, phases, organization):
    from meldpunt.incidents.tests.conftest import incident_make

    bare = incident_make(title="Zonder adres")
    response = client_.get(create_url(bare))
    assert response.status_code == 200
    assert response.context["form"]["owner"].value() is None
