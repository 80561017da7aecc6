"""The repair tree exchange format as an Excel workbook, and back.

One sheet per kind (tree, nodes, templates, tips, causes, action_codes,
maintenance_forms), one column per language, lists as comma-separated codes,
options flat with their parent's key and level. ``data_from_workbook`` gives
the same dictionary as the JSON file, so both pass the same checks; it
refuses anything that is not a plain workbook before openpyxl reads it
(size, zip bombs, XML with a document type or entities).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from meldpunt.intake.models import LANGUAGES

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
MAX_ROWS = 20_000

_LANG_COLUMNS = {
    name: [f"{name}_{language}" for language in LANGUAGES]
    for name in ("name", "title", "body", "message", "description", "keywords")
}
SHEETS: dict[str, list[str]] = {
    "tree": ["format", "version", "code", *_LANG_COLUMNS["name"]],
    "nodes": [
        "key",
        "parent",
        "level",
        *_LANG_COLUMNS["name"],
        "icon",
        *_LANG_COLUMNS["keywords"],
        "scope",
        "template",
        "action_code",
        "tips",
        "causes",
    ],
    "templates": [
        "code",
        *_LANG_COLUMNS["description"],
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
    "tips": ["code", *_LANG_COLUMNS["title"], *_LANG_COLUMNS["body"], "video_url"],
    "causes": ["code", *_LANG_COLUMNS["name"], "charged_to_tenant"],
    "action_codes": ["code", *_LANG_COLUMNS["message"]],
    "maintenance_forms": ["code", *_LANG_COLUMNS["name"]],
}
_LIST_COLUMNS = {"maintenance_forms", "contract_elements", "tips", "causes"}
_BOOL_COLUMNS = {
    "appointment_required",
    "inspection_required",
    "charged_to_tenant",
    "covered_by_service_subscription",
    "creates_work_order",
}
_TRUE = {"true", "yes", "ja", "1", "x", "waar"}
_FALSE = {"false", "no", "nee", "0", "onwaar"}


def file_too_large() -> str:
    return _("The file is larger than %(max)s MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)}


def _row_from(item: dict[str, Any], columns: list[str]) -> list[Any]:
    row: list[Any] = []
    for column in columns:
        name, _sep, language = column.rpartition("_")
        if language in LANGUAGES and name in _LANG_COLUMNS:
            row.append((item.get(name) or {}).get(language, ""))
        elif column in _LIST_COLUMNS:
            row.append(", ".join(item.get(column) or []))
        else:
            value = item.get(column)
            row.append("" if value is None else value)
    return row


def _node_rows(
    nodes: list[dict[str, Any]], parent: str, level: int, columns: list[str]
) -> Iterable[list[Any]]:
    for node in nodes:
        yield _row_from({**node, "parent": parent, "level": level}, columns)
        yield from _node_rows(node["children"], node["key"], level + 1, columns)


def workbook_from_data(data: dict[str, Any]) -> bytes:
    """The exchange dictionary as a workbook: one sheet per kind, one column per language."""
    workbook = Workbook(write_only=True)
    for sheet_name, columns in SHEETS.items():
        sheet = workbook.create_sheet(sheet_name)
        sheet.append(columns)
        if sheet_name == "tree":
            sheet.append(
                _row_from(
                    {**data["tree"], "format": data["format"], "version": data["version"]},
                    columns,
                )
            )
        elif sheet_name == "nodes":
            for row in _node_rows(data["nodes"], "", 1, columns):
                sheet.append(row)
        else:
            for item in data[sheet_name]:
                sheet.append(_row_from(item, columns))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


_XML_DANGER = [
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]


def _safe_zip(content: bytes) -> None:
    """Refuse what is not a plain workbook before a parser sees it (zip and XML bombs)."""
    not_xlsx = _("The file is not a readable Excel workbook (.xlsx).")
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(file_too_large())
    if content[:4] != b"PK\x03\x04":
        raise ValidationError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > (
                MAX_UNPACKED_BYTES
            ):
                raise ValidationError(_("The workbook unpacks to more than the allowed size."))
            if "xl/workbook.xml" not in archive.namelist():
                raise ValidationError(not_xlsx)
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    with archive.open(entry) as member:
                        body = member.read(MAX_UNPACKED_BYTES + 1)
                    if len(body) > MAX_UNPACKED_BYTES:
                        raise ValidationError(
                            _("The workbook unpacks to more than the allowed size.")
                        )
                    if any(marker in body for marker in _XML_DANGER):
                        raise ValidationError(not_xlsx)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as e:
        raise ValidationError(not_xlsx) from e


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _boolean(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    folded = str(value).strip().casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return str(value)  # the import's check names it


def _item_from(row: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for column, value in row.items():
        name, _sep, language = column.rpartition("_")
        if language in LANGUAGES and name in _LANG_COLUMNS:
            item.setdefault(name, {})[language] = _text(value)
        elif column in _LIST_COLUMNS:
            item[column] = [part.strip() for part in _text(value).split(",") if part.strip()]
        elif column in _BOOL_COLUMNS:
            boolean = _boolean(value)
            if boolean is not None:
                item[column] = boolean
        elif column in ("cost", "vat_rate"):
            if value not in (None, ""):
                item[column] = value if isinstance(value, str) else str(value)
        elif column in ("level", "version"):
            if value not in (None, ""):
                item[column] = int(value) if re.fullmatch(r"\d{1,3}", str(value)) else value
        else:
            item[column] = _text(value)
    return item


def _sheet_rows(workbook: Any, name: str, errors: list[str]) -> list[tuple[int, dict[str, Any]]]:
    where = _("sheet '%(sheet)s'") % {"sheet": name}
    if name not in workbook.sheetnames:
        errors.append(_("%(where)s is missing") % {"where": where})
        return []
    rows = workbook[name].iter_rows(values_only=True)
    header = [_text(_cell(value)) for value in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    unknown = [column for column in header if column not in SHEETS[name]]
    missing = [column for column in SHEETS[name] if column not in header]
    if unknown or missing:
        if unknown:
            errors.append(
                _("%(where)s: unknown columns %(columns)s")
                % {"where": where, "columns": ", ".join(unknown)}
            )
        if missing:
            errors.append(
                _("%(where)s: missing columns %(columns)s")
                % {"where": where, "columns": ", ".join(missing)}
            )
        return []
    found = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append(_("%(where)s has too many rows") % {"where": where})
            break
        cells = [_cell(value) for value in values[: len(header)]]
        if all(value in (None, "") for value in cells):
            continue
        found.append((number, dict(zip(header, cells, strict=False))))
    return found


def _nest(rows: list[tuple[int, dict[str, Any]]], errors: list[str]) -> list[dict[str, Any]]:
    """Options from flat rows with a parent key to the nested form of the JSON file."""
    items: dict[str, dict[str, Any]] = {}
    order: list[tuple[int, str, dict[str, Any]]] = []
    for number, row in rows:
        parent = _text(row.pop("parent", "")).strip()
        item = {**_item_from(row), "children": []}
        key = item.get("key", "")
        if key in items:
            errors.append(
                _("sheet 'nodes' row %(row)s: the key '%(key)s' appears more than once")
                % {"row": number, "key": key}
            )
            continue
        items[key] = item
        order.append((number, parent, item))
    roots = []
    orphans: set[int] = set()
    for number, parent, item in order:
        if not parent:
            roots.append(item)
        elif parent in items and parent != item["key"]:
            items[parent]["children"].append(item)
        else:
            orphans.add(id(item))
            errors.append(
                _("sheet 'nodes' row %(row)s: unknown parent '%(parent)s'")
                % {"row": number, "parent": parent}
            )
    reached: set[int] = set()
    stack = list(roots)
    while stack:
        item = stack.pop()
        reached.add(id(item))
        stack.extend(item["children"])
    for number, _parent, item in order:
        if id(item) not in reached and id(item) not in orphans:
            errors.append(
                _("sheet 'nodes' row %(row)s: '%(key)s' is part of a loop of parents")
                % {"row": number, "key": item["key"]}
            )
    return roots


def data_from_workbook(content: bytes) -> dict[str, Any]:
    """The workbook as the JSON exchange dictionary; problems of its shape as one error."""
    _safe_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ValidationError(_("The file is not a readable Excel workbook (.xlsx).")) from error
    errors: list[str] = []
    try:
        sheets = {name: _sheet_rows(workbook, name, errors) for name in SHEETS}
    except Exception as error:  # a damaged sheet part only shows while reading it
        raise ValidationError(_("The file is not a readable Excel workbook (.xlsx).")) from error
    finally:
        workbook.close()
    tree_rows = sheets["tree"]
    tree: dict[str, Any] = _item_from(tree_rows[0][1]) if tree_rows else {}
    if not tree_rows and "tree" in workbook.sheetnames:
        errors.append(_("sheet 'tree' has no row with the tree's code and name"))
    data: dict[str, Any] = {
        "format": tree.pop("format", ""),
        "version": tree.pop("version", None),
        "tree": tree,
    }
    for name in ("maintenance_forms", "causes", "tips", "action_codes", "templates"):
        data[name] = [_item_from(row) for _number, row in sheets[name]]
    data["nodes"] = _nest(sheets["nodes"], errors)
    if errors:
        raise ValidationError(errors)
    return data
