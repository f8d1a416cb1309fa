"""What the learner and the admin read, shaped for the API in the learner's language.

A question is shown without anything that gives its answer away (no right proposal, no
accepted answer, no explanation, no skill level); the checkpoint shows all of it, for
answered questions only.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from sqlalchemy import Engine, select

from assessment.adapters import orm
from assessment.domain import answers as checking
from assessment.domain.certification import CertificationTest, LiveAlert
from assessment.domain.content import FIELDS, Challenge, LearningContent
from assessment.domain.events import Progress
from assessment.domain.knowledge import KnowledgeElement, profile
from assessment.domain.model import CHECKPOINT_EVERY, SKIPPED, Assessment, Rules


def _shuffled(challenge: Challenge, seed: str) -> list[int]:
    """Proposal numbers in the order this assessment shows them (the same order every time)."""
    numbers = list(range(1, len(challenge.proposals) + 1))
    digest = hashlib.blake2b(f"{seed}:{challenge.id}".encode(), digest_size=8).digest()
    random.Random(int.from_bytes(digest, "big")).shuffle(numbers)
    return numbers


def _competence(content: LearningContent, skill_id: str, locale: str) -> dict[str, str]:
    competence = content.competence_of(skill_id)
    return {"code": competence.code, "name": competence.name.in_(locale)}


def question(content: LearningContent, challenge: Challenge, assessment: Assessment, locale: str) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": challenge.id, "kind": challenge.kind, "instruction": challenge.instruction.in_(locale),
        "timer": challenge.timer, "competence": _competence(content, challenge.skill_id, locale),
        "served_at": assessment.current_served_at,
    }
    if challenge.proposals:
        shown["proposals"] = [{"number": n, "text": challenge.proposals[n - 1].in_(locale)}
                              for n in _shuffled(challenge, str(assessment.id))]
    if challenge.kind == FIELDS:
        shown["fields"] = [{"key": f.key, "label": f.label.in_(locale)} for f in challenge.fields]
    return shown


def progress(value: Progress) -> dict[str, Any]:
    return {"answers_count": value.answers, "assessed_skills_count": value.assessed_skills,
            "target_skills_count": value.target_skills, "progress_rate": round(value.rate, 4)}


def checkpoint_due(assessment: Assessment) -> bool:
    """The learner app shows the checkpoint after every fifth answer and after the last one."""
    count = len(assessment.answers)
    return count > 0 and (count % CHECKPOINT_EVERY == 0 or assessment.completed)


def summary(assessment: Assessment, rules: Rules) -> dict[str, Any]:
    return {"id": assessment.id, "participation_id": assessment.participation_id,
            "campaign_id": assessment.campaign_id, "state": assessment.state, "created_at": assessment.created_at,
            "completed_at": assessment.completed_at, "progress": progress(assessment.progress(rules)),
            "checkpoint_due": checkpoint_due(assessment)}


def next_challenge(content: LearningContent, assessment: Assessment, challenge: Challenge | None, rules: Rules,
                   locale: str) -> dict[str, Any]:
    return {**summary(assessment, rules),
            "challenge": question(content, challenge, assessment, locale) if challenge is not None else None}


def checkpoint(content: LearningContent, assessment: Assessment, locale: str) -> dict[str, Any]:
    items = []
    for answer in assessment.checkpoint():
        challenge = content.challenges.get(answer.challenge_id)
        if challenge is None:  # gone from the release since: the answer stays, its text does not
            continue
        shown = question(content, challenge, assessment, locale)
        shown.pop("served_at")
        if challenge.proposals:  # the original order, so that numbers read naturally
            shown["proposals"] = [{"number": n, "text": p.in_(locale)} for n, p in enumerate(challenge.proposals, 1)]
        items.append({
            "index": answer.index, "challenge": shown, "your_answer": answer.value,
            "skipped": answer.result == SKIPPED, "result": answer.result,
            "right_answer": checking.right_answer(challenge, locale),
            "explanation": challenge.explanation.in_(locale),
            "tutorials": [{"title": t.title, "url": t.url, "duration_minutes": t.duration_minutes,
                           "source": t.source, "format": t.format, "locale": t.locale}
                          for t in content.tutorials_of(challenge.skill_id, locale)],
        })
    return {"assessment_id": assessment.id, "state": assessment.state, "answers": items}


def results(content: LearningContent, assessment: Assessment, rules: Rules, locale: str) -> dict[str, Any]:
    outcome = assessment.results(content, rules)
    return {
        "assessment_id": assessment.id, "state": assessment.state,
        "mastery_rate": round(outcome.mastery_rate, 4), "validated_skills_count": outcome.validated_skills,
        "target_skills_count": outcome.target_skills,
        "competences": [{
            "code": c.competence_code, "name": content.competences[c.competence_code].name.in_(locale),
            "area_code": c.area_code, "area_name": content.areas[c.area_code].name.in_(locale),
            "target_skills_count": c.target_skills, "validated_skills_count": c.validated_skills,
            "mastery_rate": round(c.mastery_rate, 4)} for c in outcome.competences],
    }


def user_profile(content: LearningContent, elements: list[KnowledgeElement], rules: Rules,
                 locale: str) -> dict[str, Any]:
    scores = profile(content, elements, rules.max_level)
    return {
        "total_pix": scores.total_pix, "certifiable": scores.certifiable, "max_level": rules.max_level,
        "competences": [{"code": c.competence_code, "name": content.competences[c.competence_code].name.in_(locale),
                         "area_code": c.area_code, "area_name": content.areas[c.area_code].name.in_(locale),
                         "pix": c.pix, "level": c.level} for c in scores.competences],
    }


def releases(engine: Engine) -> list[dict[str, Any]]:
    table = orm.content_releases
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.version, table.c.checksum, table.c.released_at,
                                         table.c.released_by, table.c.skill_count, table.c.challenge_count)
                                  .order_by(table.c.version.desc())).mappings().all()
    return [dict(row) for row in rows]


def live_alert(alert: LiveAlert | None) -> dict[str, Any] | None:
    if alert is None:
        return None
    return {"id": alert.id, "challenge_id": alert.challenge_id, "question_number": alert.question_number,
            "status": alert.status, "raised_at": alert.raised_at, "decided_at": alert.decided_at}


def certification_test(test: CertificationTest) -> dict[str, Any]:
    """What the candidate sees of their test: a counter, never a right or wrong; the latest live alert."""
    return {"course_id": test.course_id, "state": test.state, "end_reason": test.end_reason,
            "answers_count": len(test.answers), "questions_count": test.length, "started_at": test.started_at,
            "ended_at": test.ended_at, "live_alert": live_alert(test.live_alert)}


def certification_next_challenge(content: LearningContent, test: CertificationTest, challenge: Challenge | None,
                                 locale: str) -> dict[str, Any]:
    shown = None
    if challenge is not None:
        shown = {"id": challenge.id, "kind": challenge.kind, "instruction": challenge.instruction.in_(locale),
                 "timer": test.timer(challenge), "competence": _competence(content, challenge.skill_id, locale),
                 "served_at": test.current_served_at}
        if challenge.proposals:
            shown["proposals"] = [{"number": n, "text": challenge.proposals[n - 1].in_(locale)}
                                  for n in _shuffled(challenge, str(test.course_id))]
        if challenge.kind == FIELDS:
            shown["fields"] = [{"key": f.key, "label": f.label.in_(locale)} for f in challenge.fields]
    return {**certification_test(test), "question_number": len(test.answers) + 1 if shown else None,
            "challenge": shown}
