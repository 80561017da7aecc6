# ruff: noqa: F811  (fixtures imported from the conftest modules are used as arguments)
"""The portal's maintenance pages (SPEC POR-7, REP-12 … REP-16): the list, one request,
changing, withdrawing and the photos — each for the household's own requests only
(another household's id is 404), each gone when its feature is switched off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.models import User, ViewAsSession
from meldpunt.accounts.view_as import VIEW_AS_SESSION_KEY
from meldpunt.common.models import AuditEvent
from meldpunt.incidents.models import Message, SubIncident
from meldpunt.incidents.tests.conftest import Place, categories, phases, place  # noqa: F401
from meldpunt.intake.models import RepairRequest
from meldpunt.intake.tests.conftest import jpeg_bytes
from meldpunt.intake.tests.test_repair_request_portal_setup import (
    order_make,
    photo_make,
    request_make,
)
from meldpunt.organization.models import FeatureToggle, Organization
from meldpunt.people.models import Household
from tests.factories import (
    CommonAreaFactory,
    ContractFactory,
    HouseholdFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LIST = reverse("portal:maintenance")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def tenant_client(household: Household) -> Client:
    user = UserFactory(role="", household=household, email=household.email)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = Client(**EN)
    client.force_login(user)
    return client


def agent_client(household: Household) -> tuple[Client, User]:
    agent = UserFactory(role="agent")
    view_as = ViewAsSession.objects.create(
        agent=agent, household=household, expires_at=timezone.now() + timedelta(minutes=30)
    )
    client = Client(**EN)
    client.force_login(agent)
    session = client.session
    session[VIEW_AS_SESSION_KEY] = view_as.pk
    session.save()
    return client, agent


def feature_off(key: str) -> None:
    FeatureToggle.objects.update_or_create(
        organization=Organization.objects.get(), key=key, defaults={"enabled": False}
    )


def url(name: str, request: RepairRequest, **extra: str) -> str:
    return reverse(f"portal:{name}", kwargs={"public_id": request.public_id, **extra})


@pytest.fixture
def client(place: Place) -> Client:
    return tenant_client(place.household)


@pytest.fixture
def own(place: Place) -> RepairRequest:
    return request_make(unit=place.unit, household=place.household)


@pytest.fixture
def foreign() -> RepairRequest:
    household = HouseholdFactory()
    contract = ContractFactory(household=household)
    return request_make(unit=contract.unit, household=household)


# ---------------------------------------------------------------- who may see the pages


def test_visitors_and_staff_without_a_view_as_session_go_to_the_login(own: RepairRequest):
    for client in (Client(), Client()):
        response = client.get(LIST)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))
    staff = Client()
    staff.force_login(UserFactory(role="agent"))
    assert staff.get(url("maintenance_detail", own))["Location"].startswith(reverse("portal:login"))


def test_the_list_shows_the_households_requests_with_their_details(
    client: Client, own: RepairRequest, foreign: RepairRequest
):
    order_make(own, status=SubIncident.Status.SENT, planned_on=timezone.localdate())
    photo = photo_make(own)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert own.path in html and "Het druppelt al een week." in html
    assert str(own.incident_id) in html
    assert url("maintenance_photo", own, photo_id=photo.public_id) in html
    assert url("maintenance_change", own) in html and url("maintenance_withdraw", own) in html
    assert foreign.public_id not in html
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "name,extra",
    [
        ("maintenance_detail", {}),
        ("maintenance_change", {}),
        ("maintenance_withdraw", {}),
        ("maintenance_photo", {"photo_id": "PHOTO"}),
    ],
)
def test_another_households_request_is_404_on_every_page(
    client: Client, foreign: RepairRequest, name: str, extra: dict[str, str]
):
    if "photo_id" in extra:
        extra = {"photo_id": photo_make(foreign).public_id}
    assert client.get(url(name, foreign, **extra)).status_code == 404
    if name in ("maintenance_change", "maintenance_withdraw"):
        assert client.post(url(name, foreign, **extra), {"reason": "solved"}).status_code == 404
    assert RepairRequest.objects.get(pk=foreign.pk).incident.is_open


def test_a_neighbours_request_on_a_shared_area_is_readable_but_not_changeable(
    place: Place, client: Client
):
    area = CommonAreaFactory(complex=place.complex, name="Trappenhuis")
    area.units.add(place.unit)
    neighbours = HouseholdFactory()
    unit = UnitFactory(complex=place.complex)
    ContractFactory(household=neighbours, unit=unit)
    theirs = request_make(unit=unit, household=neighbours, common_area=area, description="Privé")
    photo = photo_make(theirs)
    response = client.get(url("maintenance_detail", theirs))
    assert response.status_code == 200
    assert "Privé" not in response.content.decode()
    assert theirs.contact_email not in response.content.decode()
    for name in ("maintenance_change", "maintenance_withdraw"):
        assert client.get(url(name, theirs)).status_code == 404
    photo_url = url("maintenance_photo", theirs, photo_id=photo.public_id)
    assert client.get(photo_url).status_code == 404


def test_the_photo_of_the_own_request_is_served_but_a_staff_only_file_is_not(
    client: Client, own: RepairRequest
):
    photo = photo_make(own)
    internal = photo_make(own, visibility=Message.Visibility.INTERNAL)
    response = client.get(url("maintenance_photo", own, photo_id=photo.public_id))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert client.get(url("maintenance_photo", own, photo_id=internal.public_id)).status_code == 404


def test_with_the_repair_overview_off_every_page_is_404(client: Client, own: RepairRequest):
    feature_off("repair_overview")
    for page in (
        LIST,
        url("maintenance_detail", own),
        url("maintenance_change", own),
        url("maintenance_withdraw", own),
        reverse("portal:maintenance_new"),
    ):
        assert client.get(page).status_code == 404, page


def test_with_new_requests_off_the_list_stays_without_the_button(
    client: Client, own: RepairRequest
):
    feature_off("new_repair_request")
    response = client.get(LIST)
    assert response.status_code == 200
    assert reverse("portal:maintenance_new") not in response.content.decode()
    assert client.get(reverse("portal:maintenance_new")).status_code == 404
    assert client.post(reverse("portal:maintenance_start")).status_code == 404


# ---------------------------------------------------------------- change (REP-13)


def test_changing_a_request_stores_it_and_keeps_the_list_in_sync(
    client: Client, own: RepairRequest
):
    response = client.get(url("maintenance_change", own))
    assert response.status_code == 200
    assert 'name="preferred_date"' in response.content.decode()
    upload = SimpleUploadedFile("lek.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(
        url("maintenance_change", own),
        {
            "description": "Nu ook bij de afvoer.",
            "preferred_date": "",
            "preferred_part": "",
            "contact_name": "Ayşe Yılmaz",
            "contact_email": "nieuw@example.net",
            "contact_phone": "",
            "photos": [upload],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("maintenance_detail", own)
    own.refresh_from_db()
    assert own.description == "Nu ook bij de afvoer."
    assert own.contact_email == "nieuw@example.net"
    assert own.incident.attachments.filter(original_name="lek.jpg").exists()


def test_a_bad_change_keeps_what_was_typed(client: Client, own: RepairRequest):
    response = client.post(
        url("maintenance_change", own),
        {
            "description": "Getypte tekst",
            "contact_name": "Ayşe",
            "contact_email": "geen-adres",
            "contact_phone": "",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Getypte tekst" in html and "geen-adres" in html
    own.refresh_from_db()
    assert own.description == "Het druppelt al een week."


def test_after_acceptance_the_change_page_offers_no_dates(client: Client, own: RepairRequest):
    order_make(own, status=SubIncident.Status.ACCEPTED, accepted_at=timezone.now())
    response = client.get(url("maintenance_change", own))
    assert response.status_code == 200
    assert 'name="preferred_date"' not in response.content.decode()
    response = client.post(
        url("maintenance_change", own),
        {
            "description": "Extra",
            "preferred_date": "2031-01-06",
            "contact_name": "Ayşe",
            "contact_email": "ayse@example.net",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.description == "Extra" and own.preferred_date is None
    # Withdrawing is no longer possible online.
    assert client.get(url("maintenance_withdraw", own)).status_code == 302
    assert client.post(url("maintenance_withdraw", own), {"reason": "solved"}).status_code == 302
    own.incident.refresh_from_db()
    assert own.incident.is_open


def test_a_closed_request_cannot_be_changed(client: Client, place: Place):
    closed = request_make(unit=place.unit, household=place.household, closed=True)
    response = client.get(url("maintenance_change", closed))
    assert response.status_code == 302
    assert response["Location"] == url("maintenance_detail", closed)


# ---------------------------------------------------------------- withdraw (REP-14)


def test_withdrawing_closes_the_request_and_its_orders(client: Client, own: RepairRequest):
    order = order_make(own, status=SubIncident.Status.SENT)
    assert client.get(url("maintenance_withdraw", own)).status_code == 200
    response = client.post(url("maintenance_withdraw", own), {"reason": "other"})
    assert response.status_code == 422  # "another reason" needs an explanation
    response = client.post(
        url("maintenance_withdraw", own), {"reason": "duplicate", "explanation": "Buren meldden"}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    order.refresh_from_db()
    own.incident.refresh_from_db()
    assert order.status == SubIncident.Status.CANCELLED and not own.incident.is_open
    html = client.get(LIST).content.decode()
    assert "Withdrawn" in html


def test_an_agent_viewing_as_the_tenant_withdraws_in_their_own_name(
    place: Place, own: RepairRequest
):
    client, agent = agent_client(place.household)
    response = client.post(url("maintenance_withdraw", own), {"reason": "solved"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(verb="repair_request.withdrawn")
    assert event.actor_user == agent
    assert event.actor_kind == AuditEvent.ActorKind.AGENT_AS_TENANT
