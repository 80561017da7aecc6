"""Free-text search over incidents (SPEC INC-1).

What is searched: ``Incident.search_text``, which the services rebuild from the
title, description, every message, the unit's address and the household's name
and tenant number (``incident_search_text_build``).

Languages. Dutch, English and Norwegian text sits side by side in one
organization (a Norwegian tenant writes to a Dutch back office), so no single
stemming dictionary fits every row. On PostgreSQL each incident is indexed
under four configurations at once — ``simple`` (exact words, names, numbers)
and the ``dutch``, ``english`` and ``norwegian`` stemmers — and a typed word
matches when it matches under any of them: ``lekkages`` finds ``lekkage``,
``leaks`` finds ``leaking``, ``vinduer`` finds ``vindu``. The stored vector
lives in the column ``search_vector``, filled by a trigger from
``search_text`` (migration 0007, which also holds the GIN index); Django never
reads or writes that column.

Both the stored text and the query are folded to plain letters here in Python
(``é`` → ``e``, ``ø`` → ``o``, ``æ`` → ``ae``). That gives accent-insensitive
matching without the ``unaccent`` extension, which would need a superuser to
install on many hosted databases and is not immutable, so it cannot sit in an
index expression without a wrapper. The last word is matched as a prefix, so
``lek`` finds ``lekkage`` while it is being typed.

Other databases (SQLite): every typed word must occur in the folded text
(``LIKE`` narrows, a regular expression checks word boundaries), which is fine
for the embedded single-machine set-up; the meaning is the same as on
PostgreSQL (whole words, the last one as a prefix) except that nothing is
stemmed.

A query that is an incident number (``123`` or ``#123``) or exactly a tenant
number also finds that incident or household's incidents directly.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import Expression

MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 60
SEARCH_CONFIGS = ("simple", "dutch", "english", "norwegian")
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


def tsquery_word(word: str, *, prefix: bool) -> str:
    """One word as a ``to_tsquery`` operand: quoted, so nothing typed becomes
    tsquery syntax, and with ``:*`` when it is matched as a prefix."""
    return f"'{word}'" + (":*" if prefix else "")


def tsquery_text(words: list[str]) -> str:
    """A ``to_tsquery`` expression: every word required, the last one as a prefix."""
    last = len(words) - 1
    return " & ".join(tsquery_word(word, prefix=i == last) for i, word in enumerate(words))


_LEXEMES_SQL = """
    SELECT w.pos, c.cfg,
           array_to_string(tsvector_to_array(to_tsvector(c.cfg::regconfig, w.word)), ' ')
    FROM unnest(%s::text[]) WITH ORDINALITY AS w(word, pos), unnest(%s::text[]) AS c(cfg)
"""


def word_lexemes(words: list[str]) -> list[set[tuple[str, ...]]]:
    """For each word, the distinct lexeme groups it becomes under ``SEARCH_CONFIGS``
    (one query): ``lekkages`` → ``{("lekkages",), ("lekkag",)}``. A stop word of
    one language simply has no group there; ``simple`` always keeps the word."""
    found: list[set[tuple[str, ...]]] = [set() for _ in words]
    with connection.cursor() as cursor:
        cursor.execute(_LEXEMES_SQL, [words, list(SEARCH_CONFIGS)])
        for position, _config, lexemes in cursor.fetchall():
            if lexemes:
                found[position - 1].add(tuple(lexemes.split(" ")))
    return found


def multilingual_query(words: list[str]) -> SearchQuery:
    """Every word required; each word matches in any of its stemmed forms.

    The forms come from PostgreSQL itself (``word_lexemes``) and are deduplicated
    here, so a word every stemmer leaves alone is one plain term, as the planner
    estimates best: four identical alternatives made it expect four times as many
    matches and walk the list order instead of using the index for rare words.
    The result is a ``simple``-configuration query over ready-made lexemes.
    """
    last = len(words) - 1
    required: list[str] = []
    for position, groups in enumerate(word_lexemes(words)):
        prefix = position == last
        alternatives = sorted(
            " & ".join(tsquery_word(lexeme, prefix=prefix) for lexeme in group)
            for group in (groups or {(words[position],)})
        )
        required.append("(" + " | ".join(f"({a})" if " & " in a else a for a in alternatives) + ")")
    return SearchQuery(" & ".join(required), search_type="raw", config="simple")


class SearchVectorColumn(Expression):
    """The trigger-maintained ``search_vector`` column of the incident table,
    which the model does not declare (so it is never loaded into Python)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str | int, ...]]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.search_vector", ()


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
        queryset = queryset.alias(search_vector=SearchVectorColumn())
        return queryset, Q(search_vector=multilingual_query(words))
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
