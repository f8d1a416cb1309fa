"""What assessment publishes follows its contracts (contracts/events/assessment/)."""

from datetime import datetime, timezone
from pathlib import Path

from assessment_builders import assessment_for, content, document, play

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
