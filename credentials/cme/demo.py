"""The demo's CME: an activity on the programme's first module and a physician who claimed.

Part of `demo_seed` (lms/demo.py); every step goes through the CME services and is skipped when
done before, so seeding again changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from courses.models import ModulePage
from credentials.cme import selectors, services
from credentials.cme.models import CmeEvaluation, LearningFormat
from lms.models import User

ACTIVITY_CODE = "demo-core-competencies"
PROVIDER = "Coach Academy Continuing Medical Education"
# The first module takes 4 hours: it offers up to 4 credits of each type.
OFFERS = {"ama": "4", "participation": "4", "icf_core": "4"}
CLAIMED_CREDITS = Decimal("3.5")


def cme_demo_seed(*, module: ModulePage, physician: User) -> None:
    if selectors.activity_by_code(code=ACTIVITY_CODE) is None:
        today = timezone.localdate()
        types = selectors.credit_types_by_code()
        for code, maximum in OFFERS.items():
            services.cme_activity_credit_upsert(
                code=ACTIVITY_CODE,
                title=f"{module.title} for clinicians",
                provider=PROVIDER,
                learning_format=LearningFormat.ENDURING,
                start_date=today - timedelta(days=365),
                end_date=today + timedelta(days=365),
                location="",
                credit_type=types[code],
                max_credits=Decimal(maximum),
            )
        activity = selectors.activity_by_code(code=ACTIVITY_CODE)
        activity.module = module
        activity.accreditation_statement = (
            f"{PROVIDER} is accredited by the Accreditation Council for Continuing Medical "
            "Education (ACCME) to provide continuing medical education for physicians."
        )
        activity.full_clean()
        activity.save()
    activity = selectors.activity_by_code(code=ACTIVITY_CODE)
    if not CmeEvaluation.objects.filter(activity=activity, learner=physician).exists():
        services.cme_evaluation_submit(
            activity=activity,
            learner=physician,
            confidence_before=2,
            confidence_after=4,
            intends_change=True,
            change_description="Agree the focus of a conversation before offering advice.",
        )
    ama = selectors.credit_types_by_code()["ama"]
    if selectors.claim_of(learner=physician, activity=activity, credit_type=ama) is None:
        services.cme_claim_create(
            learner=physician, activity=activity, credit_type=ama, credits=CLAIMED_CREDITS
        )
