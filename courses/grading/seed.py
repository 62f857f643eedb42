"""The rubrics a new school starts with, in the school's own words (admins edit them).

Used by a data migration, so it takes the historical models as arguments.
"""

ICF_RUBRIC = "ICF core competencies (performance evaluation)"
REFLECTIVE_RUBRIC = "Reflective writing"

# Competencies 3 to 8: observable markers. 1 and 2 are judged across the whole session.
ICF_MARKERS = {
    3: [
        "Works with the client to say what they want to get from this session.",
        "Agrees with the client how they will know the session has been worthwhile.",
        "Explores what matters to the client in what they want to achieve today.",
        "Checks with the client what still needs to be addressed to reach the outcome.",
    ],
    4: [
        "Recognises the client's strengths, insights and work in the session.",
        "Shows support, empathy or concern for the client.",
        "Welcomes the client's feelings, perceptions, beliefs and suggestions.",
        "Invites the client to respond in any way to the coach's contributions.",
    ],
    5: [
        "Responds to the whole person: who the client is, not only the problem.",
        "Lets the client choose what happens in the session.",
        "Shows curiosity to learn more about the client.",
        "Allows silence, pause or reflection.",
    ],
    6: [
        "Asks questions and makes observations tailored to what the coach knows of the client.",
        "Asks about the words the client uses.",
        "Asks about the client's emotions.",
        "Explores the client's energy shifts, non-verbal cues or other behaviours.",
        "Lets the client finish speaking without interrupting, unless there is a reason.",
        "Summarises or paraphrases to be sure of understanding.",
    ],
    7: [
        "Asks about how the client sees themself and their way of thinking.",
        "Asks questions that take the client beyond their current thinking.",
        "Invites the client to share more about what they feel or experience now.",
        "Shares an observation or intuition without attachment and invites the client to use it.",
        "Asks clear, direct, mostly open questions, one at a time, at a pace that leaves room.",
        "Uses language that is plain and concise.",
    ],
    8: [
        "Invites the client to say what they have learned about their situation.",
        "Invites the client to say what they have learned about themself.",
        "Invites the client to consider how to use what they learned.",
        "Works with the client to plan what to do after the session.",
        "Partners with the client to close the session.",
    ],
}

ICF_LEVEL_CRITERIA = {
    1: "Keeps to the ICF Code of Ethics and stays within the coaching role.",
    2: "Stays open, curious and client-centred; the client owns their choices.",
    3: "Agreements for the session are clear and held throughout.",
    4: "The client is safe to be open; the relationship rests on mutual respect.",
    5: "The coach is fully present, focused and responsive.",
    6: "The coach hears what is said and not said, and reflects it back.",
    7: "The client gains new awareness through the coach's questions and observations.",
    8: "The client turns learning into action and leaves with next steps.",
}

REFLECTIVE_CRITERIA = [
    ("Describes a real coaching moment clearly and with care for confidentiality.", 1),
    ("Links the moment to the ICF core competencies.", 1),
    ("Examines their own assumptions and reactions honestly.", 2),
    ("Draws a concrete change to try in future sessions.", 2),
]


def seed_rubrics(Rubric, RubricCriterion) -> None:
    """Create the two starting rubrics unless a rubric of that name exists already."""
    if not Rubric.objects.filter(name=ICF_RUBRIC).exists():
        rubric = Rubric.objects.create(
            name=ICF_RUBRIC,
            description=(
                "For recorded coaching sessions. Each competency is judged on the level scale; "
                "competencies 3 to 8 also have markers the assessor observes in the recording."
            ),
            min_level="meets",
            min_marker_percent=50,
        )
        order = 0
        for competency, text in ICF_LEVEL_CRITERIA.items():
            RubricCriterion.objects.create(
                rubric=rubric, competency=competency, kind="level", title=text, sort_order=order
            )
            order += 1
            for marker in ICF_MARKERS.get(competency, []):
                RubricCriterion.objects.create(
                    rubric=rubric,
                    competency=competency,
                    kind="marker",
                    title=marker,
                    sort_order=order,
                )
                order += 1
    if not Rubric.objects.filter(name=REFLECTIVE_RUBRIC).exists():
        rubric = Rubric.objects.create(
            name=REFLECTIVE_RUBRIC,
            description="For short reflective pieces of writing.",
            min_level="meets",
            min_marker_percent=0,
        )
        for order, (title, weight) in enumerate(REFLECTIVE_CRITERIA):
            RubricCriterion.objects.create(
                rubric=rubric,
                competency=0,
                kind="level",
                title=title,
                weight=weight,
                sort_order=order,
            )
