"""What assessment publishes follows its contracts (contracts/events/assessment/)."""

import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from assessment_builders import T0, assessment_for, certification_content, content, document, play

from assessment.domain.certification import (
    CertificationTestCompleted,
    CertificationTestProgressed,
    LiveAlertRaised,
    PendingEnd,
    freeze_pool,
    new_certification_test,
)
from assessment.domain.events import AnswerRecorded, AssessmentCompleted
from assessment.domain.releases import ContentRelease
from assessment.integration_events import to_integration
from svckit.contracts import load_contract
from svckit.uow import envelope_for

RELEASE = content()


def check(domain_event) -> dict:
    envelope = envelope_for("assessment", to_integration(domain_event))
    contract = load_contract(envelope.event_type, Path(__file__).parent)
    contract.validate_payload(envelope.payload)
    assert set(envelope.payload) == set(contract.example["payload"])
    return envelope.payload


def test_answers_and_the_completion_match_their_contracts():
    assessment = assessment_for(RELEASE, [s for s in RELEASE.skills if s.startswith(("recherche", "fichiers"))])
    play(assessment, RELEASE, lambda skill: skill.level <= 3)
    recorded = [e for e in assessment.events if isinstance(e, AnswerRecorded)]
    completed = [e for e in assessment.events if isinstance(e, AssessmentCompleted)]
    for event in recorded:
        payload = check(event)
        assert "value" not in payload  # the answer itself never leaves the service
    payload = check(completed[0])
    assert payload["target_skills_count"] == 10 and payload["validated_skills_count"] == 6
    assert {c["competence_code"] for c in payload["competences"]} == {"1.1", "1.2"}
    assert len(payload["profile"]["competences"]) == len(RELEASE.competences)


def test_a_release_publishes_its_structure_and_nothing_of_its_questions():
    release = ContentRelease.release(version=3, checksum="a" * 64, document=document(),
                                     released_at=datetime(2026, 11, 23, tzinfo=timezone.utc), released_by="ops")
    payload = check(release.events[0])
    assert payload["version"] == 3 and len(payload["competences"]) == 2
    assert {p["id"] for p in payload["target_profiles"]} == {"competence-1.1", "competence-1.2"}
    published = str(payload)
    assert "challenges" not in published and "Question" not in published and "tutorial" not in published.lower()


CERTIFICATION_RELEASE = certification_content()
GRACE = timedelta(seconds=5)


def certification_test(**options):
    return new_certification_test(course_id=uuid.uuid4(), user_id=uuid.uuid4(), configuration_version=1,
                                  extra_time_percentage=0, pool=freeze_pool(CERTIFICATION_RELEASE), started_at=T0,
                                  **options)


def test_a_certification_test_s_progress_and_end_match_their_contracts():
    test, rng = certification_test(), random.Random(5)
    for step in range(32):
        challenge = test.current_question(CERTIFICATION_RELEASE, rng, T0 + timedelta(minutes=step))
        test.answer(CERTIFICATION_RELEASE, challenge_id=challenge.id, value=None if step % 7 == 0 else 1 + step % 2,
                    skipped=step % 7 == 0, now=T0 + timedelta(minutes=step, seconds=20), grace=GRACE)
    progressed = [check(e) for e in test.events if isinstance(e, CertificationTestProgressed)]
    assert [p["answers_count"] for p in progressed] == list(range(1, 33))
    assert all(set(p) == {"course_id", "user_id", "answers_count", "questions_count", "answered_at"}
               for p in progressed)  # nothing of the answer: no question, no right or wrong
    [completed] = [check(e) for e in test.events if isinstance(e, CertificationTestCompleted)]
    assert completed["end_reason"] == "COMPLETED" and completed["answers_count"] == 32
    assert {a["status"] for a in completed["answers"]} == {"ok", "ko", "skipped"}
    assert completed["skips_if_abandoned"] == [] and "value" not in str(completed["answers"])
    first = completed["answers"][0]
    assert set(first) == {"index", "challenge_id", "skill_id", "tube_id", "competence_code", "difficulty",
                          "discrimination", "status", "answered_at", "elapsed_ms"}
    assert first["elapsed_ms"] == 20_000


def test_a_test_ended_by_the_invigilator_publishes_the_skips_its_degradation_would_add():
    test = certification_test(pending_end=PendingEnd(uuid.uuid4(), T0))
    [completed] = [check(e) for e in test.events if isinstance(e, CertificationTestCompleted)]
    assert completed["end_reason"] == "ENDED_BY_INVIGILATOR" and completed["answers"] == []
    assert len(completed["skips_if_abandoned"]) == 32
    assert set(completed["skips_if_abandoned"][0]) == {"challenge_id", "skill_id", "tube_id", "competence_code",
                                                       "difficulty", "discrimination"}


def test_a_live_alert_raised_matches_its_contract_and_says_nothing_of_the_question():
    test = certification_test()
    challenge = test.current_question(CERTIFICATION_RELEASE, random.Random(2), T0)
    alert = test.raise_alert(uuid.uuid4(), T0 + timedelta(seconds=12))
    [payload] = [check(e) for e in test.events if isinstance(e, LiveAlertRaised)]
    assert payload == {"course_id": str(test.course_id), "alert_id": str(alert.id), "challenge_id": challenge.id,
                       "question_number": 1, "raised_at": "2026-11-02T09:00:12Z"}
