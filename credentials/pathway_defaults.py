"""The ACC, PCC and MCC pathways exactly as DESIGN §2 tabulates them.

These seed the admin-editable pathways; the counting parameters (group-mentoring cap, group
sizes, mentor span, recency window, exam pass mark) keep `PathwayRules`' DESIGN defaults.
"""

from decimal import Decimal

from credentials.engine import PathwayRules

ACC = PathwayRules(
    code="acc",
    name="Associate Certified Coach",
    level="ACC",
    education_hours=Decimal(60),
    education_synchronous_hours=Decimal(30),
    mentor_hours=Decimal(10),
    mentor_span=3,
    experience_hours=Decimal(100),
    paid_hours=Decimal(75),
    clients=8,
    recent_hours=Decimal(25),
    performance_evaluation=1,
    exam=True,
    prerequisite_credential=None,
)

PCC = PathwayRules(
    code="pcc",
    name="Professional Certified Coach",
    level="PCC",
    education_hours=Decimal(125),
    education_synchronous_hours=None,
    mentor_hours=Decimal(10),
    mentor_span=3,
    experience_hours=Decimal(500),
    paid_hours=Decimal(450),
    clients=25,
    recent_hours=Decimal(50),
    performance_evaluation=2,
    exam=True,
    prerequisite_credential=None,
)

MCC = PathwayRules(
    code="mcc",
    name="Master Certified Coach",
    level="MCC",
    education_hours=Decimal(200),
    education_synchronous_hours=None,
    mentor_hours=Decimal(10),
    mentor_span=3,
    experience_hours=Decimal(2500),
    paid_hours=Decimal(2250),
    clients=35,
    recent_hours=None,
    performance_evaluation=2,
    exam=True,
    prerequisite_credential="PCC",
)

DEFAULT_PATHWAYS = {rules.code: rules for rules in (ACC, PCC, MCC)}
