from datetime import timedelta

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from meldpunt.common.links import (
    absolute_url,
    link_issue,
    link_page,
    link_resolve,
    link_revoke,
    links_extend,
)
from meldpunt.common.models import AccessLink
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def issue(obj, purpose="work_order.supplier", days=30):
    return link_issue(
        obj=obj,
        purpose=purpose,
        party="supplier@example.com",
        expires_at=timezone.now() + timedelta(days=days),
    )


def test_a_token_has_at_least_128_bits_and_only_its_hash_is_stored():
    link, token = issue(ContactFactory())
    assert len(token) >= 43  # 256 bits in URL-safe base64
    assert token not in link.token_hash
    assert not AccessLink.objects.filter(token_hash=token).exists()


def test_a_token_resolves_to_its_object_only_for_its_purpose():
    contact = ContactFactory()
    link, token = issue(contact)
    resolved = link_resolve(token=token, purpose="work_order.supplier")
    assert resolved.pk == link.pk
    assert resolved.object_id == contact.public_id
    with pytest.raises(Http404):
        link_resolve(token=token, purpose="incident.tenant")


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "a" * 500])
def test_unknown_tokens_are_not_found(token):
    issue(ContactFactory())
    with pytest.raises(Http404):
        link_resolve(token=token, purpose="work_order.supplier")


def test_expired_and_revoked_links_are_not_found():
    contact = ContactFactory()
    link, token = issue(contact, days=1)
    with pytest.raises(Http404):
        link_resolve(
            token=token, purpose="work_order.supplier", now=timezone.now() + timedelta(days=2)
        )
    link_revoke(link=link)
    with pytest.raises(Http404):
        link_resolve(token=token, purpose="work_order.supplier")


def test_resolving_changes_nothing():
    _link, token = issue(ContactFactory())
    before = list(AccessLink.objects.values())
    link_resolve(token=token, purpose="work_order.supplier")
    assert list(AccessLink.objects.values()) == before


def test_links_can_be_extended_when_the_case_closes():
    contact = ContactFactory()
    _link, token = issue(contact, days=1)
    new_expiry = timezone.now() + timedelta(days=30)
    assert links_extend(obj=contact, purpose="work_order.supplier", expires_at=new_expiry) == 1
    link_resolve(
        token=token, purpose="work_order.supplier", now=timezone.now() + timedelta(days=10)
    )


def test_absolute_urls_come_from_the_configured_site_url(settings):
    settings.SITE_URL = "https://meldpunt.example.org"
    assert absolute_url("/l/abc") == "https://meldpunt.example.org/l/abc"
    with pytest.raises(ValueError):
        absolute_url("l/abc")


def test_link_pages_send_no_referrer_and_are_never_stored():
    view = link_page(lambda request: HttpResponse("ok"))
    response = view(RequestFactory().get("/l/token"))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
