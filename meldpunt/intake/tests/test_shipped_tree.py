"""The repair question tree that ships with Meldpunt (SPEC REP-17).

``meldpunt/intake/content/repair_tree.json`` must follow the exchange format in
``meldpunt/intake/content/FORMAT.md`` to the letter: every code it refers to exists,
every leaf sits at level 4 or 5, every text is filled in Dutch, English and Norwegian,
and every icon exists in ``static/icons/repair.svg``. The checks read the file with
plain ``json``; no database is involved.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

CONTENT = Path(__file__).resolve().parents[1] / "content" / "repair_tree.json"
SPRITE = Path(__file__).resolve().parents[3] / "static" / "icons" / "repair.svg"

LANGUAGES = ["nl", "en", "nb"]
TOP_KEYS = [
    "format",
    "version",
    "tree",
    "maintenance_forms",
    "causes",
    "tips",
    "action_codes",
    "templates",
    "nodes",
]
KEYS = {
    "tree": ["code", "name"],
    "maintenance_forms": ["code", "name"],
    "causes": ["code", "name", "charged_to_tenant"],
    "tips": ["code", "title", "body", "video_url"],
    "action_codes": ["code", "message"],
    "templates": [
        "code",
        "description",
        "urgency",
        "appointment_required",
        "inspection_required",
        "maintenance_forms",
        "cost",
        "vat_rate",
        "charged_to_tenant",
        "covered_by_service_subscription",
        "contract_elements",
        "common_area_kind",
        "creates_work_order",
        "tips",
        "causes",
    ],
}
NODE_KEYS = [
    "key",
    "name",
    "icon",
    "keywords",
    "scope",
    "template",
    "action_code",
    "tips",
    "causes",
    "children",
]
URGENCIES = {"24h", "3d", "1w", "1m", ""}
VAT_RATES = {"21", "9", "0"}
CONTRACT_ELEMENTS = {
    "net-rent",
    "service-costs",
    "cleaning",
    "heating-advance",
    "tenant-maintenance",
    "glass-insurance",
}
COMMON_AREA_KINDS = {
    "",
    "stairwell",
    "lift",
    "pump",
    "garden",
    "entrance",
    "bicycle_storage",
    "heating",
    "parking",
    "other",
}
SCOPES = {"", "common_area"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 50
NAME_MAX = 60
KEYWORDS_MAX = 300
MONEY = re.compile(r"^\d+\.\d{2}$")
LINK = re.compile(r"\[[^\]\n]+\]\(https://[^\s()]+\)")


# --- helpers -------------------------------------------------------------------------


def load() -> dict[str, Any]:
    return json.loads(CONTENT.read_text(encoding="utf-8"))


def sprite_ids() -> set[str]:
    return set(re.findall(r'<symbol\b[^>]*\bid="([^"]+)"', SPRITE.read_text(encoding="utf-8")))


def walk(nodes: list[dict[str, Any]], level: int = 1) -> Iterator[tuple[int, dict[str, Any]]]:
    for node in nodes:
        yield level, node
        yield from walk(node["children"], level + 1)


def leaves(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(level, node) for level, node in walk(data["nodes"]) if not node["children"]]


def text_problems(where: str, value: Any, *, may_be_empty: bool = False) -> list[str]:
    """A text is {"nl", "en", "nb"}, all filled (or, where allowed, all empty)."""
    if not isinstance(value, dict) or list(value) != LANGUAGES:
        return [f"{where}: text must be an object with keys nl, en, nb in that order"]
    if not all(isinstance(value[lang], str) for lang in LANGUAGES):
        return [f"{where}: texts must be strings"]
    filled = [lang for lang in LANGUAGES if value[lang].strip()]
    if may_be_empty and not filled:
        return []
    missing = [lang for lang in LANGUAGES if lang not in filled]
    problems = [f"{where}: empty {lang}" for lang in missing]
    problems += [
        f"{where}: {lang} has surrounding spaces"
        for lang in filled
        if value[lang] != value[lang].strip()
    ]
    return problems


def markup_problems(where: str, body: str) -> list[str]:
    """REP-5 markup only: **bold**, *italic*, "- " bullets and named https links."""
    problems = []
    if "<" in body or ">" in body:
        problems.append(f"{where}: HTML is not allowed")
    if "![" in body:
        problems.append(f"{where}: images are not allowed")
    if "http://" in body:
        problems.append(f"{where}: links must use https")
    for line in body.split("\n"):
        if line.lstrip().startswith(("#", "* ", "+ ", "```")):
            problems.append(f"{where}: only '- ' bullets, no headings or code: {line!r}")
    without_links = LINK.sub("", body)
    if "](" in without_links or "https://" in without_links:
        problems.append(f"{where}: links must be named: [name](https://...)")
    if body.count("**") % 2:
        problems.append(f"{where}: unbalanced **bold**")
    if body.replace("**", "").count("*") % 2:
        problems.append(f"{where}: unbalanced *italic*")
    return problems


def code_problems(section: str, items: list[dict[str, Any]]) -> list[str]:
    problems = []
    codes = Counter(item.get("code") for item in items)
    problems += [f"{section}: duplicate code {code}" for code, n in codes.items() if n > 1]
    for item in items:
        code = item.get("code")
        if not isinstance(code, str) or not SLUG.match(code) or len(code) > SLUG_MAX:
            problems.append(f"{section}: code {code!r} is not a slug of at most {SLUG_MAX}")
        if list(item) != KEYS[section]:
            problems.append(f"{section}/{code}: keys {list(item)} != {KEYS[section]}")
    return problems


def template_problems(data: dict[str, Any]) -> list[str]:
    problems = []
    forms = {form["code"] for form in data["maintenance_forms"]}
    tips = {tip["code"] for tip in data["tips"]}
    causes = {cause["code"] for cause in data["causes"]}
    chargeable = {cause["code"] for cause in data["causes"] if cause["charged_to_tenant"] is True}
    for template in data["templates"]:
        where = f"template {template['code']}"
        problems += text_problems(f"{where} description", template["description"])
        if "<" in "".join(template["description"].values()):
            problems.append(f"{where}: description is plain text")
        if template["urgency"] not in URGENCIES:
            problems.append(f"{where}: urgency {template['urgency']!r}")
        for flag in (
            "appointment_required",
            "inspection_required",
            "charged_to_tenant",
            "covered_by_service_subscription",
            "creates_work_order",
        ):
            if not isinstance(template[flag], bool):
                problems.append(f"{where}: {flag} must be true or false")
        if not isinstance(template["cost"], str) or not MONEY.match(template["cost"]):
            problems.append(f"{where}: cost {template['cost']!r} is not a string like '45.00'")
            cost = Decimal(0)
        else:
            cost = Decimal(template["cost"])
        if template["vat_rate"] not in VAT_RATES:
            problems.append(f"{where}: vat_rate {template['vat_rate']!r}")
        payable = (
            template["charged_to_tenant"]
            or template["covered_by_service_subscription"]
            or template["contract_elements"]
            or chargeable & set(template["causes"])
        )
        if payable and cost <= 0:
            problems.append(f"{where}: the tenant may have to pay, but the cost is 0")
        if template["charged_to_tenant"] and template["covered_by_service_subscription"]:
            problems.append(f"{where}: charged to every tenant and covered by a subscription")
        if template["common_area_kind"] not in COMMON_AREA_KINDS:
            problems.append(f"{where}: common_area_kind {template['common_area_kind']!r}")
        for field, known in (
            ("maintenance_forms", forms),
            ("contract_elements", CONTRACT_ELEMENTS),
            ("tips", tips),
            ("causes", causes),
        ):
            values = template[field]
            if not isinstance(values, list) or len(set(values)) != len(values):
                problems.append(f"{where}: {field} must be a list without repeats")
                continue
            problems += [
                f"{where}: unknown {field} code {value!r}" for value in values if value not in known
            ]
    return problems


def node_problems(data: dict[str, Any], icons: set[str]) -> list[str]:
    problems = []
    templates = {template["code"] for template in data["templates"]}
    actions = {action["code"] for action in data["action_codes"]}
    tips = {tip["code"] for tip in data["tips"]}
    causes = {cause["code"] for cause in data["causes"]}
    keys: Counter[str] = Counter()
    for level, node in walk(data["nodes"]):
        key = node.get("key")
        where = f"node {key} (level {level})"
        if list(node) != NODE_KEYS:
            problems.append(f"{where}: keys {list(node)} != {NODE_KEYS}")
            continue
        keys[key] += 1
        if not isinstance(key, str) or not SLUG.match(key) or len(key) > SLUG_MAX:
            problems.append(f"{where}: key is not a slug of at most {SLUG_MAX}")
        texts = text_problems(f"{where} name", node["name"])
        texts += text_problems(f"{where} keywords", node["keywords"], may_be_empty=True)
        if texts:
            problems += texts
            continue
        if any(len(text) > NAME_MAX for text in node["name"].values()):
            problems.append(f"{where}: name is too long for a button")
        if any(len(words) > KEYWORDS_MAX for words in node["keywords"].values()):
            problems.append(f"{where}: more than {KEYWORDS_MAX} characters of search words")
        if node["icon"] and node["icon"] not in icons:
            problems.append(f"{where}: icon {node['icon']!r} is not in repair.svg")
        if level == 1 and node["scope"] not in SCOPES:
            problems.append(f"{where}: scope {node['scope']!r}")
        if level > 1 and node["scope"]:
            problems.append(f"{where}: only rooms have a scope")
        if level > 5:
            problems.append(f"{where}: deeper than level 5")
        if node["children"]:
            if node["template"] is not None or node["action_code"] is not None:
                problems.append(f"{where}: a node with children has no template/action code")
        else:
            if level < 4:
                problems.append(f"{where}: leaf above level 4")
            if node["template"] is not None and node["action_code"] is not None:
                problems.append(f"{where}: both a template and an action code")
        if node["template"] is not None and node["template"] not in templates:
            problems.append(f"{where}: unknown template {node['template']!r}")
        if node["action_code"] is not None and node["action_code"] not in actions:
            problems.append(f"{where}: unknown action code {node['action_code']!r}")
        problems += [f"{where}: unknown tip {code!r}" for code in node["tips"] if code not in tips]
        problems += [
            f"{where}: unknown cause {code!r}" for code in node["causes"] if code not in causes
        ]
    problems += [f"duplicate node key {key}" for key, n in keys.items() if n > 1]
    return problems


def tree_problems(data: dict[str, Any], icons: set[str]) -> list[str]:
    """Everything FORMAT.md requires of a file, as a list of readable problems."""
    problems = []
    if list(data) != TOP_KEYS:
        return [f"top-level keys {list(data)} != {TOP_KEYS}"]
    if data["format"] != "meldpunt.repair-tree" or data["version"] != 1:
        problems.append("format must be meldpunt.repair-tree, version 1")
    if list(data["tree"]) != KEYS["tree"] or not SLUG.match(data["tree"]["code"]):
        problems.append("tree must be {code, name} with a slug code")
    problems += text_problems("tree name", data["tree"]["name"])
    for section in ("maintenance_forms", "causes", "tips", "action_codes", "templates"):
        problems += code_problems(section, data[section])
    if problems:
        return problems
    for form in data["maintenance_forms"]:
        problems += text_problems(f"maintenance form {form['code']}", form["name"])
    for cause in data["causes"]:
        problems += text_problems(f"cause {cause['code']}", cause["name"])
        if not isinstance(cause["charged_to_tenant"], bool):
            problems.append(f"cause {cause['code']}: charged_to_tenant must be true or false")
    for tip in data["tips"]:
        problems += text_problems(f"tip {tip['code']} title", tip["title"])
        problems += text_problems(f"tip {tip['code']} body", tip["body"])
        for lang in LANGUAGES:
            problems += markup_problems(f"tip {tip['code']} ({lang})", tip["body"][lang])
        if tip["video_url"] and not tip["video_url"].startswith("https://"):
            problems.append(f"tip {tip['code']}: video_url must be empty or https")
    for action in data["action_codes"]:
        problems += text_problems(
            f"action code {action['code']}", action["message"], may_be_empty=True
        )
    problems += template_problems(data)
    problems += node_problems(data, icons)
    return problems


# --- the shipped file ----------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return load()


@pytest.fixture(scope="module")
def icons() -> set[str]:
    return sprite_ids()


def test_file_is_utf8_json_indented_by_one_without_ascii_escapes() -> None:
    text = CONTENT.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1) + "\n"
    assert "\\u00" not in text
    assert "Kjøkken" in text


def test_shipped_tree_follows_the_format(data: dict[str, Any], icons: set[str]) -> None:
    assert tree_problems(data, icons) == []


def test_content_is_large_enough(data: dict[str, Any]) -> None:
    all_leaves = leaves(data)
    assert len(all_leaves) >= 260
    assert {level for level, _ in all_leaves} == {4, 5}
    assert len(data["templates"]) >= 150
    assert len(data["tips"]) >= 40
    assert 8 <= len(data["causes"]) <= 15
    assert 6 <= len(data["action_codes"]) <= 10
    assert {form["code"] for form in data["maintenance_forms"]} == {
        "daily",
        "planned",
        "demolition",
    }


def test_rooms_include_own_unit_and_common_areas(data: dict[str, Any]) -> None:
    rooms = {room["name"]["nl"]: room["scope"] for room in data["nodes"]}
    for name in (
        "Keuken",
        "Badkamer",
        "Toilet",
        "Woonkamer",
        "Slaapkamer",
        "Tuin",
        "Balkon",
        "Dak",
        "Gevel",
        "Berging",
        "Ongedierte",
        "Ramen",
    ):
        assert rooms.get(name) == "", name
    common = [name for name, scope in rooms.items() if scope == "common_area"]
    assert "Lift" in common
    assert len(common) >= 4


def test_every_template_tip_and_cause_is_used(data: dict[str, Any]) -> None:
    nodes = [node for _, node in walk(data["nodes"])]
    used_templates = {node["template"] for node in nodes if node["template"]}
    assert {template["code"] for template in data["templates"]} == used_templates
    used_tips = {code for item in data["templates"] + nodes for code in item["tips"]}
    assert {tip["code"] for tip in data["tips"]} == used_tips
    used_causes = {code for item in data["templates"] + nodes for code in item["causes"]}
    assert {cause["code"] for cause in data["causes"]} == used_causes


def test_every_wizard_outcome_occurs(data: dict[str, Any]) -> None:
    """REP-4 a-c: template, action code with and without a message, and neither."""
    messages = {action["code"]: action["message"] for action in data["action_codes"]}
    silent = {code for code, message in messages.items() if not any(message.values())}
    outcomes = Counter()
    for _, leaf in leaves(data):
        if leaf["template"]:
            outcomes["template"] += 1
        elif leaf["action_code"] in silent:
            outcomes["action without message"] += 1
        elif leaf["action_code"]:
            outcomes["action with message"] += 1
        else:
            outcomes["neither"] += 1
    assert set(outcomes) == {
        "template",
        "action with message",
        "action without message",
        "neither",
    }
    assert silent


def test_common_area_kinds_route_requests(data: dict[str, Any]) -> None:
    """REP-4e: pump, collective heating, lift, stairwell, entrance and bicycle storage."""
    kinds = {template["common_area_kind"] for template in data["templates"]}
    assert {"pump", "heating", "lift", "stairwell", "entrance", "bicycle_storage"} <= kinds
    own_unit_templates = {
        node["template"]
        for room in data["nodes"]
        if room["scope"] == ""
        for _, node in walk([room])
        if node["template"]
    }
    by_code = {template["code"]: template for template in data["templates"]}
    routed = {by_code[code]["common_area_kind"] for code in own_unit_templates} - {""}
    assert {"pump", "heating"} <= routed


def test_costs_are_realistic(data: dict[str, Any]) -> None:
    templates = data["templates"]
    charged = [t for t in templates if t["charged_to_tenant"]]
    subscription = [t for t in templates if t["covered_by_service_subscription"]]
    free = [t for t in templates if Decimal(t["cost"]) == 0]
    assert charged and subscription
    assert len(free) > len(templates) / 2
    assert all(Decimal("10") <= Decimal(t["cost"]) <= Decimal("500") for t in charged)
    glass = [t for t in templates if "glass-insurance" in t["contract_elements"]]
    cleaning = [t for t in templates if "cleaning" in t["contract_elements"]]
    assert glass and cleaning
    assert all(t["causes"] for t in glass)
    assert 5 <= sum(bool(t["maintenance_forms"]) for t in templates) <= 20


def test_leaking_kitchen_tap_is_found_by_searching_kraan(data: dict[str, Any]) -> None:
    """Keuken -> Kraan -> Mengkraan -> Lekt resolves to tap-leaking, which has a tip."""
    kitchen = next(room for room in data["nodes"] if room["name"]["nl"] == "Keuken")
    tap = next(node for node in kitchen["children"] if node["name"]["nl"] == "Kraan")
    mixer = next(node for node in tap["children"] if node["name"]["nl"] == "Mengkraan")
    leaking = next(node for node in mixer["children"] if node["name"]["nl"] == "Lekt")
    assert leaking["template"] == "tap-leaking"
    template = next(t for t in data["templates"] if t["code"] == "tap-leaking")
    assert template["tips"]
    assert "kraan" in tap["name"]["nl"].lower()
    assert "kraan" in template["description"]["nl"].lower()


def test_most_nodes_have_search_words(data: dict[str, Any]) -> None:
    nodes = [node for _, node in walk(data["nodes"])]
    with_words = [node for node in nodes if node["keywords"]["nl"]]
    assert len(with_words) > len(nodes) / 2
    assert all(room["keywords"]["nl"] and room["icon"] for room in data["nodes"])


def test_sprite_symbols_use_the_house_style() -> None:
    svg = SPRITE.read_text(encoding="utf-8")
    symbols = re.findall(r"<symbol\b([^>]*)>", svg)
    assert len(symbols) >= 30
    for attributes in symbols:
        assert 'viewBox="0 0 24 24"' in attributes
        assert 'fill="none"' in attributes
        assert 'stroke="currentColor"' in attributes
        assert 'stroke-width="1.8"' in attributes
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert len(ids) == len(set(ids))
    assert "<image" not in svg
    assert "<script" not in svg


# --- the checks themselves catch mistakes ----------------------------------------------


def first_leaf(data: dict[str, Any]) -> dict[str, Any]:
    return leaves(data)[0][1]


def set_unknown_template(data: dict[str, Any]) -> None:
    first_leaf(data)["template"] = "no-such-template"


def lift_leaf_to_level_three(data: dict[str, Any]) -> None:
    component = data["nodes"][0]["children"][0]["children"][0]
    component["children"] = []


def drop_norwegian(data: dict[str, Any]) -> None:
    data["templates"][0]["description"]["nb"] = ""


def unknown_icon(data: dict[str, Any]) -> None:
    data["nodes"][0]["icon"] = "no-such-icon"


def duplicate_key(data: dict[str, Any]) -> None:
    data["nodes"][1]["key"] = data["nodes"][0]["key"]


def template_on_inner_node(data: dict[str, Any]) -> None:
    data["nodes"][0]["template"] = data["templates"][0]["code"]


def html_in_tip(data: dict[str, Any]) -> None:
    data["tips"][0]["body"]["en"] += "\n\n<b>bold</b>"


def bare_link_in_tip(data: dict[str, Any]) -> None:
    data["tips"][0]["body"]["nl"] += " https://example.org"


def cost_without_decimals(data: dict[str, Any]) -> None:
    data["templates"][0]["cost"] = "45"


def charged_for_nothing(data: dict[str, Any]) -> None:
    free = next(t for t in data["templates"] if t["cost"] == "0.00")
    free["charged_to_tenant"] = True


def chargeable_cause_for_nothing(data: dict[str, Any]) -> None:
    free = next(t for t in data["templates"] if t["cost"] == "0.00")
    free["causes"] = ["tenant-damage"]


def unknown_contract_element(data: dict[str, Any]) -> None:
    data["templates"][0]["contract_elements"] = ["window-cleaning"]


def keys_out_of_order(data: dict[str, Any]) -> None:
    template = data["templates"][0]
    template["urgency"] = template.pop("urgency")


def long_button_text(data: dict[str, Any]) -> None:
    first_leaf(data)["name"]["en"] = "Something went wrong with it " * 3


def scope_on_element(data: dict[str, Any]) -> None:
    data["nodes"][0]["children"][0]["scope"] = "common_area"


@pytest.mark.parametrize(
    "mistake",
    [
        set_unknown_template,
        lift_leaf_to_level_three,
        drop_norwegian,
        unknown_icon,
        duplicate_key,
        template_on_inner_node,
        html_in_tip,
        bare_link_in_tip,
        cost_without_decimals,
        charged_for_nothing,
        chargeable_cause_for_nothing,
        unknown_contract_element,
        keys_out_of_order,
        long_button_text,
        scope_on_element,
    ],
)
def test_checks_report_a_broken_file(
    data: dict[str, Any], icons: set[str], mistake: Callable[[dict[str, Any]], None]
) -> None:
    broken = copy.deepcopy(data)
    mistake(broken)
    assert tree_problems(broken, icons) != []
