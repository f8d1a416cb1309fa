"""The assessment aggregate: one learner's test for one campaign participation.

It holds its answers and the learner's knowledge elements (all campaigns), asks the
engine for the next question, checks answers, records what they settle and completes
itself when no target skill is left to ask. The current question is stored, so a learner
who stops and comes back gets the same one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from assessment.domain import answers as checking
from assessment.domain import bayes, engine
from assessment.domain.content import CHOICE_KINDS, Challenge, LearningContent
from assessment.domain.events import (
    AnswerRecorded,
    AssessmentCompleted,
    CompetenceResult,
    Progress,
    Results,
)
from assessment.domain.exceptions import (
    AssessmentCompleted as AssessmentAlreadyCompleted,
)
from assessment.domain.exceptions import (
    CampaignArchived,
    ChallengeAlreadyAnswered,
    InvalidAnswerValue,
    NoCurrentChallenge,
    WrongChallenge,
)
from assessment.domain.knowledge import (
    DIRECT,
    INFERRED,
    INVALIDATED,
    VALIDATED,
    KnowledgeElement,
    known_for_assessment,
)
from assessment.domain.knowledge import profile as profile_of

STARTED, COMPLETED = "STARTED", "COMPLETED"
RIGHT, WRONG, SKIPPED, TIMED_OUT = "RIGHT", "WRONG", "SKIPPED", "TIMED_OUT"
CHECKPOINT_EVERY = 5


@dataclass(frozen=True)
class Rules:
    """The settings the engine's rules depend on."""

    reset_after: timedelta = timedelta(days=4)  # a retry asks again skills not validated older than this
    max_level: int = 5  # the highest level open today (8 in the model)
    timer_grace: timedelta = timedelta(seconds=5)  # network and reading time on top of a timer
    engine: str = "ladder"  # "ladder": engine.py; "bayes": the candidate engine, bayes.py (issue 20)


@dataclass(frozen=True)
class CampaignTarget:
    """What this service knows of a campaign, from campaigns' events."""

    campaign_id: UUID
    organization_id: UUID
    type: str
    target_skill_ids: tuple[str, ...]
    archived: bool
    version: int


@dataclass(frozen=True, slots=True)
class Answer:
    id: UUID
    assessment_id: UUID
    index: int  # 1 for the first answer of the assessment
    challenge_id: str
    skill_id: str
    value: Any  # None when skipped
    result: str
    answered_at: datetime
    elapsed_ms: int | None

    @property
    def right(self) -> bool:
        return self.result == RIGHT


@dataclass
class Assessment:
    id: UUID
    user_id: UUID
    participation_id: UUID | None
    campaign_id: UUID | None
    target_skill_ids: tuple[str, ...]
    improving: bool
    created_at: datetime
    state: str = STARTED
    # Improving before sharing asks again every skill not validated, however recent;
    # a retry after sharing only those older than the rules' delay.
    reset_all_not_validated: bool = False
    participation_version: int = 1  # the version of the participation event that created it
    completed_at: datetime | None = None
    current_challenge_id: str | None = None
    current_served_at: datetime | None = None
    answers: list[Answer] = field(default_factory=list)
    knowledge: list[KnowledgeElement] = field(default_factory=list)  # the learner's, every assessment
    answered_before: frozenset[str] = frozenset()  # challenge ids answered in the learner's other assessments
    campaign_archived: bool = False  # from campaigns' events: an archived campaign takes no answer
    version: int = 0
    events: list[Any] = field(default_factory=list)
    new_answers: list[Answer] = field(default_factory=list)
    new_knowledge: list[KnowledgeElement] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loaded_version = self.version

    # -- reading -----------------------------------------------------------------------

    @property
    def completed(self) -> bool:
        return self.state == COMPLETED

    def known(self, rules: Rules) -> dict[str, KnowledgeElement]:
        return known_for_assessment(self.knowledge, improving=self.improving, started_at=self.created_at,
                                    reset_after=timedelta(0) if self.reset_all_not_validated else rules.reset_after)

    def progress(self, rules: Rules) -> Progress:
        known = self.known(rules)
        return Progress(answers=len(self.answers), assessed_skills=sum(1 for s in self.target_skill_ids if s in known),
                        target_skills=len(self.target_skill_ids))

    def results(self, content: LearningContent, rules: Rules) -> Results:
        """Mastery per competence of the target: validated target skills / target skills."""
        known = self.known(rules)
        tested_here = {e.skill_id for e in self.knowledge if e.assessment_id == self.id}
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for skill_id in self.target_skill_ids:
            skill = content.skills.get(skill_id)
            if skill is None:
                continue
            count = counts[skill.competence_code]
            count[0] += 1
            count[1] += 1 if skill_id in known and known[skill_id].validated else 0
            count[2] += 1 if skill_id in tested_here else 0
        return Results(tuple(
            CompetenceResult(code, content.competences[code].area_code, *counts[code])
            for code in content.competences if code in counts))

    def checkpoint(self) -> list[Answer]:
        """The answers of the last block of five (or fewer, at the end)."""
        if not self.answers:
            return []
        last_block_start = ((len(self.answers) - 1) // CHECKPOINT_EVERY) * CHECKPOINT_EVERY
        return self.answers[last_block_start:]

    def _situation(self, content: LearningContent, known: Mapping[str, KnowledgeElement]) -> engine.Situation:
        last = content.challenges.get(self.answers[-1].challenge_id) if self.answers else None
        results = []
        for a in self.answers:
            skill, challenge = content.skills.get(a.skill_id), content.challenges.get(a.challenge_id)
            if skill is not None:
                guessable = challenge is not None and challenge.kind in CHOICE_KINDS and a.result != SKIPPED
                results.append(engine.DirectResult(skill.level, a.right, a.skill_id, guessable))
        return engine.Situation(
            seed=str(self.id), targets=self.target_skill_ids,
            known={skill_id: element.validated for skill_id, element in known.items()},
            answered_here={a.challenge_id for a in self.answers}, answered_before=self.answered_before,
            results=results, last_was_timed=last is not None and last.timed,
            earlier={skill_id: element.validated for skill_id, element in known.items()
                     if element.assessment_id != self.id})

    # -- changing ----------------------------------------------------------------------

    def _refuse_if_archived(self) -> None:
        if self.campaign_archived:
            raise CampaignArchived("the campaign is archived: it takes no more answers")

    def _touch(self) -> None:
        self.version = self.loaded_version + 1

    def current_challenge(self, content: LearningContent, rules: Rules, now: datetime) -> Challenge | None:
        """The question being asked: the stored one when the learner comes back, else the engine's next."""
        if self.completed:
            return None
        self._refuse_if_archived()
        if self.current_challenge_id is not None and self.current_challenge_id in content.challenges:
            return content.challenges[self.current_challenge_id]
        choose = bayes.next_challenge if rules.engine == "bayes" else engine.next_challenge
        challenge = choose(content, self._situation(content, self.known(rules)))
        self._touch()
        if challenge is None:
            self._complete(content, rules, now)
            return None
        self.current_challenge_id, self.current_served_at = challenge.id, now
        return challenge

    def answer(self, content: LearningContent, rules: Rules, *, challenge_id: str, value: Any, skipped: bool,
               now: datetime, new_id: Callable[[], UUID]) -> Answer:
        """Records the answer to the question being asked. The same answer sent again (a reply the learner
        never got) gives back the recorded one and changes nothing; another answer to a question already
        answered is refused."""
        recorded = next((a for a in self.answers if a.challenge_id == challenge_id), None)
        if recorded is not None and self._is_recorded(content, recorded, value, skipped):
            return recorded
        if self.completed:
            raise AssessmentAlreadyCompleted("this assessment is over: it takes no more answers")
        if recorded is not None:
            raise ChallengeAlreadyAnswered(f"challenge {challenge_id} is already answered")
        self._refuse_if_archived()
        if self.current_challenge_id is None:
            raise NoCurrentChallenge("no question is being asked: ask for the next challenge first")
        if challenge_id != self.current_challenge_id:
            raise WrongChallenge(f"the question being asked is {self.current_challenge_id}, not {challenge_id}")
        challenge = content.challenges.get(challenge_id)
        if challenge is None:  # withdrawn by a newer release while it was on screen
            raise WrongChallenge(f"challenge {challenge_id} is no longer in the content: ask for the next challenge")
        result, value = self._result(challenge, value, skipped, now, rules)
        elapsed = now - self.current_served_at if self.current_served_at else None
        answer = Answer(id=new_id(), assessment_id=self.id, index=len(self.answers) + 1, challenge_id=challenge.id,
                        skill_id=challenge.skill_id, value=value, result=result, answered_at=now,
                        elapsed_ms=int(elapsed.total_seconds() * 1000) if elapsed is not None else None)
        self.answers.append(answer)
        self.new_answers.append(answer)
        self._settle(content, rules, answer, new_id)
        self.current_challenge_id = self.current_served_at = None
        self._touch()
        self.events.append(AnswerRecorded(
            assessment_id=self.id, version=self.version, user_id=self.user_id, participation_id=self.participation_id,
            campaign_id=self.campaign_id, answer_id=answer.id, challenge_id=challenge.id, skill_id=challenge.skill_id,
            result=result, answered_at=now, progress=self.progress(rules)))
        situation = self._situation(content, self.known(rules))
        if not engine.candidates(content, situation):
            if rules.engine == "bayes":  # the skills left in doubt take the model's likelier status
                self._write_knowledge(content, answer, bayes.final_statuses(content, situation), new_id)
            self._complete(content, rules, now)
        return answer

    @staticmethod
    def _is_recorded(content: LearningContent, recorded: Answer, value: Any, skipped: bool) -> bool:
        if skipped or recorded.result == SKIPPED:
            return skipped and recorded.result == SKIPPED
        challenge = content.challenges.get(recorded.challenge_id)
        try:
            return recorded.value == (checking.read_value(challenge, value) if challenge else value)
        except InvalidAnswerValue:
            return False

    def complete_if_nothing_to_ask(self, content: LearningContent, rules: Rules, now: datetime) -> bool:
        """For a new assessment whose target is already known from earlier campaigns."""
        if not self.completed and not engine.candidates(content, self._situation(content, self.known(rules))):
            self._touch()
            self._complete(content, rules, now)
        return self.completed

    def _result(self, challenge: Challenge, value: Any, skipped: bool, now: datetime, rules: Rules) -> tuple[str, Any]:
        if skipped:
            return SKIPPED, None
        value = checking.read_value(challenge, value)
        right = checking.is_right(challenge, value)
        if challenge.timer is not None and self.current_served_at is not None:
            allowed = timedelta(seconds=challenge.timer) + rules.timer_grace
            if now - self.current_served_at > allowed:
                return TIMED_OUT, value  # counted as wrong, whatever the answer
        return (RIGHT if right else WRONG), value

    def _settle(self, content: LearningContent, rules: Rules, answer: Answer, new_id: Callable[[], UUID]) -> None:
        known = self.known(rules)
        if rules.engine == "bayes":
            statuses = bayes.settled_statuses(content, self._situation(content, known))
        else:
            statuses = engine.inferred_statuses(content, content.skills[answer.skill_id], answer.right,
                                                set(self.target_skill_ids), set(known))
        self._write_knowledge(content, answer, statuses, new_id)

    def _write_knowledge(self, content: LearningContent, answer: Answer, statuses: Mapping[str, bool],
                         new_id: Callable[[], UUID]) -> None:
        """A knowledge element per skill settled (skill id -> validated): direct for a skill this test asked."""
        asked = {a.skill_id for a in self.answers}
        for skill_id, validated in statuses.items():
            settled = content.skills[skill_id]
            element = KnowledgeElement(
                id=new_id(), user_id=self.user_id, assessment_id=self.id, skill_id=skill_id,
                competence_code=settled.competence_code, status=VALIDATED if validated else INVALIDATED,
                source=DIRECT if skill_id in asked else INFERRED,
                earned_pix=round(float(settled.pix_value), 4) if validated else 0.0,
                created_at=answer.answered_at)
            self.knowledge.append(element)
            self.new_knowledge.append(element)

    def _complete(self, content: LearningContent, rules: Rules, now: datetime) -> None:
        self.state, self.completed_at = COMPLETED, now
        self.current_challenge_id = self.current_served_at = None
        self.events.append(AssessmentCompleted(
            assessment_id=self.id, version=self.version, user_id=self.user_id,
            participation_id=self.participation_id, campaign_id=self.campaign_id, completed_at=now,
            progress=self.progress(rules), results=self.results(content, rules),
            profile=profile_of(content, self.knowledge, rules.max_level)))


def new_assessment(*, id: UUID, user_id: UUID, participation_id: UUID | None, campaign_id: UUID | None,
                   target_skill_ids: Sequence[str], improving: bool, created_at: datetime,
                   knowledge: Iterable[KnowledgeElement], answered_before: Iterable[str],
                   reset_all_not_validated: bool = False, participation_version: int = 1) -> Assessment:
    return Assessment(id=id, user_id=user_id, participation_id=participation_id, campaign_id=campaign_id,
                      target_skill_ids=tuple(dict.fromkeys(target_skill_ids)), improving=improving,
                      created_at=created_at, knowledge=list(knowledge), answered_before=frozenset(answered_before),
                      reset_all_not_validated=reset_all_not_validated, participation_version=participation_version)
