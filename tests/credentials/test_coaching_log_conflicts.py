"""A repeated coaching-log row is found before the database could report it.

A unique-key conflict makes PostgreSQL log the key (with the client's name); the services find
the duplicate under the trainee's lock first, so no INSERT or UPDATE with a repeated key is
ever sent.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentials import services
from credentials.models import CoachingLogEntry
from tests.factories.records import make_log_entry

pytestmark = pytest.mark.django_db


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]


def test_a_duplicate_entry_is_refused_without_sending_an_insert(trainee):
    entry = make_log_entry(trainee=trainee, client_name="Jane Secret")
    fields = {
        "client_name": "Jane Secret",
        "engagement": entry.engagement,
        "start_date": entry.start_date,
        "end_date": entry.end_date,
        "paid_hours": 1,
        "pro_bono_hours": 0,
    }
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as raised:
        services.coaching_log_entry_create(trainee=trainee, **fields)
    assert raised.value.messages == ["You already logged this client for these dates."]
    assert writes(queries) == []
    assert CoachingLogEntry.objects.count() == 1


def test_an_edit_onto_another_entrys_key_is_refused_without_sending_an_update(trainee):
    first = make_log_entry(trainee=trainee, client_name="Jane Secret")
    second = make_log_entry(trainee=trainee, client_name="John Secret")
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as raised:
        services.coaching_log_entry_update(
            entry=second,
            trainee=trainee,
            expected_version=second.version,
            client_name="Jane Secret",
            start_date=first.start_date,
            end_date=first.end_date,
        )
    assert raised.value.messages == ["You already logged this client for these dates."]
    assert writes(queries) == []
    second.refresh_from_db()
    assert second.client_name == "John Secret"
