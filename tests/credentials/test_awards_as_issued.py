"""An award keeps what it was issued with; only an admin renames it, which is recorded and
reissues the certificate."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from credentials import services
from credentials.models import AwardNameChange
from tests.credentials.pdf_text import stored_pdf_text
from tests.factories.people import make_programme_admin

pytestmark = pytest.mark.django_db


def verify_html(client, award) -> str:
    return client.get(
        reverse("credentials:verify", args=[award.verification_code])
    ).content.decode()


def test_a_holder_renaming_themself_changes_neither_verify_nor_the_award(client, award):
    trainee = award.trainee
    trainee.first_name, trainee.last_name = "Augusta", "King"
    trainee.save()
    html = verify_html(client, award)
    assert "Ada Lovelace" in html
    assert "Augusta" not in html
    award.refresh_from_db()
    assert award.holder_name == "Ada Lovelace"
    assert "Ada Lovelace" in stored_pdf_text(award.certificate_pdf)


def test_an_admin_rename_is_recorded_and_reissues_the_certificate(
    client, award, admin, django_capture_on_commit_callbacks
):
    award.refresh_from_db()
    old_file = award.certificate_pdf.name
    storage = award.certificate_pdf.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.award_holder_rename(
            award=award, actor=admin, new_name="Augusta Ada King", reason="Marriage certificate."
        )
    change = AwardNameChange.objects.get(award=award)
    assert (change.old_name, change.new_name) == ("Ada Lovelace", "Augusta Ada King")
    assert change.reason == "Marriage certificate."
    assert change.changed_by == admin
    assert change.changed_at is not None
    award.refresh_from_db()
    assert "Augusta Ada King" in stored_pdf_text(award.certificate_pdf)
    folder = old_file.rsplit("/", 1)[0]
    assert storage.listdir(folder)[1] == ["certificate.pdf"]  # the old PDF is gone
    assert "Augusta Ada King" in verify_html(client, award)


@pytest.mark.parametrize(
    ("new_name", "reason", "field"),
    [
        ("", "Deed poll.", "new_name"),
        ("New Name", " ", "reason"),
        ("Ada Lovelace", "x", "new_name"),
    ],
)
def test_a_rename_without_a_name_or_a_reason_changes_nothing(award, admin, new_name, reason, field):
    with pytest.raises(ValidationError) as refused:
        services.award_holder_rename(award=award, actor=admin, new_name=new_name, reason=reason)
    assert field in refused.value.message_dict
    award.refresh_from_db()
    assert award.holder_name == "Ada Lovelace"
    assert award.certificate_pdf
    assert not AwardNameChange.objects.exists()


def test_only_programme_admins_rename(award):
    with pytest.raises(ValidationError, match="Only programme admins"):
        services.award_holder_rename(
            award=award, actor=award.trainee, new_name="Someone Else", reason="Because."
        )


def test_the_admin_action_asks_for_name_and_reason_then_renames(
    client, award, django_capture_on_commit_callbacks
):
    superuser = make_programme_admin()
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    url = reverse("admin:credentials_award_changelist")
    data = {"action": "change_holder_name", "_selected_action": [award.pk]}
    form = client.post(url, data)
    assert form.status_code == 200
    assert "Name on the certificate" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {**data, "confirm": "yes", "new_name": "Ada King", "reason": "Typo at issue."}
        )
    assert done.status_code == 302
    award.refresh_from_db()
    assert award.holder_name == "Ada King"
    assert AwardNameChange.objects.get(award=award).changed_by == superuser
    change_page = client.get(reverse("admin:credentials_award_change", args=[award.pk]))
    assert "Typo at issue." in change_page.content.decode()
