"""Calendar files (.ics, RFC 5545) for live sessions, built with icalendar.

Plain code over a loaded LiveSession: no queries. Times are written in UTC (a trailing Z), which
every calendar converts to its owner's zone.
"""

import datetime as dt

from icalendar import Calendar, Event

PRODUCT_ID = "-//Coach Academy//Live sessions//EN"


def live_session_ics(*, session, module_url: str, uid_domain: str, now: dt.datetime) -> bytes:
    """One VEVENT for `session`; its URL is the join link, or the module page for a room."""
    event = Event()
    # Stable per session, so a second download updates the entry instead of adding another.
    event.add("uid", f"live-session-{session.pk}@{uid_domain}")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", session.starts_at.astimezone(dt.UTC))
    event.add("dtend", session.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{session.module.title} – live session")
    event.add("url", session.join_url or module_url)
    event.add("location", session.join_url or session.location)
    lines = [f"Live session of the module “{session.module.title}”.", f"Module: {module_url}"]
    if session.join_url:
        lines.insert(1, f"Join: {session.join_url}")
    event.add("description", "\n".join(lines))

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()
