"""Finding oneself in an organization's list of learners: same birth date, and close enough names.

Names are compared once normalized: no case, no accents, no spaces, hyphens, apostrophes
or other punctuation ("Jean-Noël D'Arc" is "jeannoeldarc"; Œ and Æ become oe and ae). The
first name given may be any of the learner's first names (or all of them together: "Jean
Pierre" for Jean, Pierre); the last name, their last name or their preferred last name.

One typo is forgiven in a name of 4 letters or more (Levenshtein distance 1: Mohamed and
Mohammed, Nathan and Natan, Tomas and Thomas); a shorter name must be exact, because one
letter there makes another name (Léo and Léa, Ana and Anna). The birth date is never
relaxed: it is what keeps the few candidates apart, and a tolerance on both would match
strangers. Exact matches come first: a learner whose names are exactly those given wins
over learners who are one letter off (twins Lucas and Lukas, same birth date, same
surname). More than one match is ambiguous, and nobody is chosen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from svckit.names import normalize_name

TOLERANT_FROM = 4  # letters, after normalization
EXACT, CLOSE = 2, 1


class Candidate(Protocol):
    @property
    def id(self) -> Any: ...

    @property
    def first_names(self) -> tuple[str, ...]: ...

    @property
    def last_name(self) -> str: ...

    @property
    def preferred_last_name(self) -> str | None: ...

    @property
    def birthdate(self) -> date: ...

    @property
    def user_id(self) -> Any: ...


@dataclass(frozen=True)
class LearnerCandidate:
    id: Any
    first_names: tuple[str, ...]
    last_name: str
    preferred_last_name: str | None
    birthdate: date
    user_id: Any = None


@dataclass(frozen=True)
class MatchResult:
    matches: tuple[Candidate, ...] = ()

    @property
    def candidate(self) -> Candidate | None:
        """The one learner matched, if exactly one was."""
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.matches) > 1

    @property
    def found(self) -> bool:
        return len(self.matches) == 1


def within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of at most 1, in one pass."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]
    return True  # b is a with one more letter at the end


def _closeness(given: str, options: Iterable[str]) -> int:
    """EXACT, CLOSE or 0: how well a normalized name matches the best of the options."""
    best = 0
    for option in options:
        option = normalize_name(option)
        if not option:
            continue
        if option == given:
            return EXACT
        if min(len(option), len(given)) >= TOLERANT_FROM and within_one_edit(option, given):
            best = CLOSE
    return best


def _score(candidate: Candidate, first_name: str, last_name: str, birthdate: date) -> int:
    """0 when not the same person, else the closeness of the names (the worse of the two)."""
    if candidate.birthdate != birthdate:
        return 0
    given_first, given_last = normalize_name(first_name), normalize_name(last_name)
    if not given_first or not given_last:
        return 0
    first_names = tuple(name for name in candidate.first_names if name)
    options = (*first_names, " ".join(first_names)) if len(first_names) > 1 else first_names
    first = _closeness(given_first, options)
    last = _closeness(given_last, (candidate.last_name, candidate.preferred_last_name or ""))
    return min(first, last)


def is_same_person(candidate: Candidate, first_name: str, last_name: str, birthdate: date) -> bool:
    return _score(candidate, first_name, last_name, birthdate) > 0


def find_match(candidates: Iterable[Candidate], first_name: str, last_name: str, birthdate: date, *,
               user_id: Any = None) -> MatchResult:
    """The learner these names and birth date designate: one, none, or several (ambiguous).

    With user_id, a learner already linked to that user wins among equally good matches.
    """
    scored = [(score, candidate) for candidate in candidates
              if (score := _score(candidate, first_name, last_name, birthdate))]
    if not scored:
        return MatchResult()
    best = max(score for score, _ in scored)
    matches = tuple(candidate for score, candidate in scored if score == best)
    if len(matches) > 1 and user_id is not None:
        mine = tuple(candidate for candidate in matches if candidate.user_id == user_id)
        if len(mine) == 1:
            return MatchResult(mine)
    return MatchResult(matches)
