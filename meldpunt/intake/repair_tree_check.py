"""Checking a repair tree file before anything is written (``content/FORMAT.md``).

``tree_plan`` reads the exchange dictionary from top to bottom, collects every
problem with where it is ("templates[12] (code tap-leaking): unknown tip
'x'", "node 'kitchen-tap': a node with children cannot have a template") and
raises them together as one ``ValidationError``. A file without problems
becomes a ``TreePlan``: plain field values per row, references by code, the
options flattened with parents before their children and their level taken
from their depth.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _

from meldpunt.intake.models import (
    LANGUAGES,
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairTemplate,
    Tip,
    TreeNode,
    Urgency,
)
from meldpunt.properties.models import CommonArea
from meldpunt.tenancy.models import ContractElement

FORMAT_NAME = "meldpunt.repair-tree"
FORMAT_VERSION = 1
MAX_LEVEL = 5

SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")

_TEXT_LIMITS: dict[tuple[type[models.Model], str], int | None] = {}


def _text_limit(model: type[models.Model], name: str) -> int | None:
    key = (model, name)
    if key not in _TEXT_LIMITS:
        _TEXT_LIMITS[key] = getattr(model._meta.get_field(f"{name}_nl"), "max_length", None)
    return _TEXT_LIMITS[key]


@dataclass
class Record:
    """One row to write: its code (key for nodes), plain field values and references."""

    code: str
    fields: dict[str, Any]
    links: dict[str, list[str]] = field(default_factory=dict)
    parent: str | None = None
    template: str | None = None
    action_code: str | None = None


@dataclass
class TreePlan:
    tree_code: str
    tree_names: dict[str, str]
    maintenance_forms: list[Record]
    causes: list[Record]
    tips: list[Record]
    action_codes: list[Record]
    templates: list[Record]
    nodes: list[Record]  # parents before their children


class _Checker:
    """Reads one section item after another and collects what is wrong, with where."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}" if where else message)

    def fields(self, item: dict[str, Any], allowed: Iterable[str], where: str) -> None:
        for name in item:
            if name not in allowed:
                self.error(where, _("unknown field '%(field)s'") % {"field": name})

    def code(self, value: Any, where: str, max_length: int) -> str | None:
        if not isinstance(value, str) or not SLUG.match(value) or len(value) > max_length:
            self.error(
                where,
                _(
                    "'%(code)s' is not a valid code: use letters, digits, hyphens and "
                    "underscores, at most %(max)s characters"
                )
                % {"code": "" if value is None else value, "max": max_length},
            )
            return None
        return value

    def texts(
        self,
        item: dict[str, Any],
        name: str,
        where: str,
        *,
        model: type[models.Model],
        required: bool,
    ) -> dict[str, str]:
        value = item.get(name)
        result = dict.fromkeys(LANGUAGES, "")
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.error(
                where,
                _("'%(field)s' must be an object with a text per language (nl, en, nb)")
                % {"field": name},
            )
            return result
        limit = _text_limit(model, name)
        for language, text in value.items():
            if language not in LANGUAGES:
                self.error(
                    where,
                    _("unknown language '%(language)s' in '%(field)s'")
                    % {"language": language, "field": name},
                )
                continue
            if text is None:
                continue
            if not isinstance(text, str):
                self.error(
                    where,
                    _("the '%(language)s' text of '%(field)s' must be a text")
                    % {"language": language, "field": name},
                )
                continue
            text = text.strip()
            if limit is not None and len(text) > limit:
                self.error(
                    where,
                    _("the '%(language)s' text of '%(field)s' is longer than %(max)s characters")
                    % {"language": language, "field": name, "max": limit},
                )
            result[language] = text
        if required and not result["nl"]:
            self.error(where, _("the Dutch text of '%(field)s' is missing") % {"field": name})
        return result

    def boolean(self, item: dict[str, Any], name: str, where: str, default: bool) -> bool:
        value = item.get(name, default)
        if not isinstance(value, bool):
            self.error(where, _("'%(field)s' must be true or false") % {"field": name})
            return default
        return value

    def string(self, item: dict[str, Any], name: str, where: str, max_length: int) -> str:
        value = item.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(where, _("'%(field)s' must be a text") % {"field": name})
            return ""
        value = value.strip()
        if len(value) > max_length:
            self.error(
                where,
                _("'%(field)s' is longer than %(max)s characters")
                % {"field": name, "max": max_length},
            )
        return value

    def references(
        self,
        item: dict[str, Any],
        name: str,
        where: str,
        *,
        known: set[str] | dict[str, Any],
        unknown: Callable[[str], str],
    ) -> list[str]:
        value = item.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            self.error(where, _("'%(field)s' must be a list of codes") % {"field": name})
            return []
        found: list[str] = []
        for code in value:
            if code in found:
                self.error(
                    where,
                    _("'%(code)s' appears twice in '%(field)s'") % {"code": code, "field": name},
                )
            elif code not in known:
                self.error(where, unknown(code))
            else:
                found.append(code)
        return sorted(found)

    def reference(
        self,
        item: dict[str, Any],
        name: str,
        where: str,
        *,
        known: set[str] | dict[str, Any],
        unknown: Callable[[str], str],
    ) -> str | None:
        value = item.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.error(where, _("'%(field)s' must be a code") % {"field": name})
            return None
        if value not in known:
            self.error(where, unknown(value))
            return None
        return value

    def decimal(
        self,
        item: dict[str, Any],
        name: str,
        where: str,
        *,
        default: Decimal,
        places: int,
        maximum: Decimal,
        message: str,
    ) -> Decimal:
        value = item.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(where, message % {"value": value, "field": name})
            return default
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            number = None
        if (
            number is None
            or not number.is_finite()
            or number < 0
            or number > maximum
            or -number.as_tuple().exponent > places  # type: ignore[operator]
        ):
            self.error(where, message % {"value": value, "field": name})
            return default
        return number.quantize(Decimal(1).scaleb(-places))


def _where(section: str, index: int, item: Any, code_field: str = "code") -> str:
    code = item.get(code_field) if isinstance(item, dict) else None
    if isinstance(code, str) and code:
        return _("%(section)s[%(index)s] (code %(code)s)") % {
            "section": section,
            "index": index,
            "code": code,
        }
    return f"{section}[{index}]"


def _section(check: _Checker, data: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
    """The items of one list section with their place, each checked to be an object."""
    items = data.get(name, [])
    if items is None:
        return []
    if not isinstance(items, list):
        check.error(name, _("must be a list"))
        return []
    found = []
    for index, item in enumerate(items):
        where = _where(name, index, item)
        if not isinstance(item, dict):
            check.error(where, _("must be an object"))
            continue
        found.append((where, item))
    return found


def _unique(check: _Checker, records: list[Record], section: str) -> dict[str, Record]:
    by_code: dict[str, Record] = {}
    for record in records:
        if record.code in by_code:
            check.error(
                section, _("the code '%(code)s' appears more than once") % {"code": record.code}
            )
        by_code[record.code] = record
    return by_code


_TIP_FIELDS = {"code", "title", "body", "video_url"}
_CAUSE_FIELDS = {"code", "name", "charged_to_tenant"}
_ACTION_FIELDS = {"code", "message"}
_FORM_FIELDS = {"code", "name"}
_TEMPLATE_FIELDS = {
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
}
_NODE_FIELDS = {
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
    "level",
}


def flat_texts(texts: dict[str, str], name: str) -> dict[str, str]:
    return {f"{name}_{language}": value for language, value in texts.items()}


def _check_simple(check: _Checker, data: dict[str, Any]) -> dict[str, list[Record]]:
    """Maintenance forms, causes, tips and action codes: codes and texts."""
    url = URLValidator(schemes=["http", "https"])
    result: dict[str, list[Record]] = {}

    forms = []
    for where, item in _section(check, data, "maintenance_forms"):
        check.fields(item, _FORM_FIELDS, where)
        code = check.code(item.get("code"), where, 40)
        names = check.texts(item, "name", where, model=MaintenanceForm, required=True)
        if code:
            forms.append(Record(code, flat_texts(names, "name")))
    result["maintenance_forms"] = forms

    causes = []
    for where, item in _section(check, data, "causes"):
        check.fields(item, _CAUSE_FIELDS, where)
        code = check.code(item.get("code"), where, 80)
        names = check.texts(item, "name", where, model=Cause, required=True)
        charged = check.boolean(item, "charged_to_tenant", where, False)
        if code:
            causes.append(Record(code, {**flat_texts(names, "name"), "charged_to_tenant": charged}))
    result["causes"] = causes

    tips = []
    for where, item in _section(check, data, "tips"):
        check.fields(item, _TIP_FIELDS, where)
        code = check.code(item.get("code"), where, 80)
        titles = check.texts(item, "title", where, model=Tip, required=True)
        bodies = check.texts(item, "body", where, model=Tip, required=True)
        video = check.string(item, "video_url", where, 200)
        if video:
            try:
                url(video)
            except ValidationError:
                check.error(where, _("'%(value)s' is not a valid web address") % {"value": video})
        if code:
            tips.append(
                Record(
                    code,
                    {
                        **flat_texts(titles, "title"),
                        **flat_texts(bodies, "body"),
                        "video_url": video,
                    },
                )
            )
    result["tips"] = tips

    actions = []
    for where, item in _section(check, data, "action_codes"):
        check.fields(item, _ACTION_FIELDS, where)
        code = check.code(item.get("code"), where, 80)
        message = check.texts(item, "message", where, model=ActionCode, required=False)
        if code:
            actions.append(Record(code, flat_texts(message, "message")))
    result["action_codes"] = actions
    return result


def _check_templates(
    check: _Checker,
    data: dict[str, Any],
    *,
    tips: dict[str, Record],
    causes: dict[str, Record],
    forms: set[str],
    elements: set[str],
) -> list[Record]:
    urgencies = set(Urgency.values)
    kinds = set(CommonArea.Kind.values)
    cost_message = _("'%(value)s' is not an amount in euros like 12.50 (0 to 999999.99)")
    vat_message = _("'%(value)s' is not a VAT percentage from 0 to 100 with at most one decimal")
    templates = []
    for where, item in _section(check, data, "templates"):
        check.fields(item, _TEMPLATE_FIELDS, where)
        code = check.code(item.get("code"), where, 80)
        description = check.texts(item, "description", where, model=RepairTemplate, required=True)
        urgency = item.get("urgency") or ""
        if urgency not in urgencies:
            check.error(
                where,
                _("unknown urgency '%(value)s'; use one of: %(choices)s")
                % {"value": urgency, "choices": ", ".join(repr(u) for u in Urgency.values)},
            )
            urgency = ""
        kind = item.get("common_area_kind") or ""
        if kind not in kinds and kind != "":
            check.error(
                where,
                _("unknown common area kind '%(kind)s'; use one of: %(kinds)s")
                % {"kind": kind, "kinds": ", ".join(sorted(kinds))},
            )
            kind = ""
        values = {
            **flat_texts(description, "description"),
            "urgency": urgency,
            "appointment_required": check.boolean(item, "appointment_required", where, True),
            "inspection_required": check.boolean(item, "inspection_required", where, False),
            "cost": check.decimal(
                item,
                "cost",
                where,
                default=Decimal("0.00"),
                places=2,
                maximum=Decimal("999999.99"),
                message=cost_message,
            ),
            "vat_rate": check.decimal(
                item,
                "vat_rate",
                where,
                default=Decimal("21.0"),
                places=1,
                maximum=Decimal("100"),
                message=vat_message,
            ),
            "charged_to_tenant": check.boolean(item, "charged_to_tenant", where, False),
            "covered_by_service_subscription": check.boolean(
                item, "covered_by_service_subscription", where, False
            ),
            "common_area_kind": kind,
            "creates_work_order": check.boolean(item, "creates_work_order", where, True),
        }
        links = {
            "tips": check.references(
                item,
                "tips",
                where,
                known=tips,
                unknown=lambda c: _("unknown tip '%(code)s'") % {"code": c},
            ),
            "causes": check.references(
                item,
                "causes",
                where,
                known=causes,
                unknown=lambda c: _("unknown cause '%(code)s'") % {"code": c},
            ),
            "maintenance_forms": check.references(
                item,
                "maintenance_forms",
                where,
                known=forms,
                unknown=lambda c: (
                    _("unknown maintenance form '%(code)s'; list it under maintenance_forms")
                    % {"code": c}
                ),
            ),
            "contract_elements": check.references(
                item,
                "contract_elements",
                where,
                known=elements,
                unknown=lambda c: (
                    _(
                        "unknown contract element '%(code)s'; contract elements are not created "
                        "by an import, known are: %(known)s"
                    )
                    % {"code": c, "known": ", ".join(sorted(elements)) or "—"}
                ),
            ),
        }
        if code:
            templates.append(Record(code, values, links))
    return templates


class _NodeChecker:
    """Walks the nested options depth first, so every parent comes before its children."""

    def __init__(
        self,
        check: _Checker,
        *,
        templates: dict[str, Record],
        actions: dict[str, Record],
        tips: dict[str, Record],
        causes: dict[str, Record],
    ) -> None:
        self.check = check
        self.templates = templates
        self.actions = actions
        self.tips = tips
        self.causes = causes
        self.records: list[Record] = []
        self.seen: set[str] = set()

    def walk(self, items: Any, *, path: str, parent: str | None, level: int) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.check.error(path, _("must be a list"))
            return
        for index, item in enumerate(items):
            self.node(item, path=f"{path}[{index}]", parent=parent, level=level)

    def node(self, item: Any, *, path: str, parent: str | None, level: int) -> None:
        check = self.check
        if not isinstance(item, dict):
            check.error(path, _("must be an object"))
            return
        raw_key = item.get("key")
        where = (
            _("node '%(key)s'") % {"key": raw_key} if isinstance(raw_key, str) and raw_key else path
        )
        if level > MAX_LEVEL:
            check.error(
                where,
                _("level %(level)s is deeper than the %(max)s levels a tree can have")
                % {"level": level, "max": MAX_LEVEL},
            )
            return
        check.fields(item, _NODE_FIELDS, where)
        key = check.code(raw_key, where, 120)
        if key is not None:
            if key in self.seen:
                check.error(
                    where, _("the key '%(key)s' appears more than once in the tree") % {"key": key}
                )
                key = None
            else:
                self.seen.add(key)
        stated = item.get("level")
        if stated is not None and stated != level:
            check.error(
                where,
                _("level %(stated)s does not match its place in the tree (level %(level)s)")
                % {"stated": stated, "level": level},
            )
        names = check.texts(item, "name", where, model=TreeNode, required=True)
        keywords = check.texts(item, "keywords", where, model=TreeNode, required=False)
        icon = check.string(item, "icon", where, 40)
        if icon and not SLUG.match(icon):
            check.error(where, _("'%(value)s' is not a valid icon name") % {"value": icon})
            icon = ""
        scope = item.get("scope") or ""
        if scope not in TreeNode.Scope.values:
            check.error(
                where,
                _("unknown scope '%(value)s'; use '' or 'common_area'") % {"value": scope},
            )
            scope = ""
        elif scope and level != 1:
            check.error(where, _("only rooms (level 1) can be limited to common areas"))
        template = check.reference(
            item,
            "template",
            where,
            known=self.templates,
            unknown=lambda c: _("unknown template '%(code)s'") % {"code": c},
        )
        action = check.reference(
            item,
            "action_code",
            where,
            known=self.actions,
            unknown=lambda c: _("unknown action code '%(code)s'") % {"code": c},
        )
        if item.get("template") and item.get("action_code"):
            check.error(where, _("a node cannot have both a template and an action code"))
        children = item.get("children") or []
        if children:
            if item.get("template"):
                check.error(where, _("a node with children cannot have a template"))
            if item.get("action_code"):
                check.error(where, _("a node with children cannot have an action code"))
        links = {
            "tips": check.references(
                item,
                "tips",
                where,
                known=self.tips,
                unknown=lambda c: _("unknown tip '%(code)s'") % {"code": c},
            ),
            "causes": check.references(
                item,
                "causes",
                where,
                known=self.causes,
                unknown=lambda c: _("unknown cause '%(code)s'") % {"code": c},
            ),
        }
        if key is not None:
            fields = {
                **flat_texts(names, "name"),
                **flat_texts(keywords, "keywords"),
                "icon": icon,
                "scope": scope,
                "level": level,
            }
            self.records.append(
                Record(key, fields, links, parent=parent, template=template, action_code=action)
            )
        self.walk(children, path=f"{path}.children", parent=key, level=level + 1)


def tree_plan(data: Any, *, into: QuestionTree | None = None) -> TreePlan:
    """Every check of the file; raises one ``ValidationError`` listing all problems."""
    check = _Checker()
    if not isinstance(data, dict):
        raise ValidationError(_("The file does not hold a repair tree (expected a JSON object)."))
    if data.get("format") != FORMAT_NAME:
        check.error(
            "format",
            _("this is not a repair tree file (expected format '%(format)s')")
            % {"format": FORMAT_NAME},
        )
    if data.get("version") != FORMAT_VERSION:
        check.error(
            "version",
            _("version %(version)s of the file format is not supported; version %(supported)s is")
            % {"version": data.get("version"), "supported": FORMAT_VERSION},
        )
    check.fields(
        data,
        {
            "format",
            "version",
            "tree",
            "maintenance_forms",
            "causes",
            "tips",
            "action_codes",
            "templates",
            "nodes",
        },
        "",
    )
    tree_data = data.get("tree")
    tree_code, tree_names = "", dict.fromkeys(LANGUAGES, "")
    if not isinstance(tree_data, dict):
        check.error("tree", _("must be an object with a code and a name"))
    else:
        check.fields(tree_data, {"code", "name"}, "tree")
        tree_names = check.texts(tree_data, "name", "tree", model=QuestionTree, required=True)
        if into is not None:
            tree_code = into.code
        else:
            tree_code = check.code(tree_data.get("code"), "tree", 40) or ""

    simple = _check_simple(check, data)
    forms = _unique(check, simple["maintenance_forms"], "maintenance_forms")
    causes = _unique(check, simple["causes"], "causes")
    tips = _unique(check, simple["tips"], "tips")
    actions = _unique(check, simple["action_codes"], "action_codes")
    known_forms = set(forms) | set(MaintenanceForm.objects.values_list("code", flat=True))
    elements = set(ContractElement.objects.values_list("code", flat=True))
    templates = _check_templates(
        check, data, tips=tips, causes=causes, forms=known_forms, elements=elements
    )
    by_code = _unique(check, templates, "templates")
    nodes = _NodeChecker(check, templates=by_code, actions=actions, tips=tips, causes=causes)
    nodes.walk(data.get("nodes"), path="nodes", parent=None, level=1)
    if check.errors:
        raise ValidationError(check.errors)
    return TreePlan(
        tree_code=tree_code,
        tree_names=tree_names,
        maintenance_forms=list(forms.values()),
        causes=list(causes.values()),
        tips=list(tips.values()),
        action_codes=list(actions.values()),
        templates=list(by_code.values()),
        nodes=nodes.records,
    )
