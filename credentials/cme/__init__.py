"""CME and continuing education: credit types, activities, evaluations, claims, certificates,
transcripts and the CME imports. Pure rules are in `rules`; writes in `services`."""
