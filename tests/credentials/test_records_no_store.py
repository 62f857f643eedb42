"""Pages with client details or notes, exports and certificate files are never cached."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories.records import days_ago, make_education_record, make_log_entry

pytestmark = pytest.mark.django_db


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"], response["Cache-Control"]


def test_coaching_log_pages_and_exports_are_not_cached(client, trainee):
    entry = make_log_entry(trainee=trainee, client_contact="jane@example.org", notes="private")
    client.force_login(trainee)
    for url in [
        reverse("credentials:coaching_log"),
        reverse("credentials:coaching_log_create"),
        reverse("credentials:coaching_log_edit", args=[entry.pk]),
        reverse("credentials:coaching_log_delete", args=[entry.pk]),
        reverse("credentials:coaching_log_export", args=["csv"]),
        reverse("credentials:coaching_log_export", args=["xlsx"]),
        reverse("credentials:coaching_log_import"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)


def test_the_import_preview_and_confirmation_are_not_cached(client, trainee):
    client.force_login(trainee)
    day = days_ago(3).isoformat()
    upload = SimpleUploadedFile(
        "log.csv",
        (
            "Coach Email,Client Name,Contact,Individual/Group,Number in Group,Start Date,"
            f"End Date,Paid Hours,Pro Bono Hours\n{trainee.email},Jane,j@x.org,Individual,,"
            f"{day},{day},1,0\n"
        ).encode(),
    )
    preview = client.post(reverse("credentials:coaching_log_import"), {"spreadsheet": upload})
    assert preview.status_code == 200
    assert_no_store(preview)
    confirm = client.post(
        reverse("credentials:coaching_log_import_confirm"), {"token": preview.context["token"]}
    )
    assert confirm.status_code == 302
    assert_no_store(confirm)


def test_a_failed_form_with_the_contact_is_not_cached(client, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("credentials:coaching_log_create"),
        {"client_name": "Jane", "client_contact": "jane@example.org", "engagement": "individual"},
    )
    assert response.status_code == 400
    assert_no_store(response)


def test_an_education_certificate_download_is_not_cached(client, trainee):
    record = make_education_record(trainee=trainee)
    client.force_login(trainee)
    response = client.get(reverse("credentials:education_certificate", args=[record.pk]))
    assert response.status_code == 200
    assert_no_store(response)
