"""The cohort gradebook: who sees it, what it shows, its exports, and its query budget."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.grading import services
from courses.services import enrolment_create
from lms.models import Credential
from tests.courses.grading.test_services import full_scores, submit_recording
from tests.factories.courses import make_cohort
from tests.factories.grading import graded_module
from tests.factories.people import make_programme_admin, make_trainee, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    class World:
        pass

    w = World()
    w.programme, w.module = graded_module()
    w.trainer = make_trainer(credential_held=Credential.PCC)
    w.cohort = make_cohort(programme=w.programme, trainers=[w.trainer])
    w.trainee = make_trainee(first_name='=HYPERLINK("x")', last_name="Quote")
    enrolment_create(
        trainee=w.trainee, programme=w.programme, invitation_code=w.cohort.invitation_code
    )
    return w


def enrol(world, n):
    for i in range(n):
        trainee = make_trainee(first_name=f"T{i}", last_name="Trainee")
        enrolment_create(
            trainee=trainee, programme=world.programme, invitation_code=world.cohort.invitation_code
        )
        submit_recording(trainee, world.module)
        services.quiz_attempt_submit(
            trainee=trainee, module=world.module, block_id="quiz", answers=[1, 0]
        )


def url(world, name="courses:gradebook", *args):
    return reverse(name, args=[world.cohort.pk, *args])


def test_trainer_of_the_cohort_sees_status_and_released_result(world, client):
    submission = submit_recording(world.trainee, world.module)
    services.submission_claim(submission=submission, assessor=world.trainer)
    services.grade_record(
        submission=submission,
        assessor=world.trainer,
        decision="revision_requested",
        **full_scores(submission, "approaching"),
    )
    client.force_login(world.trainer)
    page = client.get(url(world)).content.decode()
    assert "Revision requested" in page
    assert "Recorded session" in page and "Reflective essay" in page
    assert "Not started" in page
    grade = submission.versions.get().grades.get()
    assert f"{grade.score_percent}%" in page


def test_other_trainer_and_trainee_get_404_admin_sees_all(world, client):
    client.force_login(make_trainer())
    assert client.get(url(world)).status_code == 404
    assert client.get(url(world, "courses:gradebook_download", "csv")).status_code == 404
    client.force_login(world.trainee)
    assert client.get(url(world)).status_code == 404
    client.force_login(make_programme_admin())
    assert client.get(url(world)).status_code == 200
    assert world.cohort.name in client.get(reverse("courses:gradebook_index")).content.decode()


def test_csv_and_xlsx_exports_are_formula_safe(world, client):
    client.force_login(world.trainer)
    response = client.get(url(world, "courses:gradebook_download", "csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Trainee", "Email", "Recorded session: status"]
    assert rows[1][0].startswith("'=HYPERLINK")
    assert rows[1][2] == "Not started"
    response = client.get(url(world, "courses:gradebook_download", "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value.startswith("'=HYPERLINK")
    assert client.get(url(world, "courses:gradebook_download", "pdf")).status_code == 404


def _queries(client, world):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(world)).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_trainees(world, client):
    client.force_login(world.trainer)
    enrol(world, 1)
    few = _queries(client, world)
    enrol(world, 6)
    many = _queries(client, world)
    assert many == few
    assert many <= 20
