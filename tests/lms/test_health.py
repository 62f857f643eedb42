from unittest import mock

from django.db import OperationalError
from django.urls import reverse

URL = reverse("healthz")


def test_healthy_service_answers_200_with_json(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"].startswith("ok")
    assert "no-cache" in response["Cache-Control"]


def test_database_failure_answers_503(client, db, settings):
    settings.CELERY_BROKER_URL = ""  # CI runs this suite with a real broker configured
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch("lms.health.connection", broken):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "error: OperationalError",
        "broker": "ok (no broker configured: tasks run in-process)",
    }


def test_unreachable_broker_answers_503(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_health_is_get_only(client, db):
    assert client.post(URL).status_code == 405
