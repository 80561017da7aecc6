import pytest
from hypothesis import given
from hypothesis import strategies as st

from meldpunt.common.pagination import _decode, _encode, keyset_page
from meldpunt.people.models import Contact
from tests.factories import ContactFactory


@pytest.mark.django_db
def test_keyset_pages_walk_every_row_once_in_order_even_with_equal_names():
    for index in range(7):
        ContactFactory(name=f"Bakker {index % 3}")
    seen = []
    cursor = None
    pages = 0
    while True:
        page = keyset_page(Contact.objects.all(), order_field="name", cursor=cursor, size=3)
        seen.extend(page.items)
        pages += 1
        assert page.has_previous == (cursor is not None)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 3
    assert [c.pk for c in seen] == list(
        Contact.objects.order_by("name", "pk").values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_malformed_cursor_gives_the_first_page_instead_of_an_error():
    ContactFactory(name="Aalbers")
    page = keyset_page(Contact.objects.all(), order_field="name", cursor="%%%not-base64")
    assert [c.name for c in page.items] == ["Aalbers"]
    assert page.has_previous is False


@given(st.one_of(st.text(max_size=40), st.integers()), st.integers(min_value=1, max_value=2**62))
def test_cursor_round_trips(value, pk):
    assert _decode(_encode([value, pk])) == [value, pk]


@given(st.text(max_size=60))
def test_decoding_arbitrary_text_never_raises(text):
    result = _decode(text)
    assert result is None or len(result) == 2
