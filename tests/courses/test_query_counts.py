"""Page query counts stay under one fixed budget however many modules or trainees there are."""

import pytest
from django.urls import reverse

from courses.services import block_mark_done, enrolment_create, module_complete
from tests.factories.courses import (
    enrol_many_trainees,
    make_cohort,
    make_programme,
    modules_of,
    required_block_ids,
)
from tests.factories.people import make_trainee, make_trainer

pytestmark = pytest.mark.django_db

PROGRAMME_PAGE_BUDGET = 13
MODULE_PAGE_BUDGET = 17
COHORT_PAGE_BUDGET = 10
INDEX_PAGE_BUDGET = 9


def complete(trainee, module):
    for block_id in required_block_ids(module):
        block_mark_done(trainee=trainee, module=module, block_id=block_id)
    module_complete(trainee=trainee, module=module)


@pytest.mark.parametrize("modules", [1, 50])
def test_programme_page_and_index(client, django_assert_max_num_queries, modules):
    trainee = make_trainee()
    programme = make_programme(modules=modules, courses=min(modules, 5))
    enrolment_create(trainee=trainee, programme=programme)
    for module in modules_of(programme)[: max(1, modules // 3)]:
        complete(trainee, module)
    client.force_login(trainee)
    client.get(programme.url)  # warm per-process caches (site root paths)
    with django_assert_max_num_queries(PROGRAMME_PAGE_BUDGET):
        response = client.get(programme.url)
    assert response.status_code == 200
    with django_assert_max_num_queries(INDEX_PAGE_BUDGET):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("required_blocks", [1, 30])
def test_module_page(client, django_assert_max_num_queries, required_blocks):
    trainee = make_trainee()
    programme = make_programme(modules=2, required_blocks=required_blocks)
    enrolment_create(trainee=trainee, programme=programme)
    module = modules_of(programme)[0]
    for block_id in required_block_ids(module)[:-1]:
        block_mark_done(trainee=trainee, module=module, block_id=block_id)
    client.force_login(trainee)
    client.get(module.url)
    with django_assert_max_num_queries(MODULE_PAGE_BUDGET):
        response = client.get(module.url)
    assert response.content.decode().count("Mark as done") >= 1


@pytest.mark.parametrize("trainees", [1, 200])
def test_trainer_cohort_view(client, django_assert_max_num_queries, trainees):
    trainer = make_trainer()
    programme = make_programme(modules=4)
    cohort = make_cohort(programme=programme, trainers=[trainer])
    enrol_many_trainees(cohort=cohort, count=trainees, completed_modules=modules_of(programme)[:2])
    client.force_login(trainer)
    url = reverse("courses:trainer_cohort", args=[cohort.pk])
    client.get(url)
    with django_assert_max_num_queries(COHORT_PAGE_BUDGET):
        response = client.get(url)
    assert response.content.decode().count("<span>2 of 4</span>") == trainees


JOURNAL_PAGE_BUDGET = 6
TRAINEE_PAGE_BUDGET = 10
ATTENDANCE_PAGE_BUDGET = 10


@pytest.mark.parametrize("entries", [1, 200])
def test_journal_list(client, django_assert_max_num_queries, entries):
    from courses.models import JournalEntry

    trainee = make_trainee()
    programme = make_programme(modules=2)
    module = modules_of(programme)[0]
    JournalEntry.objects.bulk_create(
        JournalEntry(trainee=trainee, module=module, title=f"Entry {n}", body="A reflection.")
        for n in range(entries)
    )
    client.force_login(trainee)
    url = reverse("courses:journal_list")
    with django_assert_max_num_queries(JOURNAL_PAGE_BUDGET):
        response = client.get(url)
    assert response.content.decode().count('class="card journal-entry"') == entries


@pytest.mark.parametrize("modules", [1, 50])
def test_trainer_trainee_view(client, django_assert_max_num_queries, modules):
    trainer = make_trainer()
    programme = make_programme(modules=modules, courses=min(modules, 5))
    cohort = make_cohort(programme=programme, trainers=[trainer])
    (trainee,) = enrol_many_trainees(
        cohort=cohort, count=1, completed_modules=modules_of(programme)[: modules // 2]
    )
    client.force_login(trainer)
    url = reverse("courses:trainer_trainee", args=[cohort.pk, trainee.pk])
    client.get(url)
    with django_assert_max_num_queries(TRAINEE_PAGE_BUDGET):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("trainees", [1, 200])
def test_attendance_register(client, django_assert_max_num_queries, trainees):
    from tests.factories.courses import make_live_session

    trainer = make_trainer()
    programme = make_programme(modules=2, synchronous_every=1)
    cohort = make_cohort(programme=programme, trainers=[trainer])
    enrol_many_trainees(cohort=cohort, count=trainees)
    session = make_live_session(module=modules_of(programme)[0], cohort=cohort)
    client.force_login(trainer)
    url = reverse("courses:attendance", args=[session.pk])
    client.get(url)
    with django_assert_max_num_queries(ATTENDANCE_PAGE_BUDGET):
        response = client.get(url)
    assert response.content.decode().count('type="checkbox"') == trainees
