"""Free-text search over incidents: full-text on PostgreSQL, LIKE elsewhere; both
must give the same answers to what staff type."""

from __future__ import annotations

import pytest
from django.db import connection

from meldpunt.incidents import selectors
from meldpunt.incidents.models import Message
from meldpunt.incidents.search import fold, incident_number, query_words, tsquery_text
from meldpunt.incidents.selectors import IncidentFilters, Status
from meldpunt.incidents.services import incident_search_text_refresh

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search index exists on PostgreSQL only"
)


def found(actor, q: str) -> list[str]:  # type: ignore[no-untyped-def]
    page = selectors.incident_page(actor=actor, filters=IncidentFilters(q=q, status=Status.ALL))
    return sorted(incident.title for incident in page.items)


@pytest.fixture
def incidents(make_incident, place, phases):  # type: ignore[no-untyped-def]
    leak = make_incident(
        title="Lekkage badkamer",
        description="Water loopt langs de tegels",
        unit=place.unit,
        household=place.household,
    )
    make_incident(title="Kapotte deurbel", description="Bel doet het niet")
    make_incident(title="Geluidsoverlast bovenburen", phase=phases["closed"])
    make_incident(title="Søknad om parkering", description="Ærlig talt: café-stoel")
    Message.objects.create(incident=leak, visibility="internal", body="Loodgieter Waterman gebeld")
    incident_search_text_refresh(incident=leak)
    return leak


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lekkage", ["Lekkage badkamer"]),
        ("LEKKAGE", ["Lekkage badkamer"]),
        ("lekk", ["Lekkage badkamer"]),  # the last word is a prefix
        ("tegels", ["Lekkage badkamer"]),  # description
        ("waterman", ["Lekkage badkamer"]),  # a message
        ("merelstraat", ["Lekkage badkamer"]),  # address
        ("3521KL", ["Lekkage badkamer"]),  # postcode
        ("yilmaz", ["Lekkage badkamer"]),  # tenant name, typed without the dotless i
        ("H700123", ["Lekkage badkamer"]),  # tenant number
        ("h700123", ["Lekkage badkamer"]),
        ("water tegels", ["Lekkage badkamer"]),  # every word must match
        ("water deurbel", []),
        ("deurbel", ["Kapotte deurbel"]),
        ("overlast", []),  # words are not split: "geluidsoverlast" is one word
        ("geluid", ["Geluidsoverlast bovenburen"]),  # closed ones too, with status=all
        ("soknad", ["Søknad om parkering"]),
        ("søknad", ["Søknad om parkering"]),
        ("aerlig", ["Søknad om parkering"]),
        ("cafe", ["Søknad om parkering"]),
        ("café", ["Søknad om parkering"]),
        ("nothing-like-this", []),
    ],
)
def test_search_finds_what_staff_type(staff_actor, incidents, query, expected):
    assert found(staff_actor, query) == expected


def test_an_incident_number_finds_that_incident(staff_actor, incidents):
    assert found(staff_actor, str(incidents.pk)) == ["Lekkage badkamer"]
    assert found(staff_actor, f"#{incidents.pk}") == ["Lekkage badkamer"]


def test_an_exact_tenant_number_finds_incidents_not_mentioning_it(
    staff_actor, make_incident, place
):
    make_incident(title="Zonder tekst", household=place.household)
    from meldpunt.incidents.models import Incident

    Incident.objects.update(search_text="")  # as if the text were not built yet
    assert found(staff_actor, "H700123") == ["Zonder tekst"]


@pytest.mark.parametrize(
    "query", ["'", "&", "!", ":*", "a & b | !c", "(((", "\\", "' OR 1=1 --", "%", "_", "  "]
)
def test_query_syntax_characters_are_harmless(staff_actor, incidents, query):
    found(staff_actor, query)  # no error


def test_search_combines_with_other_filters(staff_actor, incidents, categories, make_incident):
    make_incident(title="Lekkage dak", category=categories["Repair"])
    page = selectors.incident_page(
        actor=staff_actor,
        filters=IncidentFilters(q="lekkage", category=categories["Repair"].pk),
    )
    assert [i.title for i in page.items] == ["Lekkage dak"]


def test_folding_and_query_building():
    assert fold("Ærlig Søknad Café Yılmaz ß") == "aerlig soknad cafe yilmaz ss"
    assert query_words("  Lek-kage, O'Brien!  ") == ["lek", "kage", "o", "brien"]
    assert tsquery_text(["lek", "kage"]) == "'lek' & 'kage':*"
    assert len(query_words("w " * 50)) == 8
    assert incident_number("#42") == 42 and incident_number("42") == 42
    assert incident_number("42a") is None and incident_number("0") is None


@postgres_only
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lekkages", ["Lekkage badkamer"]),  # Dutch stem
        ("tegel", ["Lekkage badkamer"]),
        ("leaks", ["Leaking kitchen tap"]),  # English stem
        ("vinduer", ["Trekk fra vindu"]),  # Norwegian stem
        ("trekker", ["Trekk fra vindu"]),
        ("badkamers", ["Lekkage badkamer"]),
        ("overlast", []),  # compound words are still not split
    ],
)
def test_postgres_stems_dutch_english_and_norwegian(
    staff_actor, incidents, make_incident, query, expected
):
    make_incident(title="Leaking kitchen tap", description="The tap keeps dripping")
    make_incident(title="Trekk fra vindu", description="Det trekker i stua")
    assert found(staff_actor, query) == expected


@postgres_only
def test_the_search_vector_follows_the_text(staff_actor, incidents):
    assert found(staff_actor, "wasbak") == []
    Message.objects.create(incident=incidents, visibility="internal", body="Wasbak lekt ook")
    incident_search_text_refresh(incident=incidents)
    assert found(staff_actor, "wasbak") == ["Lekkage badkamer"]
    incidents.title = "Lekkage badkamer boven"
    incidents.save()  # a model save that does not touch the text keeps the vector
    assert found(staff_actor, "wasbak") == ["Lekkage badkamer boven"]


@postgres_only
def test_postgres_has_the_search_index_and_uses_it(staff_actor, incidents):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'incident_search_vector_gin'"
        )
        [(definition,)] = cursor.fetchall()
    assert "gin (search_vector)" in definition
    from meldpunt.incidents.models import Incident
    from meldpunt.incidents.search import text_condition

    queryset, condition = text_condition(Incident.objects.all(), "lekkage")
    # A handful of test rows would be read by scanning; on a large table the
    # planner picks the GIN index by itself (see bench/RESULTS.md). Rule out the
    # scans so the plan shows whether the search condition can use the index.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = queryset.filter(condition).explain()
    assert "incident_search_vector_gin" in plan
