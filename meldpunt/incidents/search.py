"""Free-text search over incidents (SPEC INC-1).

What is searched: ``Incident.search_text``, which the services rebuild from the
title, description, every message, the unit's address and the household's name
and tenant number (``incident_search_text_build``).

Languages. Dutch, English and Norwegian text sits side by side in one
organization (a Norwegian tenant writes to a Dutch back office), so no single
stemming dictionary fits every row. The index uses PostgreSQL's ``simple``
configuration (lower-cased words, no stemming, no stop words) and both the
stored text and the query are folded to plain letters here in Python
(``é`` → ``e``, ``ø`` → ``o``, ``æ`` → ``ae``). That gives accent-insensitive
matching without the ``unaccent`` extension, which would need a superuser
to install on many hosted databases and is not immutable, so it cannot sit in
an index expression without a wrapper. Prefix matching on the word being typed
makes up for the missing stemming: ``lek`` finds ``lekkage`` and ``lekker``.

PostgreSQL: ``to_tsvector('simple', search_text) @@ to_tsquery('simple', …)``,
served by the GIN index ``incident_search_gin`` on exactly that expression
(migration 0004, created only on PostgreSQL). Other databases (SQLite): every
typed word must occur in the folded text (``LIKE`` narrows, a regular
expression checks word boundaries), which is fine for the embedded
single-machine set-up; a regular expression keeps the meaning
the same as on PostgreSQL (whole words, the last one as a prefix).

A query that is an incident number (``123`` or ``#123``) or exactly a tenant
number also finds that incident or household's incidents directly.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Func, Q, QuerySet

MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 60
SEARCH_CONFIG = "simple"
_WORD = re.compile(r"\w+", re.UNICODE)
_INCIDENT_NUMBER = re.compile(r"^#?\s*(\d{1,12})$")
_SPECIAL_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "ı": "i"}
)


def fold(text: str) -> str:
    """``text`` in lower case without accents: ``Ærlig Søknad Café`` → ``aerlig soknad cafe``."""
    plain = (text or "").translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", plain)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.casefold()


def query_words(query: str) -> list[str]:
    """The folded words of ``query``, at most ``MAX_QUERY_WORDS``, each of bounded length."""
    return [word[:MAX_WORD_LENGTH] for word in _WORD.findall(fold(query))][:MAX_QUERY_WORDS]


def incident_number(query: str) -> int | None:
    """The incident number ``query`` stands for (``123``, ``#123``), or ``None``."""
    match = _INCIDENT_NUMBER.match((query or "").strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 0 < number < 2**63 else None


def tsquery_text(words: list[str]) -> str:
    """A ``to_tsquery`` expression: every word required, the last one as a prefix.

    The words come from ``query_words`` (letters, digits and ``_`` only), and
    each is quoted anyway, so nothing the user types becomes tsquery syntax.
    """
    quoted = [f"'{word}'" for word in words]
    if quoted:
        quoted[-1] += ":*"
    return " & ".join(quoted)


class SimpleTsVector(Func):
    """``to_tsvector('simple', <column>)``, written exactly like the GIN index expression.

    Django's own ``SearchVector`` wraps the column in ``COALESCE``, which the
    planner would not match to the index; ``search_text`` is never NULL.
    """

    function = "to_tsvector"
    template = f"%(function)s('{SEARCH_CONFIG}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def text_condition(queryset: QuerySet[Any], query: str) -> tuple[QuerySet[Any], Q | None]:
    """``queryset`` prepared for the text match, and the condition that matches ``query``.

    The condition is ``None`` when ``query`` holds no word at all (only
    punctuation): then nothing is narrowed by text.
    """
    words = query_words(query)
    if not words:
        return queryset, None
    if uses_full_text_search():
        queryset = queryset.alias(search_vector=SimpleTsVector("search_text"))
        tsquery = SearchQuery(tsquery_text(words), search_type="raw", config=SEARCH_CONFIG)
        return queryset, Q(search_vector=tsquery)
    # The same meaning as the tsquery: whole words, the last one as a prefix.
    condition = Q()
    for position, word in enumerate(words, start=1):
        ending = "" if position == len(words) else r"(\W|$)"
        condition &= Q(search_text__contains=word) & Q(
            search_text__regex=rf"(^|\W){re.escape(word)}{ending}"
        )
    return queryset, condition


def search_text_join(parts: list[str]) -> str:
    """The folded text stored in ``search_text``: the parts, one per line, empty ones left out."""
    return "\n".join(fold(part) for part in parts if part and part.strip())
