"""The repair wizard pages of the back office (administrators): trees and options,
templates, tips, causes, action codes, maintenance forms, import and export, the
tenant's-eye preview, the settings and the figures."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from meldpunt.accounts.models import StaffRole
from meldpunt.backoffice import repair_tree_forms
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.intake import repair_tree_io
from meldpunt.intake.models import (
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairSettings,
    RepairTemplate,
    Tip,
    TreeNode,
    WizardEvent,
)
from meldpunt.intake.repair_tree_io import repair_tree_export_json, repair_tree_import_json
from meldpunt.intake.tests import tree_sample
from meldpunt.intake.tests.test_repair_analytics import make_pass
from meldpunt.intake.wizard import Step
from tests.factories import UnitTypeFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.fixture
def admin_client(staff_client, organization) -> Client:  # type: ignore[no-untyped-def]
    client = staff_client(StaffRole.ADMIN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def tree(db) -> QuestionTree:
    tree_sample.contract_elements()
    return repair_tree_import_json(actor=SYSTEM, data=tree_sample.sample())


def node(tree: QuestionTree, key: str) -> TreeNode:
    return TreeNode.objects.get(tree=tree, key=key)


def url(name: str, *args: object) -> str:
    return reverse(f"backoffice:{name}", args=args)


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_the_pages_live_under_backoffice_repair(tree):
    assert url("repair_trees") == "/backoffice/repair/"
    assert url("repair_tree", tree.pk) == f"/backoffice/repair/{tree.pk}/"
    assert (
        url("repair_node_preview", tree.pk, 3) == f"/backoffice/repair/{tree.pk}/nodes/3/preview/"
    )
    assert url("repair_action_codes", tree.pk) == f"/backoffice/repair/{tree.pk}/action-codes/"


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER, ""])
def test_other_staff_get_403(staff_client, organization, tree, role):
    client = staff_client(role)
    assert client.get(url("repair_trees")).status_code == 403
    assert client.get(url("repair_tree", tree.pk)).status_code == 403
    assert (
        client.post(url("repair_node_delete", tree.pk, node(tree, "garden").pk)).status_code == 403
    )
    assert TreeNode.objects.filter(key="garden").exists()


def test_anonymous_visitors_are_sent_to_the_login(client, tree):
    response = client.get(url("repair_tree", tree.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_option_of_another_tree_is_404(admin_client, tree):
    other = repair_tree_import_json(
        actor=SYSTEM, data={**tree_sample.sample(), "tree": {"code": "b", "name": {"nl": "B"}}}
    )
    foreign = node(other, "kitchen")
    for name in (
        "repair_node_edit",
        "repair_node_preview",
        "repair_node_delete",
        "repair_node_add",
    ):
        assert admin_client.get(url(name, tree.pk, foreign.pk)).status_code == 404, name
    template = RepairTemplate.objects.get(tree=other, code="tap-leaking")
    assert admin_client.get(url("repair_template_edit", tree.pk, template.pk)).status_code == 404
    response = admin_client.post(url("repair_template_delete", tree.pk, template.pk))
    assert response.status_code == 404
    assert RepairTemplate.objects.filter(pk=template.pk).exists()


def test_the_menu_links_the_repair_pages_for_administrators_only(admin_client, staff_client, tree):
    assert 'data-testid="nav-repair"' in page(admin_client.get(url("repair_trees")))
    agent = staff_client(StaffRole.AGENT)
    assert 'data-testid="nav-repair"' not in page(agent.get(url("incident_list")))


# ---------------------------------------------------------------- trees


def test_the_tree_list_shows_counts_and_use(admin_client, tree, django_assert_max_num_queries):
    apartment = UnitTypeFactory(code="apartment", name="Apartment")
    tree.unit_types.add(apartment)
    QuestionTree.objects.filter(pk=tree.pk).update(is_default=True)
    with django_assert_max_num_queries(12) as counted:
        content = page(admin_client.get(url("repair_trees")))
    assert "Standard" in content and "Apartment" in content and "Default tree" in content
    assert '<td class="num" data-label="Options">16</td>' in content
    assert '<td class="num" data-label="Leaves">5</td>' in content
    assert '<td class="num" data-label="Templates">3</td>' in content
    for code in ("b", "c", "d"):
        repair_tree_import_json(
            actor=SYSTEM,
            data={**tree_sample.sample(), "tree": {"code": code, "name": {"nl": code}}},
        )
    with django_assert_max_num_queries(len(counted.captured_queries)):
        admin_client.get(url("repair_trees"))


def test_without_trees_the_shipped_tree_can_be_loaded(
    admin_client, organization, tmp_path, monkeypatch
):
    shipped = tmp_path / "repair_tree.json"
    shipped.write_text(json.dumps(tree_sample.sample()), encoding="utf-8")
    monkeypatch.setattr(repair_tree_io, "SHIPPED_TREE", shipped)
    tree_sample.contract_elements()
    content = page(admin_client.get(url("repair_trees")))
    assert 'data-testid="load-shipped"' in content
    assert admin_client.get(url("repair_load_shipped")).status_code == 405
    response = admin_client.post(url("repair_load_shipped"))
    tree = QuestionTree.objects.get()
    assert response["Location"] == url("repair_tree", tree.pk)
    assert tree.is_default
    assert "is the default tree" in page(admin_client.get(response["Location"]))


def test_a_missing_shipped_tree_is_reported(admin_client, organization, tmp_path, monkeypatch):
    monkeypatch.setattr(repair_tree_io, "SHIPPED_TREE", tmp_path / "none.json")
    response = admin_client.post(url("repair_load_shipped"), follow=True)
    assert "The shipped question tree is missing." in page(response)
    assert not QuestionTree.objects.exists()


def test_a_tree_is_made_and_a_taken_code_keeps_what_was_typed(admin_client, tree):
    response = admin_client.post(
        url("repair_tree_create"), {"code": "standard", "name_nl": "Nog een", "name_en": "Again"}
    )
    assert response.status_code == 422
    content = page(response)
    assert "Another tree already has this code." in content
    assert 'value="Nog een"' in content and 'value="Again"' in content
    response = admin_client.post(url("repair_tree_create"), {"code": "flats", "name_nl": "Flats"})
    flats = QuestionTree.objects.get(code="flats")
    assert response["Location"] == url("repair_tree", flats.pk)


def test_names_and_unit_types_are_edited(admin_client, tree):
    apartment = UnitTypeFactory(code="apartment", name="Apartment")
    content = page(admin_client.get(url("repair_tree_edit", tree.pk)))
    assert 'name="unit_types"' in content and "Apartment" in content
    response = admin_client.post(
        url("repair_tree_edit", tree.pk),
        {"name_nl": "Woningen", "name_en": "Homes", "unit_types": [apartment.pk]},
    )
    assert response.status_code == 302
    tree.refresh_from_db()
    assert tree.name_nl == "Woningen" and list(tree.unit_types.all()) == [apartment]
    response = admin_client.post(url("repair_tree_edit", tree.pk), {"name_nl": ""})
    assert response.status_code == 422


def test_a_tree_becomes_the_default(admin_client, tree):
    assert admin_client.get(url("repair_tree_default", tree.pk)).status_code == 405
    admin_client.post(url("repair_tree_default", tree.pk))
    tree.refresh_from_db()
    assert tree.is_default


# ---------------------------------------------------------------- the outline and options


def test_the_tree_page_shows_the_options_as_an_outline(admin_client, tree):
    content = page(admin_client.get(url("repair_tree", tree.pk)))
    for name in ("Keuken", "Aanrecht", "Kraan", "Uit de tuit", "Trappenhuis", "Staat stil"):
        assert name in content
    assert content.count("<details") == 11  # the options with options below them
    assert "No outcome: “not specified”" in content  # "At the base" leads nowhere
    assert 'class="mono">drain-blocked</span>' in content
    assert url("repair_tree_export_json", tree.pk) in content
    assert url("repair_tree_import", tree.pk) in content
    spout = node(tree, "kitchen-tap-dripping-spout")
    assert url("repair_node_add", tree.pk, spout.pk) not in content  # it has a template
    opened = page(admin_client.get(url("repair_tree", tree.pk) + f"?open={spout.pk}"))
    assert opened.count("<details open>") == 4


def test_the_outline_costs_the_same_queries_for_a_large_tree(
    admin_client, tree, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as counted:
        admin_client.get(url("repair_tree", tree.pk))
    big = repair_tree_import_json(
        actor=SYSTEM, data={**tree_sample.large(), "tree": {"code": "big", "name": {"nl": "B"}}}
    )
    with django_assert_max_num_queries(len(counted.captured_queries)):
        response = admin_client.get(url("repair_tree", big.pk))
    assert page(response).count('class="tree-outline__leaf"') == 324


@pytest.fixture
def icons(monkeypatch):  # type: ignore[no-untyped-def]
    """The symbols of static/icons/repair.svg, fixed for the test."""
    monkeypatch.setattr(repair_tree_forms, "repair_icon_names", lambda: ["kitchen", "roof"])


def test_a_room_and_an_option_below_it_are_added(admin_client, tree, icons):
    revision = tree.revision
    content = page(admin_client.get(url("repair_node_create", tree.pk)))
    assert '<option value="roof">roof</option>' in content
    response = admin_client.post(
        url("repair_node_create", tree.pk),
        {"name_nl": "Zolder", "name_en": "Attic", "icon": "roof", "scope": ""},
    )
    attic = node(tree, "zolder")
    assert response["Location"] == url("repair_tree", tree.pk) + f"?open={attic.pk}#node-{attic.pk}"
    assert attic.level == 1 and attic.icon == "roof"
    admin_client.post(
        url("repair_node_add", tree.pk, attic.pk),
        {"name_nl": "Luik", "key": "attic-hatch", "keywords_nl": "zolderluik"},
    )
    hatch = node(tree, "attic-hatch")
    assert (hatch.parent, hatch.level, hatch.keywords_nl) == (attic, 2, "zolderluik")
    tree.refresh_from_db()
    assert tree.revision == revision + 2


def test_only_icons_of_the_icon_file_can_be_chosen(admin_client, tree, icons):
    response = admin_client.post(
        url("repair_node_create", tree.pk), {"name_nl": "Zolder", "icon": "attic"}
    )
    assert response.status_code == 422
    assert "Select a valid choice." in page(response)
    assert 'value="Zolder"' in page(response)


def test_no_option_is_added_below_level_five(admin_client, tree):
    spout = node(tree, "kitchen-tap-dripping-spout")
    response = admin_client.get(url("repair_node_add", tree.pk, spout.pk), follow=True)
    assert "Options cannot go deeper than level 5 (specification)." in page(response)
    response = admin_client.post(url("repair_node_add", tree.pk, spout.pk), {"name_nl": "Diep"})
    assert response.status_code == 302
    assert not TreeNode.objects.filter(name_nl="Diep").exists()


def test_a_wrong_option_keeps_what_was_typed(admin_client, tree):
    blocked = node(tree, "kitchen-drain-blocked")
    action = ActionCode.objects.get(tree=tree, code="tenant-own")
    response = admin_client.post(
        url("repair_node_edit", tree.pk, blocked.pk),
        {
            "name_nl": "Helemaal verstopt",
            "template": blocked.template_id,
            "action_code": action.pk,
        },
    )
    assert response.status_code == 422
    content = page(response)
    assert "Choose a template or an action code, not both." in content
    assert 'value="Helemaal verstopt"' in content
    blocked.refresh_from_db()
    assert blocked.name_nl == "Verstopt"


def test_an_option_with_options_below_it_has_no_outcome_fields(admin_client, tree):
    content = page(admin_client.get(url("repair_node_edit", tree.pk, node(tree, "kitchen").pk)))
    assert 'name="template"' not in content
    assert 'name="scope"' in content  # a room
    content = page(
        admin_client.get(url("repair_node_edit", tree.pk, node(tree, "kitchen-sink").pk))
    )
    assert 'name="scope"' not in content


def test_an_option_is_removed_with_its_subtree_after_confirmation(admin_client, tree):
    sink = node(tree, "kitchen-sink")
    content = page(admin_client.get(url("repair_node_delete", tree.pk, sink.pk)))
    assert "The 6 options below it are removed too." in content
    response = admin_client.post(url("repair_node_delete", tree.pk, sink.pk), follow=True)
    assert "“Aanrecht” is removed with the 6 options below it." in page(response)
    assert not TreeNode.objects.filter(tree=tree, key__startswith="kitchen-").exists()


# ---------------------------------------------------------------- templates and the rest


def test_templates_are_searched_by_code_and_description(admin_client, tree):
    content = page(admin_client.get(url("repair_templates", tree.pk) + "?q=ontstoppen"))
    assert "drain-blocked" in content and "tap-leaking" not in content
    content = page(admin_client.get(url("repair_templates", tree.pk) + "?q=LIFT"))
    assert "lift-broken" in content and "drain-blocked" not in content


def _template_form(**overrides: object) -> dict[str, object]:
    return {
        "code": "door-stuck",
        "description_nl": "Wij stellen de deur af.",
        "urgency": "1w",
        "appointment_required": "on",
        "cost": "12,50",
        "vat_rate": "21",
        "common_area_kind": "",
        "creates_work_order": "on",
        **overrides,
    }


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("abc", "Enter an amount such as 12.50 or 12,50."),
        ("-3", "The costs cannot be negative."),
        ("1.234", "Use at most two decimals (cents)."),
        ("1000000", "Enter an amount of at most 999999.99."),
    ],
)
def test_bad_costs_are_explained_and_kept(admin_client, tree, cost, message):
    response = admin_client.post(url("repair_template_create", tree.pk), _template_form(cost=cost))
    assert response.status_code == 422
    content = page(response)
    assert message in content
    assert f'value="{cost}"' in content
    assert "Wij stellen de deur af." in content
    assert not RepairTemplate.objects.filter(code="door-stuck").exists()


def test_a_template_is_saved_with_checkbox_choices(admin_client, tree):
    tip = Tip.objects.get(tree=tree, code="tap-washer")
    wear = Cause.objects.get(tree=tree, code="wear")
    daily = MaintenanceForm.objects.get(code="daily")
    content = page(admin_client.get(url("repair_template_create", tree.pk)))
    assert 'type="checkbox" name="contract_elements"' in content
    response = admin_client.post(
        url("repair_template_create", tree.pk),
        _template_form(tips=[tip.pk], causes=[wear.pk], maintenance_forms=[daily.pk]),
    )
    assert response["Location"] == url("repair_templates", tree.pk)
    template = RepairTemplate.objects.get(tree=tree, code="door-stuck")
    assert template.cost == Decimal("12.50")
    assert list(template.tips.all()) == [tip] and list(template.causes.all()) == [wear]
    edit = page(admin_client.get(url("repair_template_edit", tree.pk, template.pk)))
    assert 'value="12.50"' in edit and "disabled" in edit  # the code stays
    response = admin_client.post(
        url("repair_template_edit", tree.pk, template.pk),
        _template_form(code="renamed", description_nl="Wij schaven de deur.", cost="0"),
    )
    template.refresh_from_db()
    assert (template.code, template.cost, template.description_nl) == (
        "door-stuck",
        Decimal("0.00"),
        "Wij schaven de deur.",
    )
    assert not template.tips.exists()  # unticked


def test_a_taken_template_code_is_explained(admin_client, tree):
    response = admin_client.post(
        url("repair_template_create", tree.pk), _template_form(code="tap-leaking")
    )
    assert response.status_code == 422
    assert "Another item of this tree already has this code." in page(response)


def test_a_template_in_use_stays_and_says_why(admin_client, tree):
    template = RepairTemplate.objects.get(tree=tree, code="drain-blocked")
    response = admin_client.post(url("repair_template_delete", tree.pk, template.pk), follow=True)
    assert "1 option leads here (“Verstopt”)." in page(response)
    assert RepairTemplate.objects.filter(pk=template.pk).exists()
    assert admin_client.get(url("repair_template_delete", tree.pk, template.pk)).status_code == 405


def test_a_tip_shows_a_preview_before_it_is_saved(admin_client, tree):
    data = {
        "code": "boiler",
        "title_nl": "Ketel",
        "body_nl": "Druk op **reset**.\n- Wacht",
        "preview": "1",
    }
    response = admin_client.post(url("repair_tip_create", tree.pk), data)
    assert response.status_code == 200
    content = page(response)
    assert "<strong>reset</strong>" in content and "<li>Wacht</li>" in content
    assert not Tip.objects.filter(code="boiler").exists()
    del data["preview"]
    admin_client.post(url("repair_tip_create", tree.pk), data)
    assert Tip.objects.get(tree=tree, code="boiler").body_nl == "Druk op **reset**.\n- Wacht"


def test_a_removed_tip_is_detached(admin_client, tree):
    tip = Tip.objects.get(tree=tree, code="tap-washer")
    response = admin_client.post(url("repair_tip_delete", tree.pk, tip.pk), follow=True)
    assert "templates and options no longer show it" in page(response)
    assert not Tip.objects.filter(pk=tip.pk).exists()


def test_causes_and_action_codes_are_listed_and_made(admin_client, tree):
    assert "charged to the tenant" in page(admin_client.get(url("repair_causes", tree.pk)))
    admin_client.post(
        url("repair_cause_create", tree.pk),
        {"code": "vandalism", "name_nl": "Vernieling", "charged_to_tenant": "on"},
    )
    assert Cause.objects.get(tree=tree, code="vandalism").charged_to_tenant
    content = page(admin_client.get(url("repair_action_codes", tree.pk)))
    assert "Dit herstelt u zelf." in content
    response = admin_client.post(url("repair_action_code_create", tree.pk), {"code": ""})
    assert response.status_code == 422
    admin_client.post(
        url("repair_action_code_create", tree.pk),
        {"code": "municipality", "message_nl": "Bel de gemeente."},
    )
    assert ActionCode.objects.filter(tree=tree, code="municipality").exists()


def test_maintenance_forms_are_shared_and_kept_while_in_use(admin_client, tree):
    content = page(admin_client.get(url("repair_maintenance_forms")))
    assert "daily" in content and "1 templates, 0 units" in content
    daily = MaintenanceForm.objects.get(code="daily")
    response = admin_client.post(url("repair_maintenance_form_delete", daily.pk), follow=True)
    assert "still used by 1 templates" in page(response)
    admin_client.post(url("repair_maintenance_form_create"), {"code": "planned", "name_nl": "Plan"})
    planned = MaintenanceForm.objects.get(code="planned")
    admin_client.post(url("repair_maintenance_form_edit", planned.pk), {"name_nl": "Planmatig"})
    planned.refresh_from_db()
    assert (planned.code, planned.name_nl) == ("planned", "Planmatig")
    admin_client.post(url("repair_maintenance_form_delete", planned.pk))
    assert not MaintenanceForm.objects.filter(code="planned").exists()


# ---------------------------------------------------------------- import and export


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_bad_file_lists_its_problems_and_changes_nothing(admin_client, tree):
    before = repair_tree_export_json(tree=tree)
    data = tree_sample.sample()
    data["templates"][2]["tips"] = ["x"]
    data["templates"][0]["cost"] = "veel"
    response = admin_client.post(
        url("repair_tree_import", tree.pk),
        {"file": _upload("tree.json", json.dumps(data).encode())},
    )
    assert response.status_code == 422
    content = page(response)
    assert "Nothing was changed." in content
    assert "templates[2] (code tap-leaking): unknown tip &#x27;x&#x27;" in content
    assert "&#x27;veel&#x27; is not an amount" in content
    assert repair_tree_export_json(tree=tree) == before


def test_a_file_that_is_no_tree_is_refused(admin_client, tree):
    response = admin_client.post(
        url("repair_tree_import", tree.pk), {"file": _upload("photo.json", b"\x89PNG")}
    )
    assert response.status_code == 422
    assert "neither a repair tree in JSON nor an Excel workbook" in page(response)
    response = admin_client.post(url("repair_tree_import", tree.pk), {})
    assert response.status_code == 422
    assert "This field is required." in page(response)


def test_an_excel_export_imports_back_into_the_tree(admin_client, tree):
    response = admin_client.get(url("repair_tree_export_xlsx", tree.pk))
    assert response["Content-Disposition"] == 'attachment; filename="repair-tree-standard.xlsx"'
    workbook = response.content
    TreeNode.objects.filter(tree=tree, key="garden").delete()
    response = admin_client.post(
        url("repair_tree_import", tree.pk), {"file": _upload("anything.xlsx", workbook)}
    )
    assert response["Location"] == url("repair_tree", tree.pk)
    assert TreeNode.objects.filter(tree=tree, key="garden-fence-post-rotten").exists()


def test_keep_mode_from_the_import_page(admin_client, tree):
    data = tree_sample.sample()
    data["nodes"] = [n for n in data["nodes"] if n["key"] == "garden"]
    admin_client.post(
        url("repair_tree_import", tree.pk),
        {"file": _upload("t.json", json.dumps(data).encode()), "keep": "on"},
    )
    assert TreeNode.objects.filter(tree=tree, key="kitchen").exists()


def test_the_general_import_makes_a_tree_by_the_files_code(admin_client, tree):
    data = {**tree_sample.sample(), "tree": {"code": "flats", "name": {"nl": "Flats"}}}
    response = admin_client.post(
        url("repair_import"), {"file": _upload("flats.json", json.dumps(data).encode())}
    )
    flats = QuestionTree.objects.get(code="flats")
    assert response["Location"] == url("repair_tree", flats.pk)


def test_the_json_export_is_the_exchange_format(admin_client, tree):
    response = admin_client.get(url("repair_tree_export_json", tree.pk))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="repair-tree-standard.json"'
    assert json.loads(response.content) == repair_tree_export_json(tree=tree)
    assert admin_client.post(url("repair_tree_export_json", tree.pk)).status_code == 405


# ---------------------------------------------------------------- the tenant's view


def test_the_preview_shows_the_rooms_in_the_chosen_language(admin_client, tree):
    content = page(admin_client.get(url("repair_tree_preview", tree.pk) + "?lang=en"))
    assert content.index(">Garden<") < content.index(">Kitchen<")
    assert "Stairwell" not in content  # a room for common areas only
    content = page(admin_client.get(url("repair_tree_preview", tree.pk) + "?lang=nl"))
    assert content.index(">Keuken<") < content.index(">Tuin<")
    assert 'lang="nl"' in content
    content = page(
        admin_client.get(url("repair_tree_preview", tree.pk) + "?lang=en&scope=common_area")
    )
    assert ">Stairwell<" in content and ">Kitchen<" not in content
    # Norwegian is empty in the sample: the Dutch names stand in.
    content = page(admin_client.get(url("repair_tree_preview", tree.pk) + "?lang=nb"))
    assert ">Keuken<" in content


def test_the_preview_of_a_leaf_shows_the_outcome(admin_client, tree):
    blocked = node(tree, "kitchen-drain-blocked")
    content = page(admin_client.get(url("repair_node_preview", tree.pk, blocked.pk) + "?lang=en"))
    assert "We unblock the drain." in content
    assert "Within 3 working days" in content
    assert "No costs, covered by the service subscription." in content
    assert "€45.00" in content  # without a subscription
    assert "Tenant chooses a cause charged to them" in content
    assert "Pour <em>hot</em> water." in content
    assert "Damaged" in content and "charged to the tenant" in content
    content = page(admin_client.get(url("repair_node_preview", tree.pk, blocked.pk) + "?lang=nl"))
    assert "Giet <strong>heet water</strong>" in content
    assert "Keuken" in content and "Afvoer" in content  # the path


def test_the_preview_shows_the_stop_messages(admin_client, tree):
    rotten = node(tree, "garden-fence-post-rotten")
    content = page(admin_client.get(url("repair_node_preview", tree.pk, rotten.pk) + "?lang=en"))
    assert "You repair this yourself." in content
    base = node(tree, "kitchen-tap-dripping-base")
    content = page(admin_client.get(url("repair_node_preview", tree.pk, base.pk) + "?lang=en"))
    assert "It has not been specified whether a repair request can be made for this." in content


def test_the_preview_shows_an_edit_at_once_without_a_new_revision(admin_client, tree):
    revision = tree.revision
    TreeNode.objects.filter(tree=tree, key="garden").update(name_en="Yard")
    content = page(admin_client.get(url("repair_tree_preview", tree.pk) + "?lang=en"))
    assert ">Yard<" in content
    tree.refresh_from_db()
    assert tree.revision == revision
    assert not tree.snapshots.exists()


# ---------------------------------------------------------------- settings and figures


def test_the_settings_are_made_on_the_first_visit_with_the_defaults_as_placeholders(
    admin_client, organization
):
    content = page(admin_client.get(url("repair_settings")))
    assert RepairSettings.objects.count() == 1
    assert (
        'placeholder="No repair request can be made for this online. Please contact us."' in content
    )
    assert 'name="text_intro_nb"' in content


def test_the_settings_are_saved_and_bad_input_is_kept(admin_client, organization):
    data = {
        "anonymous_enabled": "on",
        "photo_short_side": "1600",
        "photo_quality": "99",
        "text_intro_nl": "Welkom bij de reparatiemelder.",
    }
    response = admin_client.post(url("repair_settings"), data)
    assert response.status_code == 422
    content = page(response)
    assert 'value="99"' in content and "Welkom bij de reparatiemelder." in content
    data["photo_quality"] = "85"
    response = admin_client.post(url("repair_settings"), data)
    assert response.status_code == 302
    row = RepairSettings.objects.get()
    assert row.anonymous_enabled and row.photo_quality == 85
    assert row.texts == {"intro": {"nl": "Welkom bij de reparatiemelder."}}
    assert AuditEvent.objects.filter(verb="repair_settings.updated").count() == 1


def test_the_figures_page_shows_options_and_steps(
    admin_client, tree, django_assert_max_num_queries
):
    make_pass(
        tree,
        steps=[Step.OBJECT, Step.DEFECT],
        chose=[("kitchen", True), ("kitchen-sink", False)],
    )
    with django_assert_max_num_queries(14) as counted:
        content = page(admin_client.get(url("repair_tree_analytics", tree.pk) + "?days=7"))
    assert 'data-key="kitchen"' in content and "Keuken › Aanrecht" in content
    assert 'data-step="defect"' in content
    for _round in range(30):
        make_pass(tree, steps=[Step.OBJECT], chose=[("garden", False)])
    with django_assert_max_num_queries(len(counted.captured_queries)):
        content = page(
            admin_client.get(url("repair_tree_analytics", tree.pk) + "?days=90&sort=path")
        )
    assert WizardEvent.objects.count() > 60
    assert 'aria-sort="ascending"' in content
    assert admin_client.get(url("repair_tree_analytics", tree.pk) + "?days=13").status_code == 200


def test_the_export_of_a_xlsx_is_not_cached(admin_client, tree):
    response = admin_client.get(url("repair_tree_export_xlsx", tree.pk))
    assert response["Cache-Control"] == "no-store"
    assert io.BytesIO(response.content).read(4) == b"PK\x03\x04"
