import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_floor_is_not_found_when_the_setting_is_off(english, settings):
    settings.MELDPUNT_BENCH_FLOOR = False
    assert english.get(reverse("bench_floor")).status_code == 404


@pytest.mark.django_db
def test_floor_renders_the_base_layout_with_one_query(english, settings):
    settings.MELDPUNT_BENCH_FLOOR = True
    with CaptureQueriesContext(connection) as queries:
        response = english.get(reverse("bench_floor"))
    assert response.status_code == 200
    assert len(queries) == 1
    assert response.templates[0].name == "bench/floor.html"
    assert "base.html" in [template.name for template in response.templates]
    assert b"<h1>Benchmark floor</h1>" in response.content
    assert b'id="main"' in response.content


@pytest.mark.django_db
def test_floor_needs_no_login_and_refuses_post(english, settings):
    settings.MELDPUNT_BENCH_FLOOR = True
    assert english.post(reverse("bench_floor")).status_code == 405
