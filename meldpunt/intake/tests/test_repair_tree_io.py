"""Moving a question tree in and out: the JSON exchange format, Excel, the checks that
keep a bad file from changing anything, replace semantics and speed."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.intake.models import (
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairTemplate,
    Tip,
    TreeNode,
)
from meldpunt.intake.repair_tree_io import (
    repair_tree_export_json,
    repair_tree_export_xlsx,
    repair_tree_import_file,
    repair_tree_import_json,
    repair_tree_import_xlsx,
    repair_tree_load_shipped,
)
from meldpunt.intake.tests import tree_sample
from meldpunt.intake.tests.tree_sample import node, sample, template, texts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _elements(db):
    tree_sample.contract_elements()


def _import(data: Any, **kwargs: Any) -> QuestionTree:
    return repair_tree_import_json(actor=SYSTEM, data=data, **kwargs)


def _errors(data: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        _import(data, **kwargs)
    return caught.value.messages


def _find(nodes: list[dict], key: str) -> dict:
    for item in nodes:
        if item["key"] == key:
            return item
        found = _find(item["children"], key) if item["children"] else None
        if found:
            return found
    return {}


def _sorted_like_export(data: dict) -> dict:
    """The sample as the export orders it: lists by code, options by Dutch name and key,
    and only the maintenance forms the templates use."""

    def nodes(items: list[dict]) -> list[dict]:
        return [
            {**item, "children": nodes(item["children"])}
            for item in sorted(items, key=lambda n: (n["name"]["nl"], n["key"]))
        ]

    used = {code for t in data["templates"] for code in t["maintenance_forms"]}
    result = {**data}
    for section in ("causes", "tips", "action_codes", "templates", "maintenance_forms"):
        result[section] = sorted(data[section], key=lambda item: item["code"])
    result["maintenance_forms"] = [f for f in result["maintenance_forms"] if f["code"] in used]
    result["nodes"] = nodes(data["nodes"])
    return result


# ---------------------------------------------------------------- export and round trips


def test_the_export_is_the_file_that_was_imported_in_a_fixed_order():
    tree = _import(sample())
    assert repair_tree_export_json(tree=tree) == _sorted_like_export(sample())


def test_levels_come_from_the_depth_in_the_file():
    tree = _import(sample())
    levels = dict(TreeNode.objects.filter(tree=tree).values_list("key", "level"))
    assert levels["kitchen"] == 1
    assert levels["kitchen-sink"] == 2
    assert levels["kitchen-tap"] == 3
    assert levels["kitchen-tap-dripping"] == 4
    assert levels["kitchen-tap-dripping-spout"] == 5


def test_a_json_round_trip_changes_nothing():
    first = repair_tree_export_json(tree=_import(sample()))
    again = repair_tree_export_json(tree=_import(json.loads(json.dumps(first))))
    assert again == first


def test_an_excel_round_trip_gives_the_same_json():
    tree = _import(sample())
    before = repair_tree_export_json(tree=tree)
    workbook = repair_tree_export_xlsx(tree=tree)
    repair_tree_import_xlsx(actor=SYSTEM, content=workbook)
    assert repair_tree_export_json(tree=tree) == before
    assert _sheets(repair_tree_export_xlsx(tree=tree)) == _sheets(workbook)


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}
    finally:
        workbook.close()


def test_the_workbook_has_one_sheet_per_kind_and_one_column_per_language():
    sheets = _sheets(repair_tree_export_xlsx(tree=_import(sample())))
    assert list(sheets) == [
        "tree",
        "nodes",
        "templates",
        "tips",
        "causes",
        "action_codes",
        "maintenance_forms",
    ]
    header = sheets["nodes"][0]
    assert header[:6] == ("key", "parent", "level", "name_nl", "name_en", "name_nb")
    rows = {row[0]: row for row in sheets["nodes"][1:]}
    assert rows["kitchen-tap"][1:4] == ("kitchen-sink", 3, "Kraan")
    templates = {
        row[0]: dict(zip(sheets["templates"][0], row, strict=True))
        for row in sheets["templates"][1:]
    }
    assert templates["drain-blocked"]["causes"] == "damage, wear"
    assert templates["drain-blocked"]["cost"] == "45.00"


def test_an_excel_file_edited_by_hand_is_read_leniently():
    """Numbers typed as numbers, yes/no, a comma in an amount and extra spaces."""
    from openpyxl import Workbook

    tree = _import(sample())
    sheets = _sheets(repair_tree_export_xlsx(tree=tree))
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    templates = book["templates"]
    header = [cell.value for cell in templates[1]]
    for row in templates.iter_rows(min_row=2):
        values = dict(zip(header, row, strict=True))
        if values["code"].value == "drain-blocked":
            values["cost"].value = 39.5
            values["charged_to_tenant"].value = "ja"
            values["tips"].value = "  drain-plunger ,  "
    output = io.BytesIO()
    book.save(output)
    repair_tree_import_xlsx(actor=SYSTEM, content=output.getvalue())
    drain = RepairTemplate.objects.get(tree=tree, code="drain-blocked")
    assert str(drain.cost) == "39.50"
    assert drain.charged_to_tenant is True
    assert list(drain.tips.values_list("code", flat=True)) == ["drain-plunger"]


# ---------------------------------------------------------------- replace semantics


def test_a_new_version_keeps_rows_by_code_and_removes_what_it_no_longer_names():
    tree = _import(sample())
    pks = dict(TreeNode.objects.filter(tree=tree).values_list("key", "pk"))
    template_pk = RepairTemplate.objects.get(tree=tree, code="tap-leaking").pk
    revision = tree.revision
    data = sample()
    kitchen = _find(data["nodes"], "kitchen")
    dripping = _find(data["nodes"], "kitchen-tap-dripping")
    dripping["children"] = [
        c for c in dripping["children"] if c["key"] != "kitchen-tap-dripping-base"
    ]
    _find(data["nodes"], "kitchen-tap")["name"] = texts("Mengkraan", "Mixer tap")
    # The lift template goes; its option now ends with an action code instead.
    data["templates"] = [t for t in data["templates"] if t["code"] != "lift-broken"]
    _find(data["nodes"], "stairwell-lift-stuck").update(template=None, action_code="tenant-own")
    # The drain moves from the sink to the kitchen itself and a new room comes.
    sink = _find(data["nodes"], "kitchen-sink")
    drain = _find(data["nodes"], "kitchen-drain")
    sink["children"] = [c for c in sink["children"] if c["key"] != "kitchen-drain"]
    kitchen["children"].append(drain)
    data["nodes"].append(
        node("roof", "Dak", "Roof", children=[node("roof-gutter", "Goot", "Gutter")])
    )
    AuditEvent.objects.all().delete()

    _import(data)

    tree.refresh_from_db()
    after = dict(TreeNode.objects.filter(tree=tree).values_list("key", "pk"))
    assert "kitchen-tap-dripping-base" not in after
    assert {"roof", "roof-gutter"} <= set(after)
    for key, pk in pks.items():
        if key != "kitchen-tap-dripping-base":
            assert after[key] == pk, key
    assert RepairTemplate.objects.get(tree=tree, code="tap-leaking").pk == template_pk
    assert not RepairTemplate.objects.filter(code="lift-broken").exists()
    moved = TreeNode.objects.get(tree=tree, key="kitchen-drain")
    assert moved.parent.key == "kitchen" and moved.level == 2
    assert TreeNode.objects.get(tree=tree, key="kitchen-drain-blocked").level == 3
    assert TreeNode.objects.get(tree=tree, key="kitchen-tap").name_nl == "Mengkraan"
    assert TreeNode.objects.get(tree=tree, key="stairwell-lift-stuck").action_code.code == (
        "tenant-own"
    )
    assert tree.revision == revision + 1
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == ["repair_tree.imported"]
    assert repair_tree_export_json(tree=tree) == _sorted_like_export(data)


def test_importing_the_same_file_again_only_raises_the_revision():
    tree = _import(sample())
    before = repair_tree_export_json(tree=tree)
    revision = tree.revision
    _import(sample())
    tree.refresh_from_db()
    assert tree.revision == revision + 1
    assert repair_tree_export_json(tree=tree) == before


def test_keep_mode_adds_and_changes_but_removes_nothing():
    tree = _import(sample())
    data = sample()
    data["tips"] = [t for t in data["tips"] if t["code"] == "tap-washer"]
    data["templates"] = [
        {**t, "tips": [c for c in t["tips"] if c == "tap-washer"]} for t in data["templates"]
    ]
    data["nodes"] = [n for n in data["nodes"] if n["key"] == "garden"]
    data["nodes"][0]["name"] = texts("Tuin en erf")
    _import(data, replace=False)
    assert Tip.objects.filter(tree=tree, code="drain-plunger").exists()
    assert TreeNode.objects.filter(tree=tree, key="kitchen-tap-dripping-spout").exists()
    assert TreeNode.objects.get(tree=tree, key="garden").name_nl == "Tuin en erf"


def test_keep_mode_refuses_a_result_that_is_no_tree_and_changes_nothing():
    tree = _import(sample())
    before = repair_tree_export_json(tree=tree)
    data = sample()
    # The file says the tap is a leaf with a template; the kept options below it disagree.
    data["nodes"] = [
        node(
            "kitchen",
            "Keuken",
            children=[
                node(
                    "kitchen-sink",
                    "Aanrecht",
                    children=[node("kitchen-tap", "Kraan", template="tap-leaking")],
                )
            ],
        )
    ]
    with pytest.raises(ValidationError) as caught:
        _import(data, replace=False)
    assert "node 'kitchen-tap'" in caught.value.messages[0]
    assert repair_tree_export_json(tree=tree) == before


def test_a_file_can_be_imported_into_a_tree_of_another_code():
    other = QuestionTree.objects.create(code="flats", name_nl="Flats")
    tree = repair_tree_import_json(actor=SYSTEM, data=sample(), into=other)
    assert tree.pk == other.pk
    assert not QuestionTree.objects.filter(code="standard").exists()
    assert TreeNode.objects.filter(tree=other).count() == 16


def test_maintenance_forms_are_made_by_code_and_never_removed_by_a_tree():
    MaintenanceForm.objects.create(code="planned", name_nl="Planmatig")
    data = sample()
    data["templates"][0]["maintenance_forms"] = ["planned", "daily"]
    _import(data)
    assert set(MaintenanceForm.objects.values_list("code", flat=True)) == {
        "daily",
        "demolition",
        "planned",
    }
    data["maintenance_forms"] = []
    data["templates"][0]["maintenance_forms"] = []
    data["templates"][2]["maintenance_forms"] = []
    _import(data)
    assert MaintenanceForm.objects.count() == 3


def test_an_agent_may_not_import():
    agent = Actor.staff(UserFactory(role=StaffRole.AGENT))
    with pytest.raises(PermissionDenied):
        repair_tree_import_json(actor=agent, data=sample())
    admin = Actor.staff(UserFactory(role=StaffRole.ADMIN))
    assert repair_tree_import_json(actor=admin, data=sample()).code == "standard"


# ---------------------------------------------------------------- checks: every kind of mistake


def _template(data: dict, code: str) -> dict:
    return next(t for t in data["templates"] if t["code"] == code)


def _mutate_unknown_tip(data: dict) -> None:
    _template(data, "tap-leaking")["tips"] = ["tap-washer", "x"]


def _mutate_children_with_template(data: dict) -> None:
    _find(data["nodes"], "kitchen-tap")["template"] = "tap-leaking"


def _mutate_children_with_action(data: dict) -> None:
    _find(data["nodes"], "kitchen")["action_code"] = "tenant-own"


def _mutate_too_deep(data: dict) -> None:
    _find(data["nodes"], "kitchen-tap-dripping-spout").update(
        template=None, children=[node("kitchen-tap-too-deep", "Te diep", template="tap-leaking")]
    )


def _mutate_duplicate_key(data: dict) -> None:
    _find(data["nodes"], "garden-fence")["children"].append(node("kitchen-tap", "Kraan"))


def _mutate_duplicate_code(data: dict) -> None:
    data["templates"].append(template("tap-leaking", "Nog een keer"))


def _mutate_bad_cost(data: dict) -> None:
    _template(data, "drain-blocked")["cost"] = "12,345"


def _mutate_negative_cost(data: dict) -> None:
    _template(data, "drain-blocked")["cost"] = "-5"


def _mutate_text_cost(data: dict) -> None:
    _template(data, "drain-blocked")["cost"] = "veertig"


def _mutate_bad_vat(data: dict) -> None:
    _template(data, "drain-blocked")["vat_rate"] = "121"


def _mutate_area_kind(data: dict) -> None:
    _template(data, "lift-broken")["common_area_kind"] = "roof"


def _mutate_contract_element(data: dict) -> None:
    _template(data, "drain-blocked")["contract_elements"] = ["gas-contract"]


def _mutate_missing_dutch(data: dict) -> None:
    _template(data, "tap-leaking")["description"] = texts("", "We replace the washer.")


def _mutate_missing_node_name(data: dict) -> None:
    _find(data["nodes"], "garden-fence")["name"] = {"en": "Fence"}


def _mutate_unknown_template(data: dict) -> None:
    _find(data["nodes"], "garden-fence-post-rotten").update(action_code=None, template="nope")


def _mutate_both(data: dict) -> None:
    _find(data["nodes"], "kitchen-drain-blocked")["action_code"] = "tenant-own"


def _mutate_scope_below_room(data: dict) -> None:
    _find(data["nodes"], "kitchen-sink")["scope"] = "common_area"


def _mutate_urgency(data: dict) -> None:
    _template(data, "tap-leaking")["urgency"] = "soon"


def _mutate_unknown_form(data: dict) -> None:
    _template(data, "tap-leaking")["maintenance_forms"] = ["weekly"]


def _mutate_unknown_field(data: dict) -> None:
    data["tips"][0]["vidoe_url"] = "https://example.org"


def _mutate_bad_video(data: dict) -> None:
    data["tips"][0]["video_url"] = "javascript:alert(1)"


def _mutate_bad_code(data: dict) -> None:
    data["causes"][0]["code"] = "with space"


def _mutate_boolean(data: dict) -> None:
    data["causes"][0]["charged_to_tenant"] = "yes"


def _mutate_format(data: dict) -> None:
    data["format"] = "something-else"


def _mutate_version(data: dict) -> None:
    data["version"] = 2


def _mutate_unknown_cause_on_node(data: dict) -> None:
    _find(data["nodes"], "kitchen-drain-blocked")["causes"] = ["flood"]


def _mutate_too_long(data: dict) -> None:
    _find(data["nodes"], "garden")["name"] = texts("T" * 121)


MISTAKES = [
    (_mutate_unknown_tip, "templates[2] (code tap-leaking): unknown tip 'x'"),
    (
        _mutate_children_with_template,
        "node 'kitchen-tap': a node with children cannot have a template",
    ),
    (_mutate_children_with_action, "node 'kitchen': a node with children cannot have an action"),
    (_mutate_too_deep, "node 'kitchen-tap-too-deep': level 6 is deeper than the 5 levels"),
    (_mutate_duplicate_key, "node 'kitchen-tap': the key 'kitchen-tap' appears more than once"),
    (_mutate_duplicate_code, "templates: the code 'tap-leaking' appears more than once"),
    (_mutate_bad_cost, "templates[0] (code drain-blocked): '12,345' is not an amount"),
    (_mutate_negative_cost, "'-5' is not an amount"),
    (_mutate_text_cost, "'veertig' is not an amount"),
    (_mutate_bad_vat, "'121' is not a VAT percentage from 0 to 100"),
    (_mutate_area_kind, "unknown common area kind 'roof'; use one of: bicycle_storage"),
    (_mutate_contract_element, "unknown contract element 'gas-contract'"),
    (_mutate_missing_dutch, "templates[2] (code tap-leaking): the Dutch text of 'description'"),
    (_mutate_missing_node_name, "node 'garden-fence': the Dutch text of 'name' is missing"),
    (_mutate_unknown_template, "node 'garden-fence-post-rotten': unknown template 'nope'"),
    (_mutate_both, "node 'kitchen-drain-blocked': a node cannot have both a template and an"),
    (_mutate_scope_below_room, "node 'kitchen-sink': only rooms (level 1) can be limited"),
    (_mutate_urgency, "unknown urgency 'soon'"),
    (_mutate_unknown_form, "unknown maintenance form 'weekly'"),
    (_mutate_unknown_field, "tips[0] (code drain-plunger): unknown field 'vidoe_url'"),
    (_mutate_bad_video, "'javascript:alert(1)' is not a valid web address"),
    (_mutate_bad_code, "'with space' is not a valid code"),
    (_mutate_boolean, "causes[0] (code damage): 'charged_to_tenant' must be true or false"),
    (_mutate_format, "format: this is not a repair tree file"),
    (_mutate_version, "version: version 2 of the file format is not supported"),
    (_mutate_unknown_cause_on_node, "node 'kitchen-drain-blocked': unknown cause 'flood'"),
    (_mutate_too_long, "node 'garden': the 'nl' text of 'name' is longer than 120 characters"),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), MISTAKES, ids=[m.__name__[8:] for m, _ in MISTAKES]
)
def test_each_mistake_is_named_with_where_it_is_and_nothing_is_written(mutate, expected):
    tree = _import(sample())
    before = repair_tree_export_json(tree=tree)
    revision = tree.revision
    audits = AuditEvent.objects.count()
    data = sample()
    mutate(data)
    messages = _errors(data)
    assert any(expected in message for message in messages), messages
    tree.refresh_from_db()
    assert tree.revision == revision
    assert repair_tree_export_json(tree=tree) == before
    assert AuditEvent.objects.count() == audits


def test_all_mistakes_are_reported_at_once():
    data = sample()
    _mutate_unknown_tip(data)
    _mutate_bad_cost(data)
    _mutate_area_kind(data)
    assert len(_errors(data)) == 3
    assert not QuestionTree.objects.exists()


def test_the_messages_are_translated():
    data = sample()
    _mutate_children_with_template(data)
    with translation.override("nl"):
        messages = _errors(data)
    # The place comes first, then the problem, both in Dutch.
    assert messages[0].startswith("keuze 'kitchen-tap': ")
    assert "sjabloon" in messages[0]


@pytest.mark.parametrize("data", [[], "tree", None, {"format": "meldpunt.repair-tree"}])
def test_something_that_is_no_tree_at_all_is_refused(data):
    assert _errors(data)
    assert not QuestionTree.objects.exists()


# ---------------------------------------------------------------- damaged or not Excel at all


def _xlsx_import(content: bytes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        repair_tree_import_xlsx(actor=SYSTEM, content=content)
    return caught.value.messages


def _zip(files: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return output.getvalue()


def test_a_damaged_workbook_is_refused_with_a_clear_message():
    good = repair_tree_export_xlsx(tree=_import(sample()))
    unreadable = "The file is not a readable Excel workbook (.xlsx)."
    assert _xlsx_import(good[: len(good) // 2]) == [unreadable]
    assert _xlsx_import(b"PK\x03\x04" + b"\x00" * 200) == [unreadable]
    assert _xlsx_import(b"key,parent\nkitchen,\n") == [unreadable]
    assert _xlsx_import(_zip({"hello.txt": b"hi"})) == [unreadable]


def test_a_workbook_with_an_xml_entity_is_refused_before_parsing():
    good = repair_tree_export_xlsx(tree=_import(sample()))
    source = zipfile.ZipFile(io.BytesIO(good))
    files = {name: source.read(name) for name in source.namelist()}
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;</x>'
    files["xl/workbook.xml"] = bomb
    assert _xlsx_import(_zip(files)) == ["The file is not a readable Excel workbook (.xlsx)."]


def test_a_zip_bomb_is_refused_by_its_unpacked_size():
    bomb = _zip({"xl/workbook.xml": b"<x/>", "xl/big.xml": b" " * (61 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert _xlsx_import(bomb) == ["The workbook unpacks to more than the allowed size."]


def test_a_file_larger_than_the_limit_is_refused():
    assert _xlsx_import(b"PK\x03\x04" + b"0" * (5 * 1024 * 1024 + 1)) == [
        "The file is larger than 5 MB."
    ]


def _workbook_edit(content: bytes, edit) -> bytes:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(content))
    edit(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_the_shape_of_a_workbook_is_checked_sheet_by_sheet():
    good = repair_tree_export_xlsx(tree=_import(sample()))

    def damage(book):  # type: ignore[no-untyped-def]
        del book["tips"]
        book["causes"]["F1"] = "colour"
        nodes = book["nodes"]
        for row in nodes.iter_rows(min_row=2):
            if row[0].value == "garden-fence":
                row[1].value = "nowhere"
            if row[0].value == "kitchen-sink":
                row[1].value = "kitchen-tap"  # the tap is below the sink: a loop

    messages = _xlsx_import(_workbook_edit(good, damage))
    assert "sheet 'tips' is missing" in messages
    assert "sheet 'causes': unknown columns colour" in messages
    assert any("unknown parent 'nowhere'" in m for m in messages)
    assert any("'kitchen-sink' is part of a loop of parents" in m for m in messages)


def test_a_level_column_that_disagrees_with_the_parents_is_named():
    good = repair_tree_export_xlsx(tree=_import(sample()))

    def relevel(book):  # type: ignore[no-untyped-def]
        for row in book["nodes"].iter_rows(min_row=2):
            if row[0].value == "kitchen-tap":
                row[2].value = 2

    messages = _xlsx_import(_workbook_edit(good, relevel))
    assert messages == [
        "node 'kitchen-tap': level 2 does not match its place in the tree (level 3)"
    ]


def test_a_file_is_told_apart_by_its_content():
    tree = _import(sample())
    workbook = repair_tree_export_xlsx(tree=tree)
    as_json = json.dumps(repair_tree_export_json(tree=tree)).encode()
    assert repair_tree_import_file(actor=SYSTEM, content=workbook).pk == tree.pk
    assert repair_tree_import_file(actor=SYSTEM, content=as_json).pk == tree.pk
    with pytest.raises(ValidationError) as caught:
        repair_tree_import_file(actor=SYSTEM, content=b"\x89PNG\r\n")
    assert caught.value.messages == [
        "The file is neither a repair tree in JSON nor an Excel workbook (.xlsx)."
    ]


# ---------------------------------------------------------------- size and speed


def test_a_tree_the_size_of_the_shipped_one_imports_quickly_in_few_queries(
    django_assert_max_num_queries,
):
    data = tree_sample.large()
    assert len(data["templates"]) == 324
    started = time.perf_counter()
    with django_assert_max_num_queries(60):
        tree = _import(data)
    first = time.perf_counter() - started
    assert TreeNode.objects.filter(tree=tree).count() == 12 + 36 + 108 + 324
    started = time.perf_counter()
    with django_assert_max_num_queries(60):
        _import(data)
    again = time.perf_counter() - started
    print(f"\nimport of 324 leaves: first {first:.3f} s, again {again:.3f} s")
    assert first < 5 and again < 5


def test_a_large_workbook_round_trip_stays_well_under_five_seconds():
    tree = _import(tree_sample.large())
    started = time.perf_counter()
    content = repair_tree_export_xlsx(tree=tree)
    repair_tree_import_xlsx(actor=SYSTEM, content=content)
    elapsed = time.perf_counter() - started
    print(f"\nExcel export and import of 324 leaves: {elapsed:.3f} s")
    assert elapsed < 5


# ---------------------------------------------------------------- the shipped tree and the commands


def test_loading_the_shipped_tree_makes_it_the_default(tmp_path):
    path = tmp_path / "repair_tree.json"
    path.write_text(json.dumps(sample()), encoding="utf-8")
    QuestionTree.objects.create(code="old", name_nl="Oud", is_default=True)
    tree = repair_tree_load_shipped(actor=SYSTEM, path=path)
    assert tree.is_default
    assert QuestionTree.objects.get(is_default=True).code == "standard"
    assert AuditEvent.objects.filter(verb="repair_tree.default_set").count() == 1


def test_a_missing_shipped_tree_is_a_clear_error(tmp_path):
    with pytest.raises(ValidationError) as caught:
        repair_tree_load_shipped(actor=SYSTEM, path=tmp_path / "none.json")
    assert caught.value.messages == ["The shipped question tree is missing."]


def test_the_shipped_tree_loads_within_five_seconds():
    for code, name in (
        ("heating-advance", "Voorschot verwarming"),
        ("cleaning", "Schoonmaak"),
        ("tenant-maintenance", "Huurdersonderhoud"),
        ("glass-insurance", "Glasverzekering"),
    ):
        from meldpunt.tenancy.models import ContractElement

        ContractElement.objects.get_or_create(code=code, defaults={"name": name})
    started = time.perf_counter()
    tree = repair_tree_load_shipped(actor=SYSTEM)
    elapsed = time.perf_counter() - started
    leaves = TreeNode.objects.filter(tree=tree, children__isnull=True).count()
    print(f"\nshipped tree: {leaves} leaves imported in {elapsed:.3f} s")
    assert elapsed < 5
    exported = repair_tree_export_json(tree=tree)
    _import(json.loads(json.dumps(exported)))
    assert repair_tree_export_json(tree=tree) == exported
    repair_tree_import_xlsx(actor=SYSTEM, content=repair_tree_export_xlsx(tree=tree))
    assert repair_tree_export_json(tree=tree) == exported


def test_the_import_command_reads_json_and_excel_and_can_set_the_default(tmp_path):
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(sample()), encoding="utf-8")
    out = io.StringIO()
    call_command("repair_tree_import", str(path), "--default", stdout=out)
    assert "Imported tree 'standard': 16 options" in out.getvalue()
    tree = QuestionTree.objects.get(code="standard")
    assert tree.is_default
    workbook = tmp_path / "anything.bin"
    workbook.write_bytes(repair_tree_export_xlsx(tree=tree))
    call_command("repair_tree_import", str(workbook), stdout=io.StringIO())
    assert QuestionTree.objects.count() == 1


def test_the_import_command_lists_the_problems(tmp_path):
    data = sample()
    _mutate_unknown_tip(data)
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("repair_tree_import", str(path))
    assert "templates[2] (code tap-leaking): unknown tip 'x'" in str(caught.value)
    with pytest.raises(CommandError):
        call_command("repair_tree_import", str(tmp_path / "missing.json"))
    assert not QuestionTree.objects.exists()


def test_the_export_command_writes_json_or_excel_by_the_file_name(tmp_path):
    tree = _import(sample())
    call_command("repair_tree_export", "standard", str(tmp_path / "t.json"), stdout=io.StringIO())
    call_command("repair_tree_export", "standard", str(tmp_path / "t.xlsx"), stdout=io.StringIO())
    written = json.loads(Path(tmp_path / "t.json").read_text(encoding="utf-8"))
    assert written == repair_tree_export_json(tree=tree)
    assert _sheets((tmp_path / "t.xlsx").read_bytes()) == _sheets(
        repair_tree_export_xlsx(tree=tree)
    )
    with pytest.raises(CommandError, match="No tree with code 'nope'"):
        call_command("repair_tree_export", "nope", str(tmp_path / "x.json"))


def test_the_import_counts_rows_of_each_kind():
    tree = _import(sample())
    assert Cause.objects.filter(tree=tree).count() == 2
    assert Tip.objects.filter(tree=tree).count() == 2
    assert ActionCode.objects.filter(tree=tree).count() == 2
    drain = RepairTemplate.objects.get(tree=tree, code="drain-blocked")
    assert list(drain.contract_elements.values_list("code", flat=True)) == ["service-costs"]
    assert sorted(drain.causes.values_list("code", flat=True)) == ["damage", "wear"]
    spout = TreeNode.objects.get(tree=tree, key="kitchen-tap-dripping-spout")
    assert list(spout.causes.values_list("code", flat=True)) == ["wear"]
