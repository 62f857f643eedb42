"""CME writes: evaluations, completions recorded by the CME office, claims, corrections,
certificates and the rows of the two CME imports."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from credentials.cme import certificates, rules, selectors
from credentials.cme.models import (
    ActivityCredit,
    CertificateJobStatus,
    ClaimSource,
    CmeActivity,
    CmeCertificateJob,
    CmeClaim,
    CmeClaimCorrection,
    CmeCompletion,
    CmeEvaluation,
    CreditType,
)
from credentials.cme.tasks import cme_certificate_job_run_task, cme_certificate_render
from lms import policies
from lms.models import User
from lms.services import UpsertOutcome

ALREADY_CLAIMED = "You have already claimed {name} for this activity: see your transcript."


@transaction.atomic
def cme_evaluation_submit(
    *,
    activity: CmeActivity,
    learner: User,
    confidence_before: int,
    confidence_after: int,
    intends_change: bool,
    change_description: str = "",
    wellbeing_before: int | None = None,
    wellbeing_after: int | None = None,
    answers: dict[str, str] | None = None,
) -> CmeEvaluation:
    """The learner's evaluation, once they have completed the activity; asked once."""
    if selectors.completion_date(activity=activity, learner=learner) is None:
        raise ValidationError("Complete the activity before you evaluate it.")
    if CmeEvaluation.objects.filter(activity=activity, learner=learner).exists():
        raise ValidationError("You have already evaluated this activity.")
    evaluation = CmeEvaluation(
        activity=activity,
        learner=learner,
        confidence_before=confidence_before,
        confidence_after=confidence_after,
        intends_change=intends_change,
        change_description=change_description.strip(),
        wellbeing_before=wellbeing_before,
        wellbeing_after=wellbeing_after,
        answers=answers or {},
    )
    evaluation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise ValidationError("You have already evaluated this activity.") from None
    return evaluation


@transaction.atomic
def cme_completion_record(
    *, activity: CmeActivity, learner: User, completed_on: dt.date, actor: User
) -> CmeCompletion:
    """The CME office records that a learner completed an activity held outside the LMS."""
    if not policies.can_manage_cme(actor):
        raise ValidationError("Only the CME office records completions.")
    completion = CmeCompletion(
        activity=activity, learner=learner, completed_on=completed_on, recorded_by=actor
    )
    completion.full_clean()
    completion.save()
    return completion


def _offer(activity: CmeActivity, credit_type: CreditType) -> ActivityCredit:
    offer = ActivityCredit.objects.filter(activity=activity, credit_type=credit_type).first()
    if offer is None:
        raise ValidationError({"credit_type": f"This activity does not offer {credit_type.name}."})
    return offer


def _check_profession(*, learner: User, activity: CmeActivity, credit_type: CreditType) -> None:
    offers = selectors.activity_offers(activity=activity)
    if credit_type.code not in selectors.claimable_codes(learner=learner, offers=offers):
        raise ValidationError(
            {
                "credit_type": f"A {learner.get_profession_display().lower()} cannot claim "
                f"{credit_type.name} for this activity."
            }
        )


@transaction.atomic
def cme_claim_create(
    *,
    learner: User,
    activity: CmeActivity,
    credit_type: CreditType,
    credits: Decimal,
    completed_on: dt.date | None = None,
    source: str = ClaimSource.WEB,
) -> CmeClaim:
    """Claim credit, checked against every rule (DESIGN §2); the certificate follows.

    A learner's own claim (source web) needs the completed activity and its evaluation, and is
    capped by the time the LMS knows the activity takes. An import gives `completed_on` and
    needs no evaluation. Two claims at once for the same credit: one wins, the other is told.
    """
    _check_profession(learner=learner, activity=activity, credit_type=credit_type)
    offer = _offer(activity, credit_type)
    spent = None
    if source == ClaimSource.WEB:
        completed_on = selectors.completion_date(activity=activity, learner=learner)
        if completed_on is None:
            raise ValidationError("Complete the activity before you claim credit.")
        if not CmeEvaluation.objects.filter(activity=activity, learner=learner).exists():
            raise ValidationError("Fill in the activity's evaluation before you claim credit.")
        spent = selectors.hours_spent(activity=activity)
    problem = rules.credits_problem(
        credits=credits,
        increment=credit_type.increment,
        maximum=offer.max_credits,
        unit=credit_type.unit,
        hours_spent=spent,
    )
    if problem:
        raise ValidationError({"credits": problem})
    problem = rules.completion_date_problem(
        completed_on=completed_on,
        starts_on=activity.start_date,
        ends_on=activity.end_date,
        today=timezone.localdate(),
    )
    if problem:
        raise ValidationError({"completed_on": problem})
    already = ValidationError(ALREADY_CLAIMED.format(name=credit_type.name), code="claimed")
    if selectors.claim_of(learner=learner, activity=activity, credit_type=credit_type):
        raise already
    claim = CmeClaim(
        learner=learner,
        activity=activity,
        credit_type=credit_type,
        credits=credits,
        completed_on=completed_on,
        source=source,
    )
    claim.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():  # a savepoint: losing the race leaves the caller usable
            claim.save()
    except IntegrityError:
        raise already from None
    _certificate_enqueue(claim.pk)
    return claim


def _certificate_enqueue(claim_id: int) -> None:
    transaction.on_commit(lambda: cme_certificate_render.delay(claim_id))


@transaction.atomic
def cme_claim_correct(
    *, claim: CmeClaim, credits: Decimal, reason: str, actor: User
) -> CmeClaimCorrection:
    """An admin changes the credits of a claim; the old value and the reason are kept and the
    certificate is made again."""
    if not policies.can_manage_cme(actor):
        raise ValidationError("Only the CME office corrects claims.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the correction."})
    current = CmeClaim.objects.select_for_update().select_related("credit_type").get(pk=claim.pk)
    if credits == current.credits:
        raise ValidationError({"credits": "The credits are unchanged: nothing to correct."})
    correction = CmeClaimCorrection(
        claim=current, old_credits=current.credits, new_credits=credits, reason=reason, actor=actor
    )
    current.credits = credits
    current.full_clean(validate_constraints=False, validate_unique=False)
    old_pdf = current.certificate_pdf.name
    current.certificate_pdf = ""
    current.save(update_fields=["credits", "certificate_pdf"])
    correction.full_clean()
    correction.save()
    if old_pdf:
        transaction.on_commit(lambda: current.certificate_pdf.storage.delete(old_pdf))
    _certificate_enqueue(current.pk)
    claim.credits, claim.certificate_pdf = current.credits, current.certificate_pdf
    return correction


@transaction.atomic
def cme_certificate_attach(*, claim_id: int) -> CmeClaim | None:
    """Render and store the claim's PDF once; a claim that has one is left alone."""
    claim = (
        CmeClaim.objects.select_for_update()
        .select_related("learner", "activity", "credit_type")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None or claim.certificate_pdf:
        return claim
    pdf = certificates.cme_certificate_pdf(claim=claim)
    claim.certificate_pdf.save("cme-certificate.pdf", ContentFile(pdf), save=False)
    claim.save(update_fields=["certificate_pdf"])
    return claim


@transaction.atomic
def cme_certificates_discard(*, learner: User) -> None:
    """Forget the learner's certificate files (they print the name) when the learner is erased;
    the files go once the transaction commits, so a rollback keeps them."""
    claims = list(
        CmeClaim.objects.select_for_update().filter(learner=learner).exclude(certificate_pdf="")
    )
    names = [claim.certificate_pdf.name for claim in claims]
    CmeClaim.objects.filter(pk__in=[claim.pk for claim in claims]).update(certificate_pdf="")
    storage = CmeClaim._meta.get_field("certificate_pdf").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def cme_certificate_reissue(*, claim_id: int) -> CmeClaim:
    """Make the claim's certificate again from what is stored now (a new file; the old one goes
    once the transaction commits)."""
    claim = (
        CmeClaim.objects.select_for_update()
        .select_related("learner", "activity", "credit_type")
        .get(pk=claim_id)
    )
    old_pdf = claim.certificate_pdf.name
    pdf = certificates.cme_certificate_pdf(claim=claim)
    claim.certificate_pdf.save("cme-certificate.pdf", ContentFile(pdf), save=False)
    claim.save(update_fields=["certificate_pdf"])
    if old_pdf and old_pdf != claim.certificate_pdf.name:
        storage = claim.certificate_pdf.storage
        transaction.on_commit(lambda: storage.delete(old_pdf))
    return claim


@transaction.atomic
def cme_certificate_job_start(*, claim_ids: list[int], actor: User) -> CmeCertificateJob:
    """Issue or reissue the certificates of these claims in the background."""
    if not policies.can_manage_cme(actor):
        raise ValidationError("Only the CME office issues certificates in bulk.")
    ids = sorted(set(claim_ids))
    if not ids:
        raise ValidationError("Choose at least one claim.")
    job = CmeCertificateJob(claim_ids=ids, total=len(ids), created_by=actor)
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: cme_certificate_job_run_task.delay(job.pk))
    return job


def cme_certificate_job_run(*, job_id: int) -> CmeCertificateJob | None:
    """Make each certificate in its own transaction, so the progress page sees it move; a
    retried task carries on after the last certificate made, and a finished job is left alone."""
    job = CmeCertificateJob.objects.filter(pk=job_id).first()
    if job is None or job.status == CertificateJobStatus.DONE:
        return job
    jobs = CmeCertificateJob.objects.filter(pk=job_id)
    jobs.update(status=CertificateJobStatus.RUNNING)
    errors = list(job.errors)
    for position, claim_id in enumerate(job.claim_ids[job.processed :], start=job.processed + 1):
        try:
            cme_certificate_reissue(claim_id=claim_id)
        except CmeClaim.DoesNotExist:
            errors.append({"claim": claim_id, "message": "This claim no longer exists."})
        except Exception as error:  # one broken certificate must not stop the others
            errors.append({"claim": claim_id, "message": f"The PDF could not be made: {error}"})
        jobs.update(processed=position, errors=errors)
    jobs.update(status=CertificateJobStatus.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


# --- Imports -------------------------------------------------------------------------------


@transaction.atomic
def cme_activity_credit_upsert(
    *,
    code: str,
    title: str,
    provider: str,
    learning_format: str,
    start_date: dt.date,
    end_date: dt.date,
    location: str,
    credit_type: CreditType,
    max_credits: Decimal,
) -> UpsertOutcome:
    """One row of the `cme_activities` import: the activity (by Code) and one credit it offers
    (by Code and Credit Type), created or updated."""
    wanted = {
        "title": title,
        "provider": provider,
        "learning_format": learning_format,
        "start_date": start_date,
        "end_date": end_date,
        "location": location,
    }
    activity = CmeActivity.objects.select_for_update().filter(code=code).first()
    outcome = UpsertOutcome.UNCHANGED
    if activity is None:
        activity = CmeActivity(code=code, **wanted)
        outcome = UpsertOutcome.CREATED
    changed = [name for name, value in wanted.items() if getattr(activity, name) != value]
    for name in changed:
        setattr(activity, name, wanted[name])
    if outcome == UpsertOutcome.CREATED or changed:
        activity.full_clean()
        activity.save()
        if outcome != UpsertOutcome.CREATED:
            outcome = UpsertOutcome.UPDATED
    offer = ActivityCredit.objects.filter(activity=activity, credit_type=credit_type).first()
    if offer is None:
        offer = ActivityCredit(activity=activity, credit_type=credit_type, max_credits=max_credits)
        offer.full_clean()
        offer.save()
        return UpsertOutcome.CREATED
    if offer.max_credits != max_credits:
        offer.max_credits = max_credits
        offer.full_clean()  # also refuses a maximum below stored claims
        offer.save(update_fields=["max_credits"])
        return UpsertOutcome.UPDATED
    return outcome


CLAIM_DIFFERS = (
    "{learner} already has a claim of {credits} {unit} completed on {completed_on} for this "
    "activity: an import cannot change it. Ask the CME office to correct the claim."
)


@transaction.atomic
def cme_credit_import(
    *,
    learner: User,
    activity: CmeActivity,
    credit_type: CreditType,
    completed_on: dt.date,
    credits: Decimal,
) -> UpsertOutcome:
    """One row of the `cme_credits` import: the same rules as a learner's claim, without the
    evaluation. A row identical to a stored claim changes nothing; a different one is refused."""
    stored = selectors.claim_of(learner=learner, activity=activity, credit_type=credit_type)
    if stored is not None:
        if stored.credits == credits and stored.completed_on == completed_on:
            return UpsertOutcome.UNCHANGED
        raise ValidationError(
            {
                "credits": CLAIM_DIFFERS.format(
                    learner=learner.email,
                    credits=rules.format_credits(stored.credits),
                    unit=credit_type.unit,
                    completed_on=stored.completed_on.isoformat(),
                )
            }
        )
    cme_claim_create(
        learner=learner,
        activity=activity,
        credit_type=credit_type,
        credits=credits,
        completed_on=completed_on,
        source=ClaimSource.IMPORT,
    )
    return UpsertOutcome.CREATED
