"""An education certificate is accepted only if it opens: a PDF with at least one page, or a PNG
or JPEG that decodes. The same validator guards the form, the service and the model."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from credentials.models import EducationRecord
from credentials.validators import DAMAGED_FILE, certificate_extension
from tests.factories.people import make_trainee
from tests.factories.records import (
    certificate_file,
    days_ago,
    make_education_record,
    one_page_pdf,
    small_image,
)

pytestmark = pytest.mark.django_db

REAL_PDF = one_page_pdf()
REAL_PNG = small_image("PNG")
REAL_JPEG = small_image("JPEG")
BROKEN = {
    "fake PDF header": b"%PDF-1.4\n",  # the 9-byte file of the issue
    "truncated PDF": REAL_PDF[: len(REAL_PDF) // 2],
    "PDF without pages": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "broken PNG": REAL_PNG[:40],
    "truncated JPEG": REAL_JPEG[: len(REAL_JPEG) - 40],
}


@pytest.mark.parametrize(
    ("content", "extension"), [(REAL_PDF, ".pdf"), (REAL_PNG, ".png"), (REAL_JPEG, ".jpg")]
)
def test_a_real_file_is_accepted_as_what_it_is(content, extension):
    assert certificate_extension(certificate_file(content, "upload.bin")) == extension


@pytest.mark.parametrize("kind", BROKEN)
def test_a_file_that_does_not_open_is_refused(kind):
    with pytest.raises(ValidationError) as caught:
        certificate_extension(certificate_file(BROKEN[kind], "certificate.pdf"))
    assert caught.value.messages == [DAMAGED_FILE]


@pytest.mark.parametrize("kind", BROKEN)
def test_the_service_refuses_it_on_the_certificate_field_and_saves_nothing(kind):
    with pytest.raises(ValidationError) as caught:
        make_education_record(
            trainee=make_trainee(), certificate=certificate_file(BROKEN[kind], "certificate.pdf")
        )
    assert caught.value.message_dict["certificate"] == [DAMAGED_FILE]
    assert not EducationRecord.objects.exists()


def test_the_form_shows_the_message_and_saves_nothing(client):
    trainee = make_trainee()
    client.force_login(trainee)
    response = client.post(
        reverse("credentials:education_records"),
        {
            "title": "Group coaching",
            "provider": "Coaching School",
            "completed_on": days_ago(30).isoformat(),
            "hours": "12",
            "synchronous_hours": "6",
            "certificate": certificate_file(BROKEN["fake PDF header"], "certificate.pdf"),
        },
    )
    assert response.status_code == 400
    assert "This file cannot be opened" in response.content.decode()
    assert not EducationRecord.objects.exists()


def test_the_model_field_refuses_it_too():
    record = make_education_record(trainee=make_trainee())
    record.certificate.save("broken.pdf", certificate_file(BROKEN["truncated PDF"]), save=False)
    with pytest.raises(ValidationError) as caught:
        record.full_clean(validate_constraints=False)
    assert caught.value.message_dict["certificate"] == [DAMAGED_FILE]
