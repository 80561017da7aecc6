# ruff: noqa: F811  (fixtures imported from the conftest modules are used as arguments)
"""The repair wizard's pages at /repairment (SPEC INT-4, REP-1 … REP-11): public but tied
to the visitor's session, every step a plain form that keeps what was typed, no step
reachable before the earlier ones, GET never changes anything, POST-only actions, and
htmx answers for the defect step."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from meldpunt.incidents.models import Incident
from meldpunt.incidents.tests.conftest import categories, phases, place  # noqa: F401
from meldpunt.intake.models import RepairRequest, RepairSettings, RepairWizard, WizardEvent
from meldpunt.intake.tests.conftest import repair_on, repair_tree  # noqa: F401

pytestmark = pytest.mark.django_db

INTRO = reverse("portal:repair_intro")
START = reverse("portal:repair_start")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {**EN, "HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def page(public_id: str, step: str) -> str:
    return reverse("portal:repair_step", kwargs={"public_id": public_id, "step": step})


def action(public_id: str, step: str, name: str) -> str:
    return reverse(
        "portal:repair_action", kwargs={"public_id": public_id, "step": step, "action": name}
    )


def start(client: Client) -> str:
    response = client.post(START, **EN)
    assert response.status_code == 302
    found = re.match(r"^/repairment/([\w-]+)/object$", response["Location"])
    assert found, response["Location"]
    return found.group(1)


def identified(client: Client) -> str:
    public_id = start(client)
    response = client.post(
        action(public_id, "object", "identify"),
        {"postcode": "3521 kl", "house_number": "12", "addition": "a"},
        **EN,
    )
    assert response["Location"] == page(public_id, "defect")
    return public_id


def at_costs(client: Client, key: str = "kitchen-tap-leaking") -> str:
    public_id = identified(client)
    client.post(action(public_id, "defect", "choose"), {"node": key}, **EN)
    response = client.post(action(public_id, "defect", "confirm"), {"node": key}, **EN)
    assert response.status_code == 302, response.content
    return public_id


def at_summary(client: Client) -> str:
    public_id = at_costs(client)
    client.post(action(public_id, "costs", "accept"), {"consent": "on"}, **EN)
    client.post(action(public_id, "photos", "send"), {"description": "", "next": "1"}, **EN)
    response = client.post(
        action(public_id, "contact", "save"),
        {"name": "Ayşe Yılmaz", "email": "ayse@example.net", "phone": "06 12345678"},
        **EN,
    )
    assert response["Location"] == page(public_id, "summary")
    return public_id


def jpeg(name: str = "lek.jpg") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (80, 60), (0, 90, 200)).save(output, format="JPEG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in response.context["messages"]]


# ---------------------------------------------------------------- intro, off, start


def test_anonymous_mode_off_says_so_politely_with_the_phone_number(client, organization):
    response = client.get(INTRO, **EN)
    assert response.status_code == 200
    assert "Repair requests without logging in are not possible." in response.text
    assert "020 123 4567" in response.text
    assert 'data-testid="repair-start"' not in response.text
    # Starting anyway starts nothing.
    assert client.post(START, **EN)["Location"] == INTRO
    assert RepairWizard.objects.count() == 0


def test_the_admins_own_wording_of_the_off_message_is_shown(client, organization):
    RepairSettings.objects.create(texts={"anonymous_off": {"en": "Log in first, please."}})
    assert "Log in first, please." in client.get(INTRO, **EN).text


def test_the_intro_shows_the_steps_and_the_urgent_phone_and_creates_nothing(
    client, organization, repair_on, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get(INTRO, **EN)
    assert response.status_code == 200
    assert "Request a repair" in response.text
    assert "0800 123456" in response.text and 'data-testid="urgent-phone"' in response.text
    assert response.text.count("<li>") >= 7
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert RepairWizard.objects.count() == 0


def test_start_is_post_only_and_remembers_the_pass_in_the_session(client, organization, repair_on):
    assert client.get(START, **EN).status_code == 405
    public_id = start(client)
    assert client.session["repair_wizards"] == [public_id]
    wizard = RepairWizard.objects.get(public_id=public_id)
    assert wizard.language == "en" and wizard.mode == RepairWizard.Mode.ANONYMOUS


def test_start_keeps_csrf_protection(organization, repair_on):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(START, **EN).status_code == 403


# ---------------------------------------------------------------- who may open a pass


def test_a_pass_opens_only_in_the_browser_that_started_it(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    assert client.get(page(public_id, "defect"), **EN).status_code == 200
    stranger = Client()
    assert stranger.get(page(public_id, "defect"), **EN).status_code == 404
    assert stranger.get(page(public_id, "object"), **EN).status_code == 404
    assert (
        stranger.post(
            action(public_id, "defect", "choose"), {"node": "kitchen-tap-leaking"}, **EN
        ).status_code
        == 404
    )
    # A pass of this browser's own but another id, or nonsense, is just as unknown.
    assert client.get(page("x" * 16, "defect"), **EN).status_code == 404
    assert client.get(page(public_id, "nonsense"), **EN).status_code == 404
    assert client.post(action(public_id, "defect", "nonsense"), **EN).status_code == 404


def test_another_sessions_pass_is_404_even_with_its_own_passes(
    client, organization, repair_on, repair_tree, place
):
    mine = start(client)
    other = Client()
    theirs = start(other)
    assert client.get(page(theirs, "object"), **EN).status_code == 404
    assert other.get(page(mine, "object"), **EN).status_code == 404


def test_every_action_is_post_only(client, organization, repair_on, repair_tree, place):
    public_id = start(client)
    for step, name in [
        ("object", "identify"),
        ("object", "choose"),
        ("defect", "choose"),
        ("defect", "search"),
        ("defect", "tip"),
        ("defect", "confirm"),
        ("costs", "accept"),
        ("photos", "send"),
        ("contact", "save"),
        ("summary", "send"),
        ("appointment", "save"),
    ]:
        assert client.get(action(public_id, step, name), **EN).status_code == 405


# ---------------------------------------------------------------- step order


def test_a_later_step_sends_back_to_the_first_missing_one_with_a_message(
    client, organization, repair_on, repair_tree, place
):
    public_id = start(client)
    response = client.get(page(public_id, "photos"), follow=True, **EN)
    assert response.redirect_chain[-1][0] == page(public_id, "object")
    assert messages_of(response) == ["Please finish the step “Where” first."]
    client.post(
        action(public_id, "object", "identify"),
        {"postcode": "3521KL", "house_number": "12", "addition": "A"},
        **EN,
    )
    assert client.get(page(public_id, "summary"), **EN)["Location"] == page(public_id, "defect")
    assert client.get(page(public_id, "done"), **EN)["Location"] == page(public_id, "defect")
    # A POST to a later step is refused the same way.
    response = client.post(
        action(public_id, "contact", "save"), {"name": "x", "email": "a@b.nl"}, **EN
    )
    assert response["Location"] == page(public_id, "defect")


def test_get_never_changes_a_pass(client, organization, repair_on, repair_tree, place):
    public_id = at_summary(client)
    wizard = RepairWizard.objects.get(public_id=public_id)
    events = WizardEvent.objects.count()
    for step in ("object", "defect", "costs", "photos", "contact", "summary"):
        assert client.get(page(public_id, step), **EN).status_code == 200
    client.get(page(public_id, "defect") + "?q=kraan&at=kitchen", **EN)
    client.get(page(public_id, "defect") + "?at=kitchen-tap-stiff", **HTMX)
    after = RepairWizard.objects.get(public_id=public_id)
    assert (after.state, after.expires_at, after.status) == (
        wizard.state,
        wizard.expires_at,
        wizard.status,
    )
    assert WizardEvent.objects.count() == events
    assert Incident.objects.count() == 0


def test_an_expired_pass_restarts_with_a_message(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    RepairWizard.objects.filter(public_id=public_id).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(page(public_id, "defect"), follow=True, **EN)
    assert response.redirect_chain[-1][0] == INTRO
    assert "not finished within 24 hours" in messages_of(response)[0]
    response = client.post(action(public_id, "defect", "choose"), {"node": "kitchen"}, **EN)
    assert response["Location"] == INTRO


def test_switching_anonymous_mode_off_sends_passes_under_way_to_the_intro(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    repair_on.anonymous_enabled = False
    repair_on.save()
    assert client.get(page(public_id, "defect"), **EN)["Location"] == INTRO


# ---------------------------------------------------------------- step 1


def test_an_unknown_home_keeps_what_was_typed_and_says_what_is_wrong(
    client, organization, repair_on, repair_tree, place
):
    public_id = start(client)
    response = client.post(
        action(public_id, "object", "identify"),
        {"postcode": "9999 zz", "house_number": "12", "addition": "b"},
        **EN,
    )
    assert response.status_code == 422
    assert "We cannot find a home of ours at this postcode and house number." in response.text
    assert 'value="9999 zz"' in response.text and 'value="b"' in response.text
    assert 'data-testid="error-summary"' in response.text


def test_the_home_typed_is_shown_back_a_tenant_numbers_is_not(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    assert (
        "Your home: Merelstraat 12-A, Utrecht" in client.get(page(public_id, "object"), **EN).text
    )
    other = Client()
    public_id = start(other)
    other.post(action(public_id, "object", "identify"), {"tenant_number": "H700123"}, **EN)
    text = other.get(page(public_id, "object"), **EN).text
    assert "Merelstraat" not in text
    assert "the home of the tenant number you entered" in text


def test_an_owners_instruction_ends_on_a_page_with_their_message(
    client, organization, repair_on, repair_tree, place
):
    from tests.factories import OwnerInstructionFactory

    instruction = OwnerInstructionFactory(message="Bel Beheer & Co: 010-1234567.")
    place.unit.owner = instruction.owner
    place.unit.save()
    public_id = start(client)
    response = client.post(
        action(public_id, "object", "identify"),
        {"postcode": "3521KL", "house_number": "12", "addition": "A"},
        follow=True,
        **EN,
    )
    assert response.redirect_chain[-1][0] == page(public_id, "stopped")
    assert "Bel Beheer &amp; Co: 010-1234567." in response.text
    # Every other page of the pass leads back to this one.
    assert client.get(page(public_id, "defect"), **EN)["Location"] == page(public_id, "stopped")


def test_common_areas_are_offered_with_show_all_and_a_bad_choice_keeps_the_list(
    client, organization, repair_on, repair_tree, place
):
    from tests.factories import BuildingBlockFactory, CommonAreaFactory

    block = BuildingBlockFactory(complex=place.complex)
    place.unit.building_block = block
    place.unit.save()
    CommonAreaFactory(complex=place.complex, building_block=block, name="Trappenhuis A")
    far = CommonAreaFactory(
        complex=place.complex,
        building_block=BuildingBlockFactory(complex=place.complex),
        name="Trappenhuis B",
    )
    public_id = start(client)
    response = client.post(
        action(public_id, "object", "identify"),
        {"postcode": "3521KL", "house_number": "12", "addition": "A"},
        **EN,
    )
    assert response["Location"] == page(public_id, "object")
    text = client.get(page(public_id, "object"), **EN).text
    assert "Trappenhuis A" in text and "Trappenhuis B" not in text
    assert 'data-testid="show-all-areas"' in text
    text = client.get(page(public_id, "object") + "?all=1", **EN).text
    assert "Trappenhuis B" in text and 'data-testid="show-all-areas"' not in text
    response = client.post(action(public_id, "object", "choose"), {"place": "nope"}, **EN)
    assert response.status_code == 422
    assert "Choose your home or one of the common areas listed." in response.text
    response = client.post(action(public_id, "object", "choose"), {"place": far.public_id}, **EN)
    assert response["Location"] == page(public_id, "defect")
    text = client.get(page(public_id, "defect"), **EN).text
    assert "Stairwell" in text or "Lamp" in text


# ---------------------------------------------------------------- step 2


def test_the_defect_step_lists_options_as_buttons_with_breadcrumbs(
    client, organization, repair_on, repair_tree, place, django_assert_max_num_queries
):
    public_id = identified(client)
    with django_assert_max_num_queries(12):
        response = client.get(page(public_id, "defect"), **EN)
    text = response.text
    assert re.findall(r'name="node" value="([\w-]+)"', text) == [
        "bathroom",
        "hall",
        "kitchen",
        "living",
    ]
    assert '<legend class="repair-level__question" id="level-question" tabindex="-1">' in text
    assert 'aria-current="step"' in text
    response = client.post(action(public_id, "defect", "choose"), {"node": "kitchen"}, **EN)
    assert response["Location"] == page(public_id, "defect")
    text = client.get(page(public_id, "defect"), **EN).text
    assert 'data-testid="repair-crumb"' in text
    assert re.findall(r'name="node" value="([\w-]+)"', text) == [
        "kitchen-cupboard",
        "kitchen-tap",
        "kitchen-water",
    ]


def test_a_search_filters_and_passes_through_single_matches_with_and_without_htmx(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    full = client.get(page(public_id, "defect") + "?q=kraan", **EN)
    assert "<html" in full.text
    assert re.findall(r'name="node" value="([\w-]+)"', full.text) == ["bathroom", "kitchen"]
    partial = client.get(page(public_id, "defect") + "?q=kraan", **HTMX)
    assert "<html" not in partial.text and 'id="defect-panel"' in partial.text
    assert "3 matching defects" in partial.text
    # The no-JavaScript search posts and lands on the same page.
    response = client.post(action(public_id, "defect", "search"), {"q": "spiegel"}, **EN)
    assert response["Location"] == page(public_id, "defect") + "?q=spiegel"
    text = client.get(response["Location"], **EN).text
    assert re.findall(r'name="node" value="([\w-]+)"', text) == ["bathroom-mirror-glass-broken"]
    # Choosing under a search keeps filtering below the choice.
    response = client.post(
        action(public_id, "defect", "choose"), {"node": "kitchen", "q": "kraan"}, **EN
    )
    assert response["Location"] == page(public_id, "defect") + "?q=kraan&at=kitchen-tap-spout"
    nothing = client.get(page(public_id, "defect") + "?q=olifant", **EN).text
    assert 'data-testid="no-match"' in nothing


def test_a_leaf_shows_its_repair_and_tip_and_a_stop_leaf_its_message(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    client.post(action(public_id, "defect", "choose"), {"node": "kitchen-tap-leaking"}, **EN)
    text = client.get(page(public_id, "defect"), **EN).text
    assert "We replace the washer or the leaking tap." in text
    assert "Close the tap firmly" in text and "<strong>firmly</strong>" in text
    assert 'href="https://video.example.org/kraan"' in text
    assert 'data-testid="tip-solved"' in text
    response = client.post(
        action(public_id, "defect", "choose"),
        {"node": "kitchen-cupboard-door-handle"},
        follow=True,
        **EN,
    )
    assert response.redirect_chain[-1][0] == page(public_id, "stopped")
    assert "You repair this yourself" in response.text
    assert "020 123 4567" in response.text


def test_rep4c_the_configured_message_is_shown(client, organization, repair_on, repair_tree, place):
    repair_on.texts = {"not_specified": {"en": "Ask the caretaker."}}
    repair_on.save()
    public_id = identified(client)
    response = client.post(
        action(public_id, "defect", "choose"),
        {"node": "bathroom-mirror-glass-broken"},
        follow=True,
        **EN,
    )
    assert "Ask the caretaker." in response.text


def test_a_tip_that_solved_it_thanks_the_tenant(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    client.post(action(public_id, "defect", "choose"), {"node": "kitchen-tap-leaking"}, **EN)
    response = client.post(
        action(public_id, "defect", "tip"),
        {"node": "kitchen-tap-leaking", "tip": "tap-washer"},
        follow=True,
        **EN,
    )
    assert response.redirect_chain[-1][0] == page(public_id, "resolved")
    assert "Good to hear the problem is solved" in response.text
    assert RepairRequest.objects.get().outcome == RepairRequest.Outcome.RESOLVED
    assert Incident.objects.count() == 0


def test_a_missing_cause_keeps_the_page_with_an_error(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    client.post(
        action(public_id, "defect", "choose"), {"node": "kitchen-cupboard-door-loose"}, **EN
    )
    response = client.post(
        action(public_id, "defect", "confirm"), {"node": "kitchen-cupboard-door-loose"}, **EN
    )
    assert response.status_code == 422
    assert "Choose what caused the problem." in response.text
    assert "We fix the cupboard door." in response.text
    response = client.post(
        action(public_id, "defect", "confirm"),
        {"node": "kitchen-cupboard-door-loose", "cause": "wear"},
        **EN,
    )
    assert response["Location"] == page(public_id, "costs")


def test_htmx_choices_swap_the_panel_and_leaving_the_step_reloads_the_page(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    response = client.post(action(public_id, "defect", "choose"), {"node": "kitchen"}, **HTMX)
    assert response.status_code == 302  # htmx follows it to the panel
    response = client.post(
        action(public_id, "defect", "confirm"), {"node": "kitchen-tap-leaking"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == page(public_id, "costs")
    response = client.post(
        action(public_id, "defect", "confirm"), {"node": "kitchen-cupboard-door-loose"}, **HTMX
    )
    assert response.status_code == 422 and "<html" not in response.text


# ---------------------------------------------------------------- steps 3 to 5


def test_costs_show_the_amount_and_need_consent(
    client, organization, repair_on, repair_tree, place
):
    public_id = at_costs(client)
    text = client.get(page(public_id, "costs"), **EN).text
    assert "€45.00" in text and "including VAT" in text
    assert "service subscription, which your contract does not include" in text
    response = client.post(action(public_id, "costs", "accept"), {}, **EN)
    assert response.status_code == 422
    assert "Tick the box to agree to the costs, or call us." in response.text
    response = client.post(action(public_id, "costs", "accept"), {"consent": "on"}, **EN)
    assert response["Location"] == page(public_id, "photos")


def test_no_costs_say_why(client, organization, repair_on, repair_tree, place):
    from meldpunt.tenancy.models import Contract

    Contract.objects.filter(unit=place.unit).update(has_service_subscription=True)
    public_id = at_costs(client)
    text = client.get(page(public_id, "costs"), **EN).text
    assert "No costs: covered by your service subscription." in text
    assert 'name="consent"' not in text


def test_an_inspection_skips_the_costs_page(client, organization, repair_on, repair_tree, place):
    public_id = at_costs(client, key="living-heating-radiator-cold")
    assert client.get(page(public_id, "costs"), **EN)["Location"] == page(public_id, "photos")


def test_photos_are_kept_across_reloads_refused_ones_named_and_the_text_kept(
    client, organization, repair_on, repair_tree, place
):
    public_id = at_costs(client)
    client.post(action(public_id, "costs", "accept"), {"consent": "on"}, **EN)
    bad = SimpleUploadedFile("kapot.jpg", b"\xff\xd8\xff broken", content_type="image/jpeg")
    response = client.post(
        action(public_id, "photos", "send"),
        {"photos": [jpeg("kraan.jpg"), bad], "description": "Druppelt", "add": "1"},
        follow=True,
        **EN,
    )
    assert response.redirect_chain[-1][0] == page(public_id, "photos")
    assert any(m.startswith("kapot.jpg: ") for m in messages_of(response))
    assert "kraan.jpg" in response.text and "\nDruppelt</textarea>" in response.text
    kept = re.search(r'/repairment/[\w-]+/photos/(\d+)"', response.text)
    assert kept and client.get(kept.group(0)[:-1], **EN).status_code == 200
    # The photo is this pass's: another browser gets 404.
    assert Client().get(kept.group(0)[:-1]).status_code == 404
    response = client.post(
        action(public_id, "photos", "send"),
        {"remove_photo": kept.group(1), "description": "Druppelt erg"},
        follow=True,
        **EN,
    )
    assert "kraan.jpg" not in response.text and "\nDruppelt erg</textarea>" in response.text
    response = client.post(
        action(public_id, "photos", "send"), {"description": "Druppelt erg", "next": "1"}, **EN
    )
    assert response["Location"] == page(public_id, "contact")


def test_a_required_description_is_asked_for(client, organization, repair_on, repair_tree, place):
    repair_on.description_required = True
    repair_on.save()
    public_id = at_costs(client)
    client.post(action(public_id, "costs", "accept"), {"consent": "on"}, **EN)
    response = client.post(action(public_id, "photos", "send"), {"next": "1"}, **EN)
    assert response.status_code == 422
    assert "Describe the problem in a few words." in response.text


def test_contact_errors_keep_what_was_typed(client, organization, repair_on, repair_tree, place):
    public_id = at_costs(client)
    client.post(action(public_id, "costs", "accept"), {"consent": "on"}, **EN)
    client.post(action(public_id, "photos", "send"), {"next": "1"}, **EN)
    text = client.get(page(public_id, "contact"), **EN).text
    # Anonymous: nobody's details are filled in, and no "update my details" choice.
    assert "yilmaz@example.net" not in text and 'name="update"' not in text
    response = client.post(
        action(public_id, "contact", "save"),
        {"name": "Ayşe Yılmaz", "email": "ayse@", "phone": "12"},
        **EN,
    )
    assert response.status_code == 422
    assert 'value="Ayşe Yılmaz"' in response.text
    assert "Enter an email address like name@example.com." in response.text


# ---------------------------------------------------------------- steps 6 and 7


def test_the_summary_shows_everything_and_sending_twice_makes_one_request(
    client, organization, repair_on, repair_tree, place
):
    public_id = at_summary(client)
    text = client.get(page(public_id, "summary"), **EN).text
    for expected in (
        "Merelstraat 12-A, Utrecht",
        "Kitchen › Tap › Spout › Leaking",
        "We replace the washer or the leaking tap.",
        "€45.00",
        "ayse@example.net",
        "06 12345678",
    ):
        assert expected in text
    first = client.post(action(public_id, "summary", "send"), **EN)
    second = client.post(action(public_id, "summary", "send"), **EN)
    assert first["Location"] == second["Location"] == page(public_id, "appointment")
    assert Incident.objects.count() == 1 and RepairRequest.objects.count() == 1
    # After sending, the earlier steps are closed.
    response = client.get(page(public_id, "photos"), follow=True, **EN)
    assert response.redirect_chain[-1][0] == page(public_id, "appointment")
    assert "Your request has been sent; it cannot be changed here." in messages_of(response)


def test_the_preferred_date_refuses_a_weekend_and_ends_on_the_done_page(
    client, organization, repair_on, repair_tree, place
):
    public_id = at_summary(client)
    client.post(action(public_id, "summary", "send"), **EN)
    text = client.get(page(public_id, "appointment"), **EN).text
    incident = Incident.objects.get()
    assert f"Your request number is {incident.pk}" in text
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    response = client.post(
        action(public_id, "appointment", "save"),
        {"preferred_date": saturday.isoformat(), "preferred_part": "08-10"},
        **EN,
    )
    assert response.status_code == 422
    assert "We do not work on that day (Weekend)" in response.text
    assert f'value="{saturday.isoformat()}"' in response.text
    wednesday = today + timedelta(days=14 + (2 - today.weekday()) % 7)
    response = client.post(
        action(public_id, "appointment", "save"),
        {"preferred_date": wednesday.isoformat(), "preferred_part": "14-16"},
        follow=True,
        **EN,
    )
    assert response.redirect_chain[-1][0] == page(public_id, "done")
    assert f'data-testid="request-reference">{incident.pk}<' in response.text
    assert "14:00–16:00" in response.text
    assert "The tenant chose a date after the deadline of this repair." in response.text
    request = RepairRequest.objects.get()
    assert (request.preferred_date, request.after_deadline) == (wednesday, True)


def test_a_request_without_a_visit_ends_on_done_saying_so(
    client, organization, repair_on, repair_tree, place
):
    public_id = at_costs(client, key="kitchen-tap-stiff")
    client.post(action(public_id, "costs", "accept"), {"consent": "on"}, **EN)
    client.post(action(public_id, "photos", "send"), {"next": "1"}, **EN)
    client.post(action(public_id, "contact", "save"), {"name": "Ayşe", "phone": "0301234567"}, **EN)
    response = client.post(action(public_id, "summary", "send"), follow=True, **EN)
    assert response.redirect_chain[-1][0] == page(public_id, "done")
    assert "No appointment is needed" in response.text
    assert client.get(page(public_id, "appointment"), **EN)["Location"] == page(public_id, "done")


def test_the_language_follows_the_lang_parameter(
    client, organization, repair_on, repair_tree, place
):
    public_id = identified(client)
    response = client.get(page(public_id, "defect") + "?lang=nb", **EN)
    assert '<html lang="nb">' in response.text
    response = client.post(
        action(public_id, "defect", "choose") + "?lang=nb", {"node": "kitchen"}, **EN
    )
    assert response["Location"] == page(public_id, "defect") + "?lang=nb"
