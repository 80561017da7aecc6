import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_endpoint_answers_ok_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_endpoint_refuses_post(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "abc12345-request"})
    assert response["X-Request-ID"] == "abc12345-request"
    generated = client.get(reverse("healthz"), headers={"X-Request-ID": "<bad>"})
    assert len(generated["X-Request-ID"]) == 32
