import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_ok_and_the_database_vendor(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


@pytest.mark.django_db
def test_an_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_an_unknown_api_url_is_a_problem_document(client):
    response = client.get("/api/v1/no-such-resource")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404
