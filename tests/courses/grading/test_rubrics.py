import pytest

from courses.grading.models import Rubric
from courses.grading.seed import ICF_RUBRIC, REFLECTIVE_RUBRIC

pytestmark = pytest.mark.django_db


def test_seeded_icf_rubric_has_markers_for_competencies_3_to_8_only():
    rubric = Rubric.objects.get(name=ICF_RUBRIC)
    levels = set(rubric.criteria.filter(kind="level").values_list("competency", flat=True))
    markers = set(rubric.criteria.filter(kind="marker").values_list("competency", flat=True))
    assert levels == set(range(1, 9))
    assert markers == set(range(3, 9))
    assert Rubric.objects.get(name=REFLECTIVE_RUBRIC).criteria.filter(kind="marker").count() == 0


def test_programme_admin_edits_rubrics_in_wagtail(client, programme_admin):
    client.force_login(programme_admin)
    response = client.get("/cms/snippets/courses/rubric/")
    assert response.status_code == 200
    assert ICF_RUBRIC in response.content.decode()
    rubric = Rubric.objects.get(name=ICF_RUBRIC)
    edit = client.get(f"/cms/snippets/courses/rubric/edit/{rubric.pk}/")
    assert edit.status_code == 200
    assert "Establishes and Maintains Agreements" in edit.content.decode()


def test_trainee_cannot_edit_rubrics(client, trainee):
    client.force_login(trainee)
    assert client.get("/cms/snippets/courses/rubric/").status_code in (302, 403)
