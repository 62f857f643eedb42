"""Writes of the credentials domain.

Each section has its own owner while the first version is built; keep new functions inside
the right section. Records with a life cycle change state only through their transition map,
and each change writes an event row.
"""

# --- Records: coaching log, mentor sessions, external education, assessments ----------------


# --- Imports: upserts used by credentials.imports (import_records, admin and web imports) ----


# --- Applications, awards, eligibility notices ----------------------------------------------
