"""Keyset (cursor) pagination: page 1 and page 5,000 cost the same.

The queryset is ordered by one text, number or date column plus the primary key;
the cursor carries the last row's values, so the next page is a range scan
on an index instead of an OFFSET that reads and drops every earlier row.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Any]
    next_cursor: str | None
    has_previous: bool


def _jsonable(value: Any) -> str:
    if isinstance(value, date):  # datetimes too; the database reads the ISO text back
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _encode(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=_jsonable).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> list[Any] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != 2:
        return None
    if not isinstance(values[1], int) or isinstance(values[1], bool):
        return None
    if values[0] is not None and not isinstance(values[0], str | int | float):
        return None
    return values


def keyset_page(
    queryset: QuerySet[Any], *, order_field: str, cursor: str | None, size: int = 50
) -> Page:
    """One page of ``queryset`` in ``(order_field, pk)`` order after ``cursor``.

    A malformed cursor is treated as "first page": links shared or edited by
    hand never produce an error page.
    """
    ordered = queryset.order_by(order_field, "pk")
    after = _decode(cursor) if cursor else None
    if after is not None:
        value, pk = after
        # The redundant >= bound lets the database start the index range there.
        ordered = ordered.filter(
            Q(**{f"{order_field}__gte": value})
            & (Q(**{f"{order_field}__gt": value}) | Q(**{order_field: value, "pk__gt": pk}))
        )
    rows = list(ordered[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode([getattr(last, order_field), last.pk])
    return Page(items=rows, next_cursor=next_cursor, has_previous=after is not None)


def newest_first_page(queryset: QuerySet[Any], *, cursor: str | None, size: int = 50) -> Page:
    """One page of ``queryset`` newest first (descending primary key) after ``cursor``."""
    ordered = queryset.order_by("-pk")
    after = _decode(cursor) if cursor else None
    if after is not None:
        ordered = ordered.filter(pk__lt=after[1])
    rows = list(ordered[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = _encode([None, rows[-1].pk])
    return Page(items=rows, next_cursor=next_cursor, has_previous=after is not None)
