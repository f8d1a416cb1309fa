"""A small made-up release for the engine's unit tests (the real pack is tested on its own)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from assessment.domain.content import LearningContent
from assessment.domain.model import Rules, new_assessment

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
RULES = Rules()


def text(s: str) -> dict[str, str]:
    return {"fr": s, "en": s}


def choice_challenge(challenge_id: str, *, timer: int | None = None) -> dict[str, Any]:
    doc = {"id": challenge_id, "kind": "single_choice", "instruction": text(f"Question {challenge_id}"),
           "explanation": text("Because."), "proposals": [text("right"), text("wrong"), text("other")], "answer": 1}
    if timer:
        doc["timer"] = timer
    return doc


def tube(tube_id: str, top: int = 5, *, challenges: int = 2, timed: set[int] = frozenset()) -> dict[str, Any]:
    return {"id": tube_id, "title": text(tube_id), "skills": [
        {"level": level, "statement": text(f"{tube_id} {level}"),
         "tutorials": [{"locale": "fr", "title": f"Tuto {tube_id}{level}", "url": f"https://example.org/{tube_id}",
                        "duration_minutes": 5, "source": "Exemple"},
                       {"locale": "en", "title": f"Tutorial {tube_id}{level}", "url": f"https://example.com/{tube_id}",
                        "duration_minutes": 5, "source": "Example"}],
         "challenges": [choice_challenge(f"{tube_id}{level}-{letter}", timer=30 if level in timed else None)
                        for letter in "abcdefgh"[:challenges]]}
        for level in range(1, top + 1)]}


def document(tubes_by_competence: dict[str, list[dict[str, Any]]] | None = None,
             target_profiles: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    tubes_by_competence = tubes_by_competence or {
        "1.1": [tube("recherche"), tube("sources"), tube("veille", 6)],
        "1.2": [tube("fichiers"), tube("formats", 3), tube("stockage")],
    }
    areas: dict[str, list[dict[str, Any]]] = {}
    for code, tubes in tubes_by_competence.items():
        areas.setdefault(code.split(".")[0], []).append({"code": code, "name": text(f"Compétence {code}"),
                                                        "tubes": tubes})
    return {"areas": [{"code": code, "name": text(f"Domaine {code}"), "competences": competences}
                      for code, competences in areas.items()],
            "target_profiles": target_profiles or []}


def content(tubes_by_competence: dict[str, list[dict[str, Any]]] | None = None) -> LearningContent:
    return LearningContent(1, document(tubes_by_competence))


def ids():
    counter = itertools.count(1)
    return lambda: uuid.UUID(int=next(counter))


def assessment_for(release: LearningContent, targets: list[str] | None = None, *, knowledge=(),
                   improving: bool = False, created_at: datetime = T0, answered_before=(), seed: int = 7):
    return new_assessment(
        id=uuid.UUID(int=seed), user_id=uuid.UUID(int=1000), participation_id=uuid.uuid4(), campaign_id=uuid.uuid4(),
        target_skill_ids=targets if targets is not None else list(release.skills), improving=improving,
        created_at=created_at, knowledge=knowledge, answered_before=answered_before)


def play(assessment, release: LearningContent, knows, *, now: datetime = T0, limit: int = 500, rules: Rules = RULES,
         by_challenge: bool = False):
    """Answer every question: right when ``knows(skill)`` (``knows(skill, challenge)`` with ``by_challenge``, for a
    learner who slips on some challenges); returns the challenges asked, in order."""
    asked, new_id = [], uuid.uuid4
    for step in range(limit):
        challenge = assessment.current_challenge(release, rules, now + timedelta(seconds=step))
        if challenge is None:
            return asked
        asked.append(challenge)
        skill = release.skills[challenge.skill_id]
        value = 1 if (knows(skill, challenge) if by_challenge else knows(skill)) else 2
        assessment.answer(release, rules, challenge_id=challenge.id, value=value, skipped=False,
                          now=now + timedelta(seconds=step, milliseconds=500), new_id=new_id)
    raise AssertionError("the assessment did not end")


# -- the certification test: a release with 16 competences of 3 tubes each (48 tubes, 32 questions) --------

CERTIFICATION_COMPETENCES = [f"{area}.{n}" for area, count in ((1, 3), (2, 4), (3, 4), (4, 3), (5, 2))
                             for n in range(1, count + 1)]


def certification_document() -> dict[str, Any]:
    """Three tubes of five levels per competence, two single-choice challenges per skill (proposal 1 is right);
    the level-3 skills' challenges are timed (30 s)."""
    return document({code: [tube(f"t{code.replace('.', '')}{letter}", timed={3}) for letter in "xyz"]
                     for code in CERTIFICATION_COMPETENCES})


def certification_content(version: int = 1) -> LearningContent:
    return LearningContent(version, certification_document())
