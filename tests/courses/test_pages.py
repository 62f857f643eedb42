"""Wagtail pages: programme list, programme outline and enrolment, module page and its actions."""

import re

import pytest
from django.urls import reverse

from courses.models import BlockProgress, Enrolment, EnrolmentPolicy, JournalEntry, ModuleCompletion
from courses.services import block_mark_done, enrolment_create
from tests.factories.courses import make_programme, modules_of, required_block_ids
from tests.factories.people import make_mentor, make_trainee, make_trainer

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_root_lists_live_programmes_with_module_count_and_hours(client):
    make_programme(title="Resilience Coaching", modules=3)
    draft = make_programme(title="Hidden Draft")
    draft.unpublish()
    response = client.get("/")
    assert response.status_code == 200
    body = text_of(response)
    assert "Resilience Coaching" in body
    assert "3 modules" in body
    assert "7.5 education hours" in body
    assert "Hidden Draft" not in body


def test_programme_page_shows_outline_and_sign_in_prompt_to_anonymous(client, world):
    response = client.get(world.programme.url)
    body = text_of(response)
    assert response.status_code == 200
    assert "Sign in to enrol" in body
    assert "Module 1" in body and "Module 2" in body
    assert "Self-paced" in body
    assert "<form" not in body.split("Outline")[0].split("Join this programme")[1]


def test_programme_page_for_trainee_has_labelled_code_field_and_enrol_button(client):
    programme = make_programme(policy=EnrolmentPolicy.INVITATION)
    client.force_login(make_trainee())
    body = text_of(client.get(programme.url))
    assert '<label for="id_invitation_code">Invitation code' in body
    assert ">Enrol</button>" in body
    assert "by invitation" in body


def test_enrolled_trainee_sees_progress_and_done_ticks(client, world):
    block_mark_done(
        trainee=world.trainee, module=world.module, block_id=required_block_ids(world.module)[0]
    )
    client.force_login(world.trainee)
    client.post(reverse("courses:module_complete", args=[world.module.pk]))
    body = text_of(client.get(world.programme.url))
    assert "1 of 2 modules done" in body
    assert "✓ Done" in body
    assert ">Enrol</button>" not in body


def test_enrol_with_code_redirects_with_success_message(client, world):
    newcomer = make_trainee()
    client.force_login(newcomer)
    url = reverse("courses:enrol", args=[world.programme.pk])
    response = client.post(url, {"invitation_code": world.cohort.invitation_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == world.programme.url
    enrolment = Enrolment.objects.get(trainee=newcomer)
    assert enrolment.cohort == world.cohort
    assert "You are enrolled in Physician Coach Certification" in text_of(
        client.get(world.programme.url)
    )


def test_enrol_with_wrong_code_is_400_with_message_and_changes_nothing(client, world):
    newcomer = make_trainee()
    client.force_login(newcomer)
    url = reverse("courses:enrol", args=[world.programme.pk])
    response = client.post(url, {"invitation_code": "NOPE"})
    assert response.status_code == 400
    assert "That invitation code is not valid for this programme" in text_of(response)
    assert not Enrolment.objects.filter(trainee=newcomer).exists()


def test_enrol_twice_is_400(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("courses:enrol", args=[world.programme.pk]), {})
    assert response.status_code == 400
    assert "You are already enrolled in Physician Coach Certification" in text_of(response)


def test_invitation_only_without_code_is_400(client):
    programme = make_programme(policy=EnrolmentPolicy.INVITATION)
    client.force_login(make_trainee())
    response = client.post(reverse("courses:enrol", args=[programme.pk]), {"invitation_code": ""})
    assert response.status_code == 400
    assert "enter your invitation code" in text_of(response)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("make_user", [make_trainer, make_mentor])
def test_non_trainee_enrol_is_refused(client, make_user):
    programme = make_programme()
    client.force_login(make_user())
    response = client.post(reverse("courses:enrol", args=[programme.pk]), {})
    assert response.status_code == 400
    assert "Only trainees can enrol" in text_of(response)
    assert not Enrolment.objects.exists()


def test_enrol_anonymous_redirects_to_login_and_get_is_not_allowed(client, world):
    url = reverse("courses:enrol", args=[world.programme.pk])
    response = client.post(url, {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(make_trainee())
    assert client.get(url).status_code == 405
    assert client.post(reverse("courses:enrol", args=[999999]), {}).status_code == 404


def test_module_page_for_enrolled_trainee_has_buttons_and_disabled_complete(client, world):
    client.force_login(world.trainee)
    body = text_of(client.get(world.module.url))
    assert "Mark as done" in body
    assert re.search(
        r"<button type=\"submit\" class=\"button\" disabled[^>]*>Complete module", body
    )
    assert "Still to do" in body


def test_module_page_for_visitor_shows_content_without_buttons(client, world):
    body = text_of(client.get(world.module.url))
    assert "Read this first." in body
    assert "Mark as done" not in body
    assert "Complete module" not in body
    assert "Sign in to enrol" in body
    client.force_login(world.other_trainee)
    body = text_of(client.get(world.module.url))
    assert "Mark as done" not in body
    assert "to enrol" in body


def test_mark_done_without_js_redirects_back_to_the_block(client, world):
    client.force_login(world.trainee)
    block_id = required_block_ids(world.module)[0]
    response = client.post(reverse("courses:block_done", args=[world.module.pk, block_id]))
    assert response.status_code == 302
    assert response["Location"] == f"{world.module.url}#block-{block_id}"
    assert BlockProgress.objects.filter(trainee=world.trainee, block_id=block_id).exists()


def test_mark_done_with_htmx_swaps_the_block_and_enables_complete(client, world):
    client.force_login(world.trainee)
    block_id = required_block_ids(world.module)[0]
    response = client.post(
        reverse("courses:block_done", args=[world.module.pk, block_id]), HTTP_HX_REQUEST="true"
    )
    body = text_of(response)
    assert response.status_code == 200
    assert f'id="block-{block_id}"' in body
    assert "block-done" in body
    assert 'hx-swap-oob="true"' in body
    assert not re.search(r"disabled[^>]*>Complete module", body)


def test_mark_done_errors_are_400_and_change_nothing(client, world):
    client.force_login(world.other_trainee)
    block_id = required_block_ids(world.module)[0]
    response = client.post(reverse("courses:block_done", args=[world.module.pk, block_id]))
    assert response.status_code == 400
    assert "Enrol in this programme" in text_of(response)
    client.force_login(world.trainee)
    response = client.post(reverse("courses:block_done", args=[world.module.pk, "bogus"]))
    assert response.status_code == 400
    assert "does not exist" in text_of(response)
    response = client.post(
        reverse("courses:block_done", args=[world.module.pk, "bogus"]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert response["HX-Refresh"] == "true"
    assert not BlockProgress.objects.exists()


def test_complete_module_too_early_is_400_listing_what_is_missing(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("courses:module_complete", args=[world.module.pk]))
    assert response.status_code == 400
    assert "Do the activity: Practice 1" in text_of(response)
    assert not ModuleCompletion.objects.exists()


def test_complete_module_shows_hours_recorded(client, world):
    client.force_login(world.trainee)
    block_id = required_block_ids(world.module)[0]
    client.post(reverse("courses:block_done", args=[world.module.pk, block_id]))
    response = client.post(reverse("courses:module_complete", args=[world.module.pk]))
    assert response.status_code == 302
    body = text_of(client.get(world.module.url))
    assert "Module complete — 2.5 education hours recorded" in body
    client.post(reverse("courses:module_complete", args=[world.module.pk]))
    assert ModuleCompletion.objects.get().education_hours == 2.5


def module_with_prompt(programme):
    module = modules_of(programme)[0]
    module.body.append(("reflection_prompt", {"prompt": "What did you notice?", "required": True}))
    module.save_revision().publish()
    module.refresh_from_db()
    return module, module.body[-1].id


def test_reflection_form_saves_a_private_journal_entry_and_marks_prompt_done(client, world):
    module, prompt_id = module_with_prompt(world.programme)
    client.force_login(world.trainee)
    body = text_of(client.get(module.url))
    assert f'<label for="reflection-{prompt_id}">Your reflection</label>' in body
    assert "Save reflection" in body
    url = reverse("courses:reflection_save", args=[module.pk, prompt_id])
    response = client.post(url, {"body": "I interrupted less."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved in your private journal" in text_of(response)
    entry = JournalEntry.objects.get()
    assert (entry.trainee, entry.module, entry.block_id) == (world.trainee, module, prompt_id)
    assert BlockProgress.objects.filter(block_id=prompt_id).exists()


def test_empty_reflection_is_400(client, world):
    module, prompt_id = module_with_prompt(world.programme)
    client.force_login(world.trainee)
    response = client.post(reverse("courses:reflection_save", args=[module.pk, prompt_id]), {})
    assert response.status_code == 400
    assert "Write your reflection" in text_of(response)
    assert not JournalEntry.objects.exists()


def test_live_module_lists_cohort_sessions_in_the_users_time_zone(client, world):
    from decimal import Decimal

    from tests.factories.courses import make_cohort, make_live_session

    programme = make_programme(modules=1, synchronous_every=1, hours=Decimal("2"))
    cohort = make_cohort(programme=programme)
    trainee = make_trainee(time_zone="America/New_York")
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    module = modules_of(programme)[0]
    session = make_live_session(module=module, cohort=cohort)
    client.force_login(trainee)
    body = text_of(client.get(module.url))
    assert "Live session" in body
    assert "America/New_York" in body
    local = session.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert local.strftime("%H:%M") in body
    assert "Attend a live session" in body


def test_video_block_embeds_youtube_with_title_and_transcript(client, world):
    module = world.module
    module.body.append(
        (
            "video",
            {
                "title": "Open questions",
                "url": "https://www.youtube.com/watch?v=abcDEF12345",
                "transcript": "Hello.",
                "required": True,
            },
        )
    )
    module.save_revision().publish()
    body = text_of(client.get(module.url))
    assert (
        'src="https://www.youtube-nocookie.com/embed/abcDEF12345" title="Video: Open questions"'
        in body
    )
    assert "<details> <summary>Transcript</summary>" in body
    assert "style=" not in body
    assert "<script>" not in body
