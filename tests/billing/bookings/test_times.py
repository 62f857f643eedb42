"""Weekly availability keeps its wall time across daylight-saving changes (pure)."""

from datetime import UTC, date, datetime, time

from billing.booking_times import is_occurrence, local_to_utc, weekly_occurrences


def _weekly(
    zone="Europe/London", weekday=0, at=time(9, 0), start=datetime(2026, 3, 16, tzinfo=UTC)
):
    return weekly_occurrences(
        weekday=weekday,
        at=at,
        zone=zone,
        starts_on=date(2026, 1, 1),
        ends_on=None,
        window_start=start,
        window_end=datetime(2026, 4, 7, tzinfo=UTC),
    )


def test_a_weekly_slot_keeps_its_local_time_across_the_march_change():
    # UK clocks go forward on Sunday 29 March 2026: 09:00 GMT, then 09:00 BST (08:00 UTC).
    assert _weekly() == [
        datetime(2026, 3, 16, 9, tzinfo=UTC),
        datetime(2026, 3, 23, 9, tzinfo=UTC),
        datetime(2026, 3, 30, 8, tzinfo=UTC),
        datetime(2026, 4, 6, 8, tzinfo=UTC),
    ]


def test_a_weekly_slot_keeps_its_local_time_across_the_october_change():
    # UK clocks go back on Sunday 25 October 2026: 18:00 BST (17:00 UTC), then 18:00 GMT.
    found = weekly_occurrences(
        weekday=3,
        at=time(18, 0),
        zone="Europe/London",
        starts_on=date(2026, 1, 1),
        ends_on=None,
        window_start=datetime(2026, 10, 15, tzinfo=UTC),
        window_end=datetime(2026, 11, 1, tzinfo=UTC),
    )
    assert found == [
        datetime(2026, 10, 15, 17, tzinfo=UTC),
        datetime(2026, 10, 22, 17, tzinfo=UTC),
        datetime(2026, 10, 29, 18, tzinfo=UTC),
    ]


def test_the_mentors_zone_not_the_coachs_decides_the_instant():
    # New York changes on 8 March, London on 29 March: in between the gap is 4 hours, not 5.
    new_york = _weekly(zone="America/New_York", start=datetime(2026, 3, 1, tzinfo=UTC))
    assert new_york[0] == datetime(2026, 3, 2, 14, tzinfo=UTC)
    assert new_york[1] == datetime(2026, 3, 9, 13, tzinfo=UTC)


def test_occurrences_start_on_the_first_date_and_stop_at_the_last():
    found = weekly_occurrences(
        weekday=0,
        at=time(9, 0),
        zone="UTC",
        starts_on=date(2026, 3, 23),
        ends_on=date(2026, 3, 30),
        window_start=datetime(2026, 3, 1, tzinfo=UTC),
        window_end=datetime(2026, 5, 1, tzinfo=UTC),
    )
    assert found == [datetime(2026, 3, 23, 9, tzinfo=UTC), datetime(2026, 3, 30, 9, tzinfo=UTC)]


def test_is_occurrence_refuses_a_made_up_time():
    rule = {
        "weekday": 0,
        "at": time(9, 0),
        "zone": "Europe/London",
        "starts_on": date(2026, 1, 1),
        "ends_on": None,
    }
    assert is_occurrence(**rule, instant=datetime(2026, 3, 30, 8, tzinfo=UTC))
    assert not is_occurrence(**rule, instant=datetime(2026, 3, 30, 9, tzinfo=UTC))
    assert not is_occurrence(**rule, instant=datetime(2026, 3, 31, 8, tzinfo=UTC))


def test_local_to_utc_reads_wall_time_in_the_zone():
    assert local_to_utc(date(2026, 7, 1), time(12, 0), "Europe/Paris") == datetime(
        2026, 7, 1, 10, tzinfo=UTC
    )
