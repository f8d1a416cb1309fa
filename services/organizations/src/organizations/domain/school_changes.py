"""A pupil who changes school keeps their account: the new school's import carries the link over.

A pupil has one account for life, and their profile and knowledge elements belong to it, not
to a school. When a school imports a pupil whose INE is linked to an account in another
organization's list, the new school's learner is linked to that account at once, so the pupil
does not have to find themself in the list again. The previous school keeps its history: its
learner and its link stay as they are.

The INE is matched exactly, as imports store it (trimmed and upper-cased): an INE is an
identifier, and a relaxed match would hand one pupil's account to another. No link is carried
over, and the import's report says why, when:

- the INE is linked to different accounts in different schools (a pupil who made a second
  account, or someone who reconciled as the pupil somewhere): nobody is chosen, as a
  reconciliation with several matches chooses nobody. Choosing the latest would be right for the
  pupil who lost a password and wrong for the impostor, and a wrong link hands a pupil's place,
  results and certification to another account, while no link costs the pupil one
  reconciliation, as today;
- the account is already linked to another pupil of the importing school's list, or would be
  carried over to two pupils of the same import: an account holds one pupil of a school, and
  which of them it is cannot be told from INEs;
- an admin of the importing school took that account off this very learner before: an import
  does not undo the admin's decision.

A learner already linked to an account is never changed by an import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from organizations.domain.events import LearnerLinked
from organizations.domain.learners import IMPORT, AccountLink

# Why a link was not carried over (codes of the import's report).
SEVERAL_ACCOUNTS = "SEVERAL_ACCOUNTS_FOR_INE"
ACCOUNT_LINKED_HERE = "ACCOUNT_LINKED_TO_ANOTHER_LEARNER"
ACCOUNT_OF_SEVERAL_PUPILS = "ACCOUNT_OF_SEVERAL_PUPILS_OF_THE_IMPORT"
ACCOUNT_UNLINKED_HERE = "ACCOUNT_UNLINKED_BY_AN_ADMIN"

MESSAGES = {
    SEVERAL_ACCOUNTS: "This INE is linked to different accounts in other schools: the pupil finds themself in "
                      "the list to link theirs.",
    ACCOUNT_LINKED_HERE: "The account linked to this INE elsewhere is linked to another pupil of this school.",
    ACCOUNT_OF_SEVERAL_PUPILS: "The account linked to this INE elsewhere is linked to another pupil of this import "
                               "too.",
    ACCOUNT_UNLINKED_HERE: "An admin of this school took this account off this pupil: it is not linked again.",
}


@dataclass(frozen=True)
class LinkElsewhere:
    """A current link of an account to a learner of another organization's list."""

    national_student_id: str
    user_id: UUID


@dataclass(frozen=True)
class Arrival:
    """A learner of the importing school's list, after the import, active and without an account."""

    learner_id: UUID
    national_student_id: str
    version: int = 1
    unlinked_accounts: frozenset[UUID] = frozenset()  # accounts an admin took off this learner


@dataclass(frozen=True)
class CarryOver:
    learner_id: UUID
    user_id: UUID
    version: int  # the learner's, once linked

    def link(self, organization_id: UUID, *, by: UUID, import_id: UUID, now: datetime) -> tuple[AccountLink,
                                                                                                 LearnerLinked]:
        """The link, in the learner's history as made by the import of ``by`` (an admin), and its announcement:
        the same as a reconciliation's, so the other services need not tell them apart."""
        link = AccountLink(uuid4(), organization_id, self.learner_id, self.user_id, linked_at=now, linked_by=by,
                           link_method=IMPORT, import_id=import_id)
        return link, LearnerLinked(self.learner_id, organization_id, self.user_id, now, self.version)


@dataclass(frozen=True)
class NotCarriedOver:
    learner_id: UUID
    national_student_id: str
    code: str

    @property
    def message(self) -> str:
        return MESSAGES[self.code]


@dataclass(frozen=True)
class CarryOverPlan:
    links: tuple[CarryOver, ...] = ()
    refused: tuple[NotCarriedOver, ...] = ()


def plan_carry_overs(arrivals: Iterable[Arrival], elsewhere: Iterable[LinkElsewhere],
                     linked_here: Mapping[UUID, UUID]) -> CarryOverPlan:
    """Which arrivals get the account their INE has elsewhere.

    ``linked_here``: the accounts linked to an active learner of the importing school -> that learner.
    """
    accounts_of: dict[str, set[UUID]] = defaultdict(set)
    for link in elsewhere:
        accounts_of[link.national_student_id].add(link.user_id)
    wanted: list[tuple[Arrival, UUID]] = []
    refused: list[NotCarriedOver] = []
    for arrival in arrivals:
        accounts = accounts_of.get(arrival.national_student_id)
        if not accounts:
            continue
        if len(accounts) > 1:
            refused.append(NotCarriedOver(arrival.learner_id, arrival.national_student_id, SEVERAL_ACCOUNTS))
            continue
        [account] = accounts
        if linked_here.get(account, arrival.learner_id) != arrival.learner_id:
            refused.append(NotCarriedOver(arrival.learner_id, arrival.national_student_id, ACCOUNT_LINKED_HERE))
        elif account in arrival.unlinked_accounts:
            refused.append(NotCarriedOver(arrival.learner_id, arrival.national_student_id, ACCOUNT_UNLINKED_HERE))
        else:
            wanted.append((arrival, account))
    pupils_of: dict[UUID, int] = defaultdict(int)
    for _, account in wanted:
        pupils_of[account] += 1
    links = []
    for arrival, account in wanted:
        if pupils_of[account] > 1:
            refused.append(NotCarriedOver(arrival.learner_id, arrival.national_student_id, ACCOUNT_OF_SEVERAL_PUPILS))
        else:
            links.append(CarryOver(arrival.learner_id, account, arrival.version + 1))
    return CarryOverPlan(tuple(links), tuple(refused))
