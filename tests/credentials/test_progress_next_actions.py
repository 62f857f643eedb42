"""'What to do next' lists actions with links, not the requirement cards again."""

import pytest
from django.urls import reverse

from courses.models import Enrolment
from tests.credentials.eligible import coaching_rows
from tests.factories.courses import make_cohort, make_programme, modules_of
from tests.factories.people import make_trainee, make_trainer

pytestmark = pytest.mark.django_db


def next_steps_html(html: str) -> str:
    start = html.index('<ol class="next-steps">')
    return html[start : html.index("</ol>", start)]


@pytest.fixture
def trainee():
    trainee = make_trainee()
    programme = make_programme(title="Level 1", modules=2)
    cohort = make_cohort(programme=programme, trainers=[make_trainer()])
    Enrolment.objects.create(trainee=trainee, programme=programme, cohort=cohort)
    coaching_rows(trainee, 3)
    return trainee


def test_each_item_is_an_action_linking_where_to_do_it(client, trainee):
    client.force_login(trainee)
    response = client.get(reverse("credentials:progress"))
    steps = next_steps_html(response.content.decode())
    first_module = modules_of(trainee.enrolments.get().programme)[0]
    for url, text in [
        (first_module.url, "Continue with the next module: Module 1"),
        (reverse("credentials:education_records"), "Upload education from another provider"),
        (reverse("credentials:mentor_sessions"), "Book or log mentor coaching"),
        (reverse("credentials:coaching_log_create"), "Log client coaching"),
    ]:
        assert f'<a href="{url}">{text}</a>' in steps, steps
    assert "60 more hours of coach-specific education" in steps
    for requirement in response.context["progress"].next_steps:
        assert requirement.detail not in steps  # the cards say that already


def test_staff_see_the_actions_without_the_trainees_own_links(client, trainee):
    trainer = trainee.enrolments.get().cohort.trainers.get()
    client.force_login(trainer)
    html = client.get(reverse("credentials:progress_of", args=[trainee.pk])).content.decode()
    steps = next_steps_html(html)
    assert "Log client coaching" in steps
    assert "<a " not in steps
