# ruff: noqa: F811  (the shared incident fixtures are imported and used as arguments)
"""Every back-office URL and every tenant link page, opened by every kind of visitor.

The matrix below names, for each URL, the method that reaches it, who may use it
and which objects fill its parameters. The tests walk the URL configuration, so a
new URL without an entry here fails ``test_every_url_has_an_entry_in_the_matrix``.

Expectations (pretix's ``test_permissions`` in spirit):
- anonymous visitors and holders of a tenant link → the login page (back office);
- a signed-in user without a staff role → 403; a staff role below the page's → 403;
- an unknown id, or an id that belongs to another incident, user or report → 404;
- everyone allowed → 200 for a page, 200/302/422 for a write;
- a link page answers anyone holding its token, and 404 for another incident's token.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from meldpunt.accounts.models import StaffIpRange, StaffRole, User
from meldpunt.backoffice.tests.repair_world import repair_world_values
from meldpunt.common.actors import Actor
from meldpunt.common.links import link_issue
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import (
    Category,
    InboxAttachment,
    InboxReport,
    Incident,
    Phase,
    SavedView,
    SubIncident,
    SubIncidentAttachment,
)
from meldpunt.incidents.tests.conftest import incident_make, phases, place  # noqa: F401
from meldpunt.incidents.thread import attachment_add, task_add
from meldpunt.interactions.services import interaction_record
from meldpunt.notifications.services import notification_queue
from meldpunt.people.models import Contact, Household
from tests.factories import ContactFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF = "staff"  # any staff role
ADMIN = "admin"  # administrators only
CODES = "codes"  # contact-centre agents and administrators (activation codes, letters)
LINK = "link"  # a tenant's personal link page: the token is the key

LOGIN = "/accounts/login/"
UNKNOWN_ID = "doesNotExist1"
UNKNOWN_PK = 987654
ALLOWED_WRITE = {200, 302, 422}


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    who: str
    # URL keyword → name of the world's object that fills it
    params: dict[str, str] = field(default_factory=dict)
    # URL keyword → an object of someone else (another incident, user, report): 404
    foreign: dict[str, str] = field(default_factory=dict)
    # posted field → name of the world's object it names (for writes that need one)
    data: dict[str, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return self.methods[0]


GET = ("GET",)
POST = ("POST",)
GET_POST = ("GET", "POST")

MATRIX: dict[str, Route] = {
    # shared pages
    "backoffice:home": Route(GET, STAFF),
    "backoffice:complex_detail": Route(GET, STAFF, {"public_id": "complex"}),
    "backoffice:unit_detail": Route(GET, STAFF, {"public_id": "unit"}),
    "backoffice:contact_list": Route(GET, STAFF),
    "backoffice:organization": Route(GET, ADMIN),
    "backoffice:organization_incident_settings": Route(POST, ADMIN),
    "backoffice:organization_portal_account_settings": Route(POST, ADMIN),
    # outbox and message templates
    "backoffice:outbox": Route(GET, STAFF),
    "backoffice:outbox_test": Route(POST, ADMIN),
    "backoffice:received_mail": Route(GET, STAFF),
    "backoffice:outbox_detail": Route(GET, STAFF, {"public_id": "outbox"}),
    "backoffice:message_templates": Route(GET, ADMIN),
    "backoffice:message_template_edit": Route(
        GET, ADMIN, {"key": "template_key", "language": "language"}
    ),
    "backoffice:message_template_preview": Route(
        POST, ADMIN, {"key": "template_key", "language": "language"}
    ),
    "backoffice:message_template_save": Route(
        POST, ADMIN, {"key": "template_key", "language": "language"}
    ),
    "backoffice:message_template_reset": Route(
        POST, ADMIN, {"key": "template_key", "language": "language"}
    ),
    # incident list, new incident, saved views, categories and phases
    "backoffice:incident_list": Route(GET, STAFF),
    "backoffice:incident_create": Route(GET_POST, STAFF),
    "backoffice:incident_lookup": Route(GET, STAFF),
    "backoffice:incident_category_help": Route(GET, STAFF),
    "backoffice:incident_view_save": Route(POST, STAFF),
    "backoffice:incident_view_delete": Route(
        POST, STAFF, {"pk": "own_saved_view"}, foreign={"pk": "others_saved_view"}
    ),
    "backoffice:incident_categories": Route(GET, ADMIN),
    "backoffice:incident_category_create": Route(GET_POST, ADMIN),
    "backoffice:incident_category_edit": Route(GET_POST, ADMIN, {"pk": "category"}),
    "backoffice:incident_category_delete": Route(POST, ADMIN, {"pk": "category"}),
    "backoffice:incident_category_move": Route(POST, ADMIN, {"pk": "category"}),
    "backoffice:incident_phases": Route(GET, ADMIN),
    "backoffice:incident_phase_create": Route(GET_POST, ADMIN),
    "backoffice:incident_phase_edit": Route(GET_POST, ADMIN, {"pk": "phase"}),
    "backoffice:incident_phase_delete": Route(POST, ADMIN, {"pk": "phase"}),
    "backoffice:incident_phase_move": Route(POST, ADMIN, {"pk": "phase"}),
    # one incident
    "backoffice:incident_detail": Route(GET, STAFF, {"public_id": "incident"}),
    "backoffice:incident_message_create": Route(POST, STAFF, {"public_id": "incident"}),
    "backoffice:incident_status": Route(GET_POST, STAFF, {"public_id": "incident"}),
    "backoffice:incident_attachment_upload": Route(POST, STAFF, {"public_id": "incident"}),
    "backoffice:incident_attachment": Route(
        GET,
        STAFF,
        {"public_id": "incident", "file_id": "file"},
        foreign={"file_id": "other_file"},
    ),
    "backoffice:incident_task_create": Route(POST, STAFF, {"public_id": "incident"}),
    "backoffice:incident_task_done": Route(
        POST,
        STAFF,
        {"public_id": "incident", "task_id": "task"},
        foreign={"task_id": "other_task"},
    ),
    "backoffice:incident_task_reopen": Route(
        POST,
        STAFF,
        {"public_id": "incident", "task_id": "task"},
        foreign={"task_id": "other_task"},
    ),
    # the inbox of unprocessed reports
    "backoffice:inbox": Route(GET, STAFF),
    "backoffice:inbox_bulk": Route(POST, STAFF),
    "backoffice:inbox_detail": Route(GET, STAFF, {"public_id": "report"}),
    "backoffice:inbox_convert": Route(POST, STAFF, {"public_id": "report"}),
    "backoffice:inbox_merge": Route(
        POST, STAFF, {"public_id": "report"}, data={"into": "other_report"}
    ),
    "backoffice:inbox_attachment": Route(
        GET,
        STAFF,
        {"public_id": "report", "file_id": "report_file"},
        foreign={"file_id": "other_report_file"},
    ),
    # sub-incidents and work orders
    "backoffice:sub_incident_create": Route(GET_POST, STAFF, {"public_id": "incident"}),
    "backoffice:sub_incident_detail": Route(GET, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_message_create": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_files_add": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_file": Route(
        GET,
        STAFF,
        {"public_id": "sub_incident", "file_id": "sub_file"},
        foreign={"file_id": "other_sub_file"},
    ),
    "backoffice:sub_incident_phase": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_details": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_cancel": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_draft_send": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_complete": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_links_revoke": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_link_reissue": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:sub_incident_portal_access": Route(POST, STAFF, {"public_id": "sub_incident"}),
    "backoffice:work_order_list": Route(GET, STAFF),
    # security: staff address ranges and locked accounts
    "backoffice:security": Route(GET, ADMIN),
    "backoffice:security_range_add": Route(POST, ADMIN),
    "backoffice:security_range_remove": Route(POST, ADMIN, {"pk": "ip_range"}),
    "backoffice:security_unlock": Route(POST, ADMIN, {"lock_id": "lock"}),
    # the repair wizard's content and settings (administrators)
    "backoffice:repair_trees": Route(GET, ADMIN),
    "backoffice:repair_tree_create": Route(GET_POST, ADMIN),
    "backoffice:repair_import": Route(GET_POST, ADMIN),
    "backoffice:repair_load_shipped": Route(POST, ADMIN),
    "backoffice:repair_settings": Route(GET_POST, ADMIN),
    "backoffice:repair_maintenance_forms": Route(GET, ADMIN),
    "backoffice:repair_maintenance_form_create": Route(GET_POST, ADMIN),
    "backoffice:repair_maintenance_form_edit": Route(GET_POST, ADMIN, {"pk": "maintenance_form"}),
    "backoffice:repair_maintenance_form_delete": Route(POST, ADMIN, {"pk": "maintenance_form"}),
    "backoffice:repair_tree": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tree_edit": Route(GET_POST, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tree_default": Route(POST, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tree_import": Route(GET_POST, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tree_export_json": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tree_export_xlsx": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tree_preview": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tree_analytics": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_node_create": Route(GET_POST, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_node_edit": Route(
        GET_POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_node"},
        foreign={"pk": "other_repair_node"},
    ),
    "backoffice:repair_node_add": Route(
        GET_POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_node"},
        foreign={"pk": "other_repair_node"},
    ),
    "backoffice:repair_node_delete": Route(
        GET_POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_node"},
        foreign={"pk": "other_repair_node"},
    ),
    "backoffice:repair_node_preview": Route(
        GET,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_node"},
        foreign={"pk": "other_repair_node"},
    ),
    "backoffice:repair_templates": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_template_create": Route(GET_POST, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_template_edit": Route(
        GET_POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_template"},
        foreign={"pk": "other_repair_template"},
    ),
    "backoffice:repair_template_delete": Route(
        POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_template"},
        foreign={"pk": "other_repair_template"},
    ),
    "backoffice:repair_tips": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tip_create": Route(GET_POST, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_tip_edit": Route(
        GET_POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_tip"},
        foreign={"pk": "other_repair_tip"},
    ),
    "backoffice:repair_tip_delete": Route(
        POST, ADMIN, {"tree": "repair_tree", "pk": "repair_tip"}, foreign={"pk": "other_repair_tip"}
    ),
    "backoffice:repair_causes": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_cause_create": Route(GET_POST, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_cause_edit": Route(
        GET_POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_cause"},
        foreign={"pk": "other_repair_cause"},
    ),
    "backoffice:repair_cause_delete": Route(
        POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_cause"},
        foreign={"pk": "other_repair_cause"},
    ),
    "backoffice:repair_action_codes": Route(GET, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_action_code_create": Route(GET_POST, ADMIN, {"tree": "repair_tree"}),
    "backoffice:repair_action_code_edit": Route(
        GET_POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_action_code"},
        foreign={"pk": "other_repair_action_code"},
    ),
    "backoffice:repair_action_code_delete": Route(
        POST,
        ADMIN,
        {"tree": "repair_tree", "pk": "repair_action_code"},
        foreign={"pk": "other_repair_action_code"},
    ),
    # households (tenants), activation codes and letters, interaction tasks
    "backoffice:household_list": Route(GET, STAFF),
    "backoffice:household_letters_batch": Route(POST, CODES),
    "backoffice:household_detail": Route(GET, STAFF, {"public_id": "household"}),
    "backoffice:household_code_generate": Route(POST, CODES, {"public_id": "household"}),
    "backoffice:household_code_reveal": Route(POST, CODES, {"public_id": "household"}),
    "backoffice:household_letters": Route(POST, CODES, {"public_id": "household"}),
    "backoffice:household_task_done": Route(
        POST,
        STAFF,
        {"public_id": "household", "interaction_id": "interaction"},
        foreign={"interaction_id": "other_interaction"},
    ),
    "backoffice:interaction_tasks": Route(GET, STAFF),
    "backoffice:interaction_task_done": Route(POST, STAFF, {"public_id": "interaction"}),
    # account management, account requests, view as tenant (agents and administrators)
    "backoffice:account_list": Route(GET, CODES),
    "backoffice:account_create": Route(GET_POST, ADMIN),
    "backoffice:account_status_resync": Route(POST, ADMIN),
    "backoffice:account_detail": Route(GET, CODES, {"pk": "tenant_account"}),
    "backoffice:account_block": Route(POST, CODES, {"pk": "tenant_account"}),
    "backoffice:account_unblock": Route(POST, CODES, {"pk": "tenant_account"}),
    "backoffice:account_activate": Route(POST, CODES, {"pk": "tenant_account"}),
    "backoffice:account_edit": Route(GET_POST, CODES, {"pk": "tenant_account"}),
    "backoffice:account_delete": Route(POST, CODES, {"pk": "tenant_account"}),
    "backoffice:account_email_confirm": Route(GET_POST, LINK, {"token": "email_token"}),
    "backoffice:account_request_list": Route(GET, CODES),
    "backoffice:account_request_delete": Route(POST, CODES, {"public_id": "account_request"}),
    "backoffice:account_request_resend": Route(POST, CODES, {"public_id": "account_request"}),
    "backoffice:view_as_start": Route(POST, CODES, {"public_id": "household"}),
    "backoffice:view_as_end": Route(POST, CODES),
    "backoffice:view_as_sessions": Route(GET, ADMIN),
    # the tenant's personal link pages
    "portal:incident_link": Route(GET, LINK, {"token": "token"}),
    "portal:incident_link_reply": Route(POST, LINK, {"token": "token"}),
    "portal:incident_link_file": Route(
        GET,
        LINK,
        {"token": "token", "file_id": "tenant_file"},
        foreign={"token": "other_token"},
    ),
}

VISITORS = ["anonymous", "link_holder", "no_role", StaffRole.USER, StaffRole.AGENT, ADMIN]


def _urls_under(resolvers: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _urls_under(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if entry.name else f"{namespace}:<unnamed>"
            yield name, entry


def covered_url_names() -> set[str]:
    """Every back-office URL name and the portal's incident link pages."""
    names = set()
    for name, _pattern in _urls_under(get_resolver().url_patterns):
        if name.startswith("backoffice:") or name.startswith("portal:incident_link"):
            names.add(name)
    return names


def test_every_url_has_an_entry_in_the_matrix():
    missing = covered_url_names() - set(MATRIX)
    assert not missing, (
        "URLs without an entry in the permission matrix (add who may open them): "
        + ", ".join(sorted(missing))
    )


def test_the_matrix_names_no_url_that_does_not_exist():
    assert not set(MATRIX) - covered_url_names()


def test_every_url_keyword_is_filled_by_the_matrix():
    for name, route in MATRIX.items():
        for full_name, pattern in _urls_under(get_resolver().url_patterns):
            if full_name == name:
                keywords = set(pattern.pattern.converters) - set(pattern.default_args)
                assert keywords == set(route.params), name


# ---------------------------------------------------------------- the world


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(output, format="PNG")
    return output.getvalue()


@dataclass
class World:
    values: dict[str, Any]
    owner_of_others: User

    def value(self, key: str, user: User | None) -> Any:
        if key == "own_saved_view":
            owner = user if user is not None else self.owner_of_others
            return SavedView.objects.create(user=owner, name="Mijn open", query="mine=1").pk
        return self.values[key]


@pytest.fixture
def world(organization, place, phases, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    author = Actor.staff(UserFactory(role=StaffRole.AGENT, username="auteur"))
    incident = incident_make(title="Lekkage", unit=place.unit, household=place.household)
    other = incident_make(title="Ander incident")
    file = attachment_add(
        actor=author,
        incident=incident,
        upload=upload_clean(data=_png(), original_name="lek.png"),
        visibility="external",
    )
    other_file = attachment_add(
        actor=author,
        incident=other,
        upload=upload_clean(data=_png(), original_name="ander.png"),
        visibility="external",
    )
    task = task_add(actor=author, incident=incident, title="Loodgieter bellen")
    other_task = task_add(actor=author, incident=other, title="Ander")
    expires = timezone.now() + timedelta(days=30)
    _link, token = link_issue(
        obj=incident, purpose=INCIDENT_LINK_PURPOSE, party="tenant", expires_at=expires
    )
    _link, other_token = link_issue(
        obj=other, purpose=INCIDENT_LINK_PURPOSE, party="tenant", expires_at=expires
    )
    outbox = notification_queue(
        event="notification.test_requested",
        template="test_message",
        recipient="huurder@example.net",
        recipient_name="Anna de Vries",
        channel="email",
        context={},
        dedupe_key="matrix",
    )
    report = InboxReport.objects.create(
        source=InboxReport.Source.PUBLIC_FORM, subject="Deur klemt", description="Voordeur"
    )
    other_report = InboxReport.objects.create(
        source=InboxReport.Source.EMAIL, subject="Iets anders", description="Anders"
    )

    def inbox_file(report_: InboxReport, name: str) -> InboxAttachment:
        return InboxAttachment.objects.create(
            report=report_,
            file=ContentFile(_png(), name=name),
            original_name=name,
            content_type="image/png",
            size=10,
        )

    owner_of_others = UserFactory(role=StaffRole.AGENT, username="iemand.anders")
    supplier = ContactFactory(kind=Contact.Kind.SUPPLIER, name="Loodgieter Matrix")

    def work_order(incident_: Incident) -> SubIncident:
        return SubIncident.objects.create(
            incident=incident_,
            sequence=1,
            kind=SubIncident.Kind.EXTERNAL,
            status=SubIncident.Status.SENT,
            phase=Phase.objects.get(is_initial=True),
            title="Lekkage verhelpen",
            contact=supplier,
        )

    def sub_file(sub_incident: SubIncident, name: str) -> SubIncidentAttachment:
        return SubIncidentAttachment.objects.create(
            sub_incident=sub_incident,
            file=ContentFile(_png(), name=name),
            original_name=name,
            content_type="image/png",
            size=10,
        )

    sub_incident, other_sub_incident = work_order(incident), work_order(other)
    ip_range = StaffIpRange.objects.create(role=StaffRole.AGENT, cidr="198.51.100.0/24")
    lock = AccessAttempt.objects.create(
        username="locked.out",
        ip_address="198.51.100.9",
        user_agent="matrix",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    others_view = SavedView.objects.create(user=owner_of_others, name="Van een ander", query="")
    return World(
        owner_of_others=owner_of_others,
        values={
            "complex": place.complex.public_id,
            "unit": place.unit.public_id,
            "outbox": outbox.public_id,
            "template_key": "tenant.message",
            "language": "nl",
            "category": Category.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
            "phase": Phase.objects.filter(is_initial=False).order_by("-pk").first().pk,  # type: ignore[union-attr]
            "incident": incident.public_id,
            "file": file.public_id,
            "other_file": other_file.public_id,
            "task": task.public_id,
            "other_task": other_task.public_id,
            "others_saved_view": others_view.pk,
            "report": report.public_id,
            "other_report": other_report.public_id,
            "report_file": inbox_file(report, "deur.png").public_id,
            "other_report_file": inbox_file(other_report, "anders.png").public_id,
            "token": token,
            "other_token": other_token,
            "tenant_file": file.public_id,
            "sub_incident": sub_incident.public_id,
            "sub_file": sub_file(sub_incident, "werk.png").public_id,
            "other_sub_file": sub_file(other_sub_incident, "ander-werk.png").public_id,
            **repair_world_values(),
            "ip_range": ip_range.pk,
            "lock": lock.pk,
            **_household_world_values(place.household),
            **_account_world_values(place.household),
        },
    )


def _household_world_values(household: Household) -> dict[str, Any]:
    """The household pages' objects: the household, and a code-requested task of
    it and of another household."""
    actor = Actor.system("matrix")
    task = interaction_record(actor=actor, household=household, kind="code_requested")
    other = interaction_record(actor=actor, household=HouseholdFactory(), kind="code_requested")
    return {
        "household": household.public_id,
        "interaction": task.public_id,
        "other_interaction": other.public_id,
    }


def _account_world_values(household: Household) -> dict[str, Any]:
    """Account management's objects: a tenant account, its request, an email-change link."""
    from meldpunt.accounts.account_admin import email_change_token
    from meldpunt.accounts.models import AccountRequest

    account = UserFactory(role="", household=household, username="huurder.matrix")
    request = AccountRequest.objects.create(
        household=household,
        user=account,
        tenant_number=household.tenant_number,
        tenant_number_at=timezone.now(),
    )
    return {
        "tenant_account": account.pk,
        "account_request": request.public_id,
        "email_token": email_change_token(user=account, new_email="nieuw.matrix@example.net"),
    }


@pytest.fixture
def visit(world: World) -> Callable[..., tuple[Client, User | None]]:
    def make(visitor: str) -> tuple[Client, User | None]:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        user = None
        if visitor == "link_holder":
            # Holds the link of the other incident and has opened it.
            other = reverse("portal:incident_link", args=[world.values["other_token"]])
            assert client.get(other).status_code == 200
        elif visitor != "anonymous":
            user = UserFactory(role="" if visitor == "no_role" else visitor)
            client.force_login(user)
        return client, user

    return make


def _url(world: World, name: str, params: dict[str, str], user: User | None) -> str:
    return reverse(name, kwargs={key: world.value(ref, user) for key, ref in params.items()})


def _call(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.get(url) if method == "GET" else client.post(url, data or {})


def _data(world: World, route: Route, user: User | None) -> dict[str, Any]:
    return {key: world.value(ref, user) for key, ref in route.data.items()}


def _expected(route: Route, visitor: str) -> str:
    if route.who == LINK:
        return "allowed"
    if visitor in ("anonymous", "link_holder"):
        return "login"
    if visitor == "no_role":
        return "403"
    if route.who == ADMIN and visitor != ADMIN:
        return "403"
    if route.who == CODES and visitor not in (StaffRole.AGENT, ADMIN):
        return "403"
    return "allowed"


def _check(response: Any, expected: str, route: Route, where: str) -> None:
    status = response.status_code
    if expected == "login":
        assert status == 302 and response["Location"].startswith(LOGIN), (where, status)
    elif expected == "403":
        assert status == 403, (where, status)
    elif route.method == "GET":
        assert status == 200, (where, status)
    else:
        assert status in ALLOWED_WRITE, (where, status)
        if status == 302:
            assert not response["Location"].startswith(LOGIN), where


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_visitor_gets_what_the_matrix_says(visit, world, name, visitor):
    route = MATRIX[name]
    client, user = visit(visitor)
    url = _url(world, name, route.params, user)
    response = _call(client, route.method, url, _data(world, route, user))
    _check(response, _expected(route, visitor), route, f"{visitor} {route.method} {url}")


def _unknown(value: Any) -> Any:
    return UNKNOWN_PK if isinstance(value, int) else UNKNOWN_ID


@pytest.mark.parametrize("name", sorted(name for name, route in MATRIX.items() if route.params))
def test_an_unknown_id_is_404_for_whoever_may_open_the_page(visit, world, name):
    route = MATRIX[name]
    client, user = visit(ADMIN if route.who != LINK else "anonymous")
    for key in route.params:
        params = {k: world.value(ref, user) for k, ref in route.params.items()}
        params[key] = _unknown(params[key])
        url = reverse(name, kwargs=params)
        response = _call(client, route.method, url)
        assert response.status_code == 404, (url, response.status_code)


def _foreign_cases() -> list[tuple[str, str]]:
    """Link pages are visited without login; back-office pages by an agent and an admin."""
    cases = []
    for name, route in sorted(MATRIX.items()):
        if not route.foreign:
            continue
        if route.who == LINK:
            visitors = ["anonymous"]
        else:
            # An agent never gets past an administrators' page (403), so only admins probe it.
            visitors = [ADMIN] if route.who == ADMIN else [StaffRole.AGENT, ADMIN]
        cases.extend((name, visitor) for visitor in visitors)
    return cases


@pytest.mark.parametrize(("name", "visitor"), _foreign_cases())
def test_an_id_of_someone_else_is_404_not_403(visit, world, name, visitor):
    route = MATRIX[name]
    client, user = visit(visitor)
    params = {**route.params, **route.foreign}
    url = _url(world, name, params, user)
    response = _call(client, route.method, url)
    assert response.status_code == 404, (url, response.status_code)


@pytest.mark.parametrize(
    "name", sorted(name for name, route in MATRIX.items() if route.methods != GET_POST)
)
def test_each_url_answers_only_its_own_method(visit, world, name):
    route = MATRIX[name]
    client, user = visit(ADMIN)
    url = _url(world, name, route.params, user)
    wrong = "POST" if route.methods == GET else "GET"
    assert _call(client, wrong, url).status_code == 405, url


def test_an_incident_deleted_meanwhile_is_404(visit, world):
    client, _user = visit(ADMIN)
    public_id = world.values["incident"]
    Incident.objects.filter(public_id=public_id).delete()
    response = client.get(reverse("backoffice:incident_detail", args=[public_id]))
    assert response.status_code == 404
