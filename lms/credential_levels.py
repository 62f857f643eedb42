"""The ICF credential levels in order: the one home of their ranking.

Plain Python with no Django, so that the pure credential engine and the policies (who may
mentor or grade at which level) read the same table: a mentor or an assessor counts for a level
at or below their own.
"""

CREDENTIAL_RANK = {"none": 0, "ACC": 1, "PCC": 2, "MCC": 3}
