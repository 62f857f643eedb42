"""Physicians with PARS identifiers, and their AMA claims."""

from lms.services import pars_consent_set
from tests.factories.people import make_trainee

IDENTIFIERS = {
    "npi": "1234567893",
    "licence_number": "A12345",
    "licence_state": "CA",
    "board_id": "ABIM-998",
    "birth_month": 3,
    "birth_day": 9,
}


def make_physician(*, consent: bool = True, **profile):
    fields = {"profession": "physician", **IDENTIFIERS, **profile}
    physician = make_trainee(**fields)
    if consent:
        physician = pars_consent_set(user=physician, consent=True)
    return physician
