"""Demo data for grading: a performance evaluation in the demo programme's last module, and
one trainee's recording waiting in the demo trainer's queue. Idempotent.

The recording is generated here (a quiet tone each minute over silence, 8-bit mono at 1 kHz,
about 1.3 MB for 21 minutes), so the demo ships no media with rights attached.
"""

import io
import math
import struct
import wave

from django.core.files.uploadedfile import SimpleUploadedFile

from courses.grading import services
from courses.grading.models import Rubric, RubricCriterion, Submission
from courses.grading.seed import ICF_RUBRIC, seed_rubrics
from courses.models import ModulePage

DEMO_BLOCK_ID = "demo-performance-evaluation"
DEMO_RECORDING_MINUTES = 21


def wav_bytes(*, seconds: int, rate: int = 1000, beep_every: int = 60) -> bytes:
    """A tiny 8-bit mono WAV of `seconds`: silence with a half-second tone every minute."""
    silence = struct.pack("B", 128) * rate
    beep = bytes(
        128 + int(40 * math.sin(2 * math.pi * 200 * index / rate)) for index in range(rate // 2)
    )
    beep_second = beep + struct.pack("B", 128) * (rate - len(beep))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(1)
        audio.setframerate(rate)
        audio.writeframes(
            b"".join(beep_second if s % beep_every == 0 else silence for s in range(seconds))
        )
    return buffer.getvalue()


DEMO_TRANSCRIPT = """[00:00:04] Coach: Hello Priya. What would you like from our time today?
[00:00:15] Client: I'd like a way to say no to extra shifts without feeling guilty.
[00:01:02] Coach: How will you know, at the end, that this was worth your time?
[00:01:20] Client: If I have the words I'll actually use on Monday.
[00:03:45] Coach: You said "guilty". What does that guilt tell you?
[00:04:30] Client: That I'm letting the team down. Though I'm exhausted.
Client: And exhausted doctors make mistakes.
[00:07:10] Coach: I notice your voice dropped when you said "exhausted".
[00:07:40] Client: Yes. I haven't admitted that out loud before.
[00:12:05] Coach: What becomes possible if looking after yourself is looking after the team?
[00:13:00] Client: Then saying no is part of doing my job well.
[00:17:30] Coach: What have you learned about yourself today?
[00:18:10] Client: That I can hold a boundary and still care.
[00:19:20] Coach: What will you do first, and how shall we close?
[00:19:50] Client: Speak to the rota lead on Monday. Thank you.
"""


def grading_demo_seed(*, programme, trainee) -> None:
    seed_rubrics(Rubric, RubricCriterion)
    module = ModulePage.objects.descendant_of(programme).live().order_by("-path").first()
    if not any(block.id == DEMO_BLOCK_ID for block in module.body):
        body = list(module.body.raw_data)
        body.append(
            {
                "type": "recorded_session",
                "id": DEMO_BLOCK_ID,
                "value": {
                    "title": "Performance evaluation: a recorded session",
                    "instructions": "<p>Record a coaching session of 20 to 60 minutes with a "
                    "real client who has given written permission, and upload it with a "
                    "verbatim transcript.</p>",
                    "level": "ACC",
                    "min_minutes": 20,
                    "max_minutes": 60,
                    "rubric": Rubric.objects.get(name=ICF_RUBRIC).pk,
                    "required": True,
                },
            }
        )
        module.body = body
        module.save_revision().publish()
        module = ModulePage.objects.get(pk=module.pk)
    if Submission.objects.filter(trainee=trainee, module=module, block_id=DEMO_BLOCK_ID).exists():
        return
    services.submission_submit(
        trainee=trainee,
        module=module,
        block_id=DEMO_BLOCK_ID,
        recording=SimpleUploadedFile(
            "session-with-priya.wav",
            wav_bytes(seconds=DEMO_RECORDING_MINUTES * 60),
            "audio/wav",
        ),
        transcript=SimpleUploadedFile(
            "session-with-priya.txt", DEMO_TRANSCRIPT.encode(), "text/plain"
        ),
        consent=True,
    )
