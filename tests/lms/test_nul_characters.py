"""A NUL character in an address, a query or a posted field is answered 400, never 500.

PostgreSQL refuses NUL in text, so before this every look-up that met one failed with a 500.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/verify/%00/", "/awards/%00/certificate.pdf", "/verify/abc/?next=%00", "/records/%00log/"],
)
def test_a_nul_in_the_address_is_a_bad_request(client, trainee, url):
    client.force_login(trainee)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_in_a_posted_field_is_a_bad_request_and_saves_nothing(client, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("credentials:coaching_log_create"),
        {
            "client_name": "Jane\x00Doe",
            "engagement": "individual",
            "start_date": "2025-01-01",
            "end_date": "2025-01-01",
            "paid_hours": "1",
            "pro_bono_hours": "0",
        },
    )
    assert response.status_code == 400
    assert not trainee.coaching_log.exists()


def test_a_nul_in_the_sign_in_form_is_a_bad_request(client):
    response = client.post(reverse("login"), {"username": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400


def test_ordinary_requests_pass(client):
    assert client.get("/verify/not-a-code/").status_code == 404
