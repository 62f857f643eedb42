"""`manage.py credential_status` — the stable interface of DESIGN §4."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.credentials.eligible import days_ago, make_acc_eligible
from tests.factories.people import make_trainee

ACC_CODES = [
    "education_hours",
    "education_synchronous_hours",
    "mentor_hours",
    "mentor_span",
    "experience_hours",
    "paid_hours",
    "clients",
    "recent_hours",
    "performance_evaluation",
    "exam",
]


def status_json(*args: str) -> dict:
    out = StringIO()
    call_command("credential_status", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_json_has_the_documented_shape_with_numbers_and_sentences(db):
    trainee = make_trainee(email="ana.lopez@example.org")

    status = status_json("Ana.Lopez@Example.org", "--pathway", "acc", "--as-of", "2026-06-30")

    assert list(status) == ["email", "pathway", "as_of", "eligible", "requirements"]
    assert status["email"] == trainee.email
    assert (status["pathway"], status["as_of"], status["eligible"]) == ("acc", "2026-06-30", False)
    assert [item["code"] for item in status["requirements"]] == ACC_CODES
    for item in status["requirements"]:
        assert list(item) == ["code", "label", "required", "achieved", "met", "detail"]
        assert isinstance(item["required"], int | float)
        assert isinstance(item["achieved"], int | float)
        assert isinstance(item["met"], bool)
        assert item["detail"].endswith(".")
    required = {item["code"]: item["required"] for item in status["requirements"]}
    assert required["education_hours"] == 60
    assert required["paid_hours"] == 75
    assert required["clients"] == 8


def test_an_eligible_trainee_is_eligible_today_but_not_before_their_records(db):
    trainee = make_acc_eligible()

    assert status_json(trainee.email, "--pathway", "ACC")["eligible"] is True
    early = status_json(trainee.email, "--pathway", "acc", "--as-of", days_ago(800).isoformat())
    assert early["eligible"] is False
    assert not any(item["met"] for item in early["requirements"] if item["code"] != "exam")


def test_mcc_lists_the_prerequisite_and_has_no_recent_hours(db):
    trainee = make_trainee()
    codes = [
        item["code"] for item in status_json(trainee.email, "--pathway", "mcc")["requirements"]
    ]
    assert "prerequisite_credential" in codes
    assert "recent_hours" not in codes
    assert "education_synchronous_hours" not in codes


def test_plain_output_names_each_requirement(db):
    trainee = make_trainee()
    out = StringIO()
    call_command("credential_status", trainee.email, "--pathway", "pcc", stdout=out)
    assert "not yet eligible" in out.getvalue()
    assert "Paid client coaching" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.org", "--pathway", "acc"], "No account has the email"),
        (["{email}", "--pathway", "xyz"], "Unknown pathway"),
        (["{email}", "--pathway", "acc", "--as-of", "30/06/2026"], "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_clear_error(db, args, message):
    trainee = make_trainee()
    with pytest.raises(CommandError, match=message):
        call_command("credential_status", *[a.format(email=trainee.email) for a in args], "--json")
