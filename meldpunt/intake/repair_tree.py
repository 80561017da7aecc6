"""Reading a question tree the way the wizard needs it: frozen, fast, searchable.

The wizard never reads the editable tables directly. ``snapshot_current``
freezes the tree's current revision into one JSON document (one query to
load, cached per process by tree and revision), and ``TreeView`` answers the
wizard's questions from it: which options a level has, which of them a
search term leaves, what a chosen leaf resolves to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from meldpunt.intake.models import (
    LANGUAGES,
    ActionCode,
    Cause,
    QuestionTree,
    RepairTemplate,
    Tip,
    TreeNode,
    TreeSnapshot,
)

_CACHE: dict[tuple[int, object], TreeView] = {}
_CACHE_MAX = 16


def _texts(obj: object, field: str) -> dict[str, str]:
    return {language: getattr(obj, f"{field}_{language}", "") or "" for language in LANGUAGES}


def _codes(items: Iterable[Any]) -> list[str]:
    return sorted(item.code for item in items)


def snapshot_build(tree: QuestionTree) -> dict[str, Any]:
    """The tree's content as one document: nodes by key, templates, tips, causes by code."""
    templates = (
        RepairTemplate.objects.filter(tree=tree)
        .prefetch_related("maintenance_forms", "contract_elements", "tips", "causes")
        .order_by("code")
    )
    nodes = (
        TreeNode.objects.filter(tree=tree)
        .select_related("parent", "template", "action_code")
        .prefetch_related("tips", "causes")
        .order_by("level", "name_nl", "key")
    )
    node_data: dict[str, dict[str, Any]] = {}
    roots: list[str] = []
    for node in nodes:
        parent = node.parent.key if node.parent else None
        node_data[node.key] = {
            "key": node.key,
            "parent": parent,
            "level": node.level,
            "name": _texts(node, "name"),
            "icon": node.icon,
            "keywords": _texts(node, "keywords"),
            "scope": node.scope,
            "template": node.template.code if node.template else None,
            "action_code": node.action_code.code if node.action_code else None,
            "tips": _codes(node.tips.all()),
            "causes": _codes(node.causes.all()),
            "children": [],
        }
        if parent is None:
            roots.append(node.key)
        elif parent in node_data:
            node_data[parent]["children"].append(node.key)
    return {
        "tree": {"id": tree.pk, "code": tree.code, "name": _texts(tree, "name")},
        "roots": roots,
        "nodes": node_data,
        "templates": {
            template.code: {
                "code": template.code,
                "description": _texts(template, "description"),
                "urgency": template.urgency,
                "appointment_required": template.appointment_required,
                "inspection_required": template.inspection_required,
                "maintenance_forms": _codes(template.maintenance_forms.all()),
                "cost": str(template.cost),
                "vat_rate": str(template.vat_rate),
                "charged_to_tenant": template.charged_to_tenant,
                "covered_by_service_subscription": template.covered_by_service_subscription,
                "contract_elements": _codes(template.contract_elements.all()),
                "common_area_kind": template.common_area_kind,
                "creates_work_order": template.creates_work_order,
                "tips": _codes(template.tips.all()),
                "causes": _codes(template.causes.all()),
            }
            for template in templates
        },
        "tips": {
            tip.code: {
                "code": tip.code,
                "title": _texts(tip, "title"),
                "body": _texts(tip, "body"),
                "video_url": tip.video_url,
            }
            for tip in Tip.objects.filter(tree=tree).order_by("code")
        },
        "causes": {
            cause.code: {
                "code": cause.code,
                "name": _texts(cause, "name"),
                "charged_to_tenant": cause.charged_to_tenant,
            }
            for cause in Cause.objects.filter(tree=tree).order_by("code")
        },
        "action_codes": {
            action.code: {"code": action.code, "message": _texts(action, "message")}
            for action in ActionCode.objects.filter(tree=tree).order_by("code")
        },
    }


def tree_revision_bump(*, tree: QuestionTree) -> int:
    """Record that the tree changed: the next wizard pass starts on a new snapshot.

    Call this inside the transaction of every edit. Passes already under way
    keep the snapshot they started on.
    """
    QuestionTree.objects.filter(pk=tree.pk).update(revision=F("revision") + 1)
    tree.refresh_from_db(fields=["revision"])
    return tree.revision


def snapshot_current(tree: QuestionTree) -> TreeSnapshot:
    """The snapshot of the tree's current revision, made on first use."""
    snapshot = TreeSnapshot.objects.filter(tree=tree, revision=tree.revision).first()
    if snapshot is not None:
        return snapshot
    data = snapshot_build(tree)
    try:
        with transaction.atomic():
            return TreeSnapshot.objects.create(tree=tree, revision=tree.revision, data=data)
    except IntegrityError:
        # Another request froze the same revision a moment earlier.
        return TreeSnapshot.objects.get(tree=tree, revision=tree.revision)


def tree_view(snapshot: TreeSnapshot) -> TreeView:
    """The snapshot ready for questions; built once per process for each snapshot.

    Snapshots never change once written; the time they were made is in the key
    so a row id used again (SQLite after a rollback) never hits an old entry.
    """
    key = (snapshot.pk, snapshot.created_at)
    view = _CACHE.get(key)
    if view is None:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        view = _CACHE[key] = TreeView(snapshot.data, revision=snapshot.revision)
    return view


def fold(text: str) -> str:
    """Lower case without accents, so "Gevel" matches "gevel" and "café" matches "cafe"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Option:
    """One block the tenant can choose at a level."""

    key: str
    name: str
    icon: str
    is_leaf: bool


class TreeView:
    """Questions answered from one frozen revision of a tree."""

    def __init__(self, data: dict[str, Any], *, revision: int) -> None:
        self.data = data
        self.revision = revision
        self.nodes: dict[str, dict[str, Any]] = data["nodes"]

    @property
    def tree_id(self) -> int:
        return int(self.data["tree"]["id"])

    def node(self, key: str) -> dict[str, Any] | None:
        return self.nodes.get(key)

    def template(self, code: str | None) -> dict[str, Any] | None:
        return self.data["templates"].get(code) if code else None

    def action_code(self, code: str | None) -> dict[str, Any] | None:
        return self.data["action_codes"].get(code) if code else None

    def tip(self, code: str) -> dict[str, Any] | None:
        return self.data["tips"].get(code)

    def cause(self, code: str) -> dict[str, Any] | None:
        return self.data["causes"].get(code)

    def path(self, key: str) -> list[dict[str, Any]]:
        """The nodes from the room down to ``key``; empty for an unknown key."""
        chain: list[dict[str, Any]] = []
        node = self.nodes.get(key)
        while node is not None:
            chain.append(node)
            node = self.nodes.get(node["parent"]) if node["parent"] else None
        chain.reverse()
        return chain

    def is_path(self, keys: list[str]) -> bool:
        """Whether ``keys`` is a walk from a room downwards, one level at a time."""
        parent = None
        for key in keys:
            node = self.nodes.get(key)
            if node is None or node["parent"] != parent:
                return False
            parent = key
        return True

    def children(self, key: str | None, *, scope: str = "") -> list[dict[str, Any]]:
        """The options below ``key`` (the rooms for None), alphabetical in the current language."""
        if key is None:
            keys = [k for k in self.data["roots"] if self.nodes[k]["scope"] == scope]
        else:
            node = self.nodes.get(key)
            keys = node["children"] if node else []
        language = _language()
        found = [self.nodes[k] for k in keys]
        found.sort(key=lambda node: fold(text(node["name"], language)))
        return found

    @cached_property
    def _haystacks(self) -> dict[str, dict[str, str]]:
        """Per node and language: its name, search words and template description, folded."""
        result: dict[str, dict[str, str]] = {}
        for key, node in self.nodes.items():
            template = self.template(node["template"])
            per_language: dict[str, str] = {}
            for language in LANGUAGES:
                parts = [node["name"].get(language, ""), node["keywords"].get(language, "")]
                if template:
                    parts.append(template["description"].get(language, ""))
                if language != "nl":
                    # Words typed in Dutch find the option whatever language the page is in.
                    parts.append(per_language.get("nl", ""))
                per_language[language] = fold(" ".join(parts))
            result[key] = per_language
        return result

    def search(self, term: str, *, scope: str = "") -> set[str] | None:
        """The keys that stay visible for a search term: matches, their ancestors and descendants.

        Every word of the term must occur (as the start of a word) in the
        node's own texts or in those of a node above it. None means no term.
        """
        words = _WORD.findall(fold(term))
        if not words:
            return None
        language = _language()
        patterns = [re.compile(rf"\b{re.escape(word)}") for word in words]
        visible: set[str] = set()
        for key in self.nodes:
            chain = self.path(key)
            if not chain or chain[0]["scope"] != scope:
                continue
            haystack = " ".join(self._haystacks[node["key"]][language] for node in chain)
            if all(pattern.search(haystack) for pattern in patterns):
                # A node matches with the texts above it, so a matching room keeps
                # everything under it, and a matching leaf keeps the way to it.
                visible.update(node["key"] for node in chain)
        return visible

    def leaves(self) -> list[str]:
        return [key for key, node in self.nodes.items() if not node["children"]]


def _language() -> str:
    from django.utils import translation

    language = (translation.get_language() or "nl")[:2]
    return language if language in LANGUAGES else "nl"


def text(texts: dict[str, str], language: str | None = None) -> str:
    """One text of a snapshot in the current language, Dutch when that one is empty."""
    language = language or _language()
    return texts.get(language) or texts.get("nl", "")


def tree_for_unit(unit: Any) -> QuestionTree | None:
    """The tree a unit uses: its own, else its unit type's, else the default tree (REP-3)."""
    if unit is not None:
        own = QuestionTree.objects.filter(units=unit).order_by("pk").first()
        if own is not None:
            return own
        if unit.unit_type_id:
            by_type = (
                QuestionTree.objects.filter(unit_types=unit.unit_type_id).order_by("pk").first()
            )
            if by_type is not None:
                return by_type
    return QuestionTree.objects.filter(is_default=True).first()
