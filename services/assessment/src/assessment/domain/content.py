"""The learning content: areas, competences, tubes, skills, challenges, tutorials, target profiles.

A release is one immutable document (the content pack merged into one JSON value); this
module turns it into indexed values for the engine and says what breaks the pack's rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

LOCALES = ("fr", "en")
PIX_PER_LEVEL = 8
MIN_TUBES_PER_COMPETENCE = 3
MIN_TOP_LEVEL_PER_TUBE = 5
# Every skill: one challenge for the test and one for a retry, since a challenge the learner answered (the
# checkpoint shows its answer) is never served to them again (engine.py).
MIN_CHALLENGES_PER_SKILL = 2
MIN_CHALLENGES_IN_PACK = 250
COMPETENCE_TARGET_PROFILE_MAX_LEVEL = 5

SINGLE_CHOICE, MULTIPLE_CHOICE, FREE_ANSWER, FIELDS = "single_choice", "multiple_choice", "free_answer", "fields"
CHOICE_KINDS = frozenset({SINGLE_CHOICE, MULTIPLE_CHOICE})  # the questions a learner can guess


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    @classmethod
    def of(cls, value: Mapping[str, str]) -> Text:
        return cls(fr=value["fr"], en=value["en"])

    def in_(self, locale: str) -> str:
        return self.en if locale == "en" else self.fr


@dataclass(frozen=True)
class Area:
    code: str
    name: Text


@dataclass(frozen=True)
class Competence:
    code: str  # "1.1": also its id, stable across releases
    area_code: str
    name: Text


@dataclass(frozen=True)
class Tube:
    id: str  # "recherche"
    competence_code: str
    title: Text

    @property
    def name(self) -> str:
        return f"@{self.id}"


@dataclass(frozen=True)
class Skill:
    id: str  # "recherche2": tube id + level, stable across releases
    tube_id: str
    competence_code: str
    level: int
    statement: Text
    pix_value: Fraction  # 8 pix per level of a competence, shared by the skills of that level

    @property
    def name(self) -> str:
        return f"@{self.id}"


@dataclass(frozen=True)
class Tutorial:
    skill_id: str
    locale: str
    title: str
    url: str
    duration_minutes: int
    source: str
    format: str = "page"


@dataclass(frozen=True)
class Field:
    key: str
    label: Text
    accepted: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Challenge:
    id: str
    skill_id: str
    kind: str
    instruction: Text
    explanation: Text
    timer: int | None = None
    proposals: tuple[Text, ...] = ()
    right_choices: frozenset[int] = frozenset()  # 1-based proposal numbers
    accepted: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fields: tuple[Field, ...] = ()

    @property
    def timed(self) -> bool:
        return self.timer is not None


@dataclass(frozen=True)
class TargetProfile:
    id: str
    name: Text
    description: Text
    tubes: tuple[tuple[str, int], ...]  # (tube id, maximum level)

    def skill_ids(self, content: LearningContent) -> list[str]:
        return [skill.id for tube_id, max_level in self.tubes
                for skill in content.skills_of_tube(tube_id) if skill.level <= max_level]


class LearningContent:
    """One release, indexed for the engine. Built once per process and per release."""

    def __init__(self, version: int, document: Mapping[str, Any]) -> None:
        self.version = version
        self.areas: dict[str, Area] = {}
        self.competences: dict[str, Competence] = {}
        self.tubes: dict[str, Tube] = {}
        self.skills: dict[str, Skill] = {}
        self.challenges: dict[str, Challenge] = {}
        self._skills_by_tube: dict[str, list[Skill]] = defaultdict(list)
        self._challenges_by_skill: dict[str, list[Challenge]] = defaultdict(list)
        self._tutorials_by_skill: dict[str, list[Tutorial]] = defaultdict(list)
        for area_doc in document["areas"]:
            area = Area(area_doc["code"], Text.of(area_doc["name"]))
            self.areas[area.code] = area
            for competence_doc in area_doc["competences"]:
                competence = Competence(competence_doc["code"], area.code, Text.of(competence_doc["name"]))
                self.competences[competence.code] = competence
                self._add_tubes(competence, competence_doc.get("tubes", []))
        self.target_profiles = {profile.id: profile for profile in _target_profiles(document, self)}

    def _add_tubes(self, competence: Competence, tube_docs: Iterable[Mapping[str, Any]]) -> None:
        tube_docs = list(tube_docs)
        skills_per_level = Counter(skill["level"] for tube in tube_docs for skill in tube["skills"])
        for tube_doc in tube_docs:
            tube = Tube(tube_doc["id"], competence.code, Text.of(tube_doc["title"]))
            self.tubes[tube.id] = tube
            for skill_doc in sorted(tube_doc["skills"], key=lambda s: s["level"]):
                level = skill_doc["level"]
                skill = Skill(id=f"{tube.id}{level}", tube_id=tube.id, competence_code=competence.code, level=level,
                              statement=Text.of(skill_doc["statement"]),
                              pix_value=Fraction(PIX_PER_LEVEL, skills_per_level[level]))
                self.skills[skill.id] = skill
                self._skills_by_tube[tube.id].append(skill)
                for tutorial in skill_doc["tutorials"]:
                    self._tutorials_by_skill[skill.id].append(Tutorial(
                        skill_id=skill.id, locale=tutorial["locale"], title=tutorial["title"], url=tutorial["url"],
                        duration_minutes=tutorial["duration_minutes"], source=tutorial["source"],
                        format=tutorial.get("format", "page")))
                for challenge_doc in skill_doc["challenges"]:
                    challenge = _challenge(skill.id, challenge_doc)
                    self.challenges[challenge.id] = challenge
                    self._challenges_by_skill[skill.id].append(challenge)

    def skills_of_tube(self, tube_id: str) -> list[Skill]:
        """The tube's skills, easiest first."""
        return self._skills_by_tube.get(tube_id, [])

    def challenges_of(self, skill_id: str) -> list[Challenge]:
        return self._challenges_by_skill.get(skill_id, [])

    def tutorials_of(self, skill_id: str, locale: str) -> list[Tutorial]:
        """The skill's tutorials in the learner's language, or in any language when none is."""
        tutorials = self._tutorials_by_skill.get(skill_id, [])
        return [t for t in tutorials if t.locale == locale] or list(tutorials)

    def competence_of(self, skill_id: str) -> Competence:
        return self.competences[self.skills[skill_id].competence_code]

    def structure(self) -> dict[str, Any]:
        """What other services may know of this release: no challenge, no answer, no tutorial."""
        return {
            "version": self.version,
            "areas": [{"code": a.code, "name": _text(a.name)} for a in self.areas.values()],
            "competences": [{"code": c.code, "area_code": c.area_code, "name": _text(c.name)}
                            for c in self.competences.values()],
            "tubes": [{"id": t.id, "name": t.name, "competence_code": t.competence_code, "title": _text(t.title)}
                      for t in self.tubes.values()],
            "skills": [{"id": s.id, "name": s.name, "tube_id": s.tube_id, "competence_code": s.competence_code,
                        "level": s.level, "pix_value": round(float(s.pix_value), 4)} for s in self.skills.values()],
            "target_profiles": [{"id": p.id, "name": _text(p.name), "description": _text(p.description),
                                 "tubes": [{"tube_id": tube_id, "max_level": level} for tube_id, level in p.tubes]}
                                for p in self.target_profiles.values()],
        }


def _text(text: Text) -> dict[str, str]:
    return {"fr": text.fr, "en": text.en}


def _accepted(value: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    return {locale: tuple(value[locale]) for locale in LOCALES}


def _challenge(skill_id: str, doc: Mapping[str, Any]) -> Challenge:
    kind = doc["kind"]
    answer = doc.get("answer")
    right = frozenset([answer] if kind == SINGLE_CHOICE else answer or [])
    return Challenge(
        id=doc["id"], skill_id=skill_id, kind=kind, instruction=Text.of(doc["instruction"]),
        explanation=Text.of(doc["explanation"]), timer=doc.get("timer"),
        proposals=tuple(Text.of(p) for p in doc.get("proposals", [])), right_choices=right,
        accepted=_accepted(doc["accepted"]) if "accepted" in doc else {},
        fields=tuple(Field(f["key"], Text.of(f["label"]), _accepted(f["accepted"])) for f in doc.get("fields", [])),
    )


def _target_profiles(document: Mapping[str, Any], content: LearningContent) -> list[TargetProfile]:
    """One ready profile per competence (levels 1 to 5), then those the pack writes out."""
    profiles = [
        TargetProfile(
            id=f"competence-{competence.code}",
            name=Text(fr=f"{competence.code} {competence.name.fr}", en=f"{competence.code} {competence.name.en}"),
            description=Text(fr=f"Tous les sujets de la compétence {competence.code}, niveaux 1 à "
                                f"{COMPETENCE_TARGET_PROFILE_MAX_LEVEL}.",
                             en=f"Every topic of competence {competence.code}, levels 1 to "
                                f"{COMPETENCE_TARGET_PROFILE_MAX_LEVEL}."),
            tubes=tuple((tube.id, COMPETENCE_TARGET_PROFILE_MAX_LEVEL) for tube in content.tubes.values()
                        if tube.competence_code == competence.code))
        for competence in content.competences.values()
    ]
    for doc in document.get("target_profiles", []):
        profiles.append(TargetProfile(id=doc["id"], name=Text.of(doc["name"]), description=Text.of(doc["description"]),
                                      tubes=tuple((t["tube_id"], t["max_level"]) for t in doc["tubes"])))
    return profiles


def pack_problems(document: Mapping[str, Any], *, whole_pack: bool = True) -> list[str]:
    """Every way the document breaks the pack's rules (empty when it may be released).

    The schema checks each file's shape; these are the rules across files and values.
    ``whole_pack=False`` checks a part of a pack being written (no total to reach).
    """
    problems: list[str] = []
    seen_tubes: set[str] = set()
    seen_challenges: set[str] = set()
    total_challenges = 0
    competences = [c for area in document["areas"] for c in area["competences"]]
    for competence in competences:
        code = competence["code"]
        tubes = competence.get("tubes", [])
        if len(tubes) < MIN_TUBES_PER_COMPETENCE:
            problems.append(f"competence {code}: {len(tubes)} tube(s), at least {MIN_TUBES_PER_COMPETENCE} needed")
        for tube in tubes:
            where = f"competence {code}, tube {tube['id']}"
            if tube["id"] in seen_tubes:
                problems.append(f"{where}: the tube id is used twice in the pack")
            seen_tubes.add(tube["id"])
            levels = sorted(skill["level"] for skill in tube["skills"])
            if len(set(levels)) != len(levels):
                problems.append(f"{where}: two skills share a level")
            if levels != list(range(1, len(levels) + 1)) or len(levels) < MIN_TOP_LEVEL_PER_TUBE:
                problems.append(f"{where}: skills must run from level 1 to at least {MIN_TOP_LEVEL_PER_TUBE} "
                                f"without a gap (found {levels})")
            for skill in tube["skills"]:
                skill_where = f"{where}, level {skill['level']}"
                challenges = skill["challenges"]
                total_challenges += len(challenges)
                if len(challenges) < MIN_CHALLENGES_PER_SKILL:
                    problems.append(f"{skill_where}: a skill needs at least {MIN_CHALLENGES_PER_SKILL} challenges "
                                    "(one for a retry: a challenge answered is never served again)")
                for challenge in challenges:
                    problems.extend(_challenge_problems(challenge, f"{tube['id']}{skill['level']}", skill_where,
                                                        seen_challenges))
    if whole_pack and total_challenges < MIN_CHALLENGES_IN_PACK:
        problems.append(f"the pack has {total_challenges} challenges, at least {MIN_CHALLENGES_IN_PACK} needed")
    problems.extend(_target_profile_problems(document, competences))
    return problems


def _challenge_problems(challenge: Mapping[str, Any], skill_id: str, where: str, seen: set[str]) -> list[str]:
    problems = []
    where = f"{where}, challenge {challenge['id']}"
    if challenge["id"] in seen:
        problems.append(f"{where}: the challenge id is used twice in the pack")
    seen.add(challenge["id"])
    if not challenge["id"].startswith(f"{skill_id}-"):
        problems.append(f"{where}: a challenge id starts with its skill id ({skill_id}-)")
    kind = challenge["kind"]
    if kind in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        count = len(challenge["proposals"])
        answers = [challenge["answer"]] if kind == SINGLE_CHOICE else challenge["answer"]
        if any(not 1 <= number <= count for number in answers):
            problems.append(f"{where}: the answer names a proposal that does not exist (1 to {count})")
        if kind == MULTIPLE_CHOICE and len(answers) >= count:
            problems.append(f"{where}: at least one proposal must be wrong")
        for locale in LOCALES:
            texts = [p[locale].strip().casefold() for p in challenge["proposals"]]
            if len(set(texts)) != len(texts):
                problems.append(f"{where}: two proposals read the same in {locale}")
    if kind == FIELDS:
        keys = [f["key"] for f in challenge["fields"]]
        if len(set(keys)) != len(keys):
            problems.append(f"{where}: two fields share a key")
    return problems


def _target_profile_problems(document: Mapping[str, Any], competences: list[Mapping[str, Any]]) -> list[str]:
    top_levels = {tube["id"]: max(s["level"] for s in tube["skills"])
                  for competence in competences for tube in competence.get("tubes", [])}
    problems = []
    ids = Counter(p["id"] for p in document.get("target_profiles", []))
    problems.extend(f"target profile {pid}: the id is used twice" for pid, n in ids.items() if n > 1)
    for profile in document.get("target_profiles", []):
        if profile["id"].startswith("competence-"):
            problems.append(f"target profile {profile['id']}: ids starting with competence- are the generated ones")
        for tube in profile["tubes"]:
            top = top_levels.get(tube["tube_id"])
            if top is None:
                problems.append(f"target profile {profile['id']}: no tube {tube['tube_id']} in the pack")
            elif tube["max_level"] > top:
                problems.append(f"target profile {profile['id']}: tube {tube['tube_id']} stops at level {top}, "
                                f"not {tube['max_level']}")
    return problems
