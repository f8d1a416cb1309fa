"""Learners of an organization, the accounts linked to them, and what an import changes among them.

A school's list is keyed by the national student id (INE), a university's by the student
number. An import is planned as a whole (created, updated, disabled, re-enabled) before
anything is written, so the caller can apply it in one transaction: all or nothing.

A learner is linked to an account when someone reconciles (finds themself in the list by names
and birth date): whoever knows a pupil's names and birth date can do it. A school's import also
links a pupil who arrives from another school to the account their INE has there
(domain/school_changes.py). So every link is kept
in the learner's history, with when and how it was made and, once an admin of the organization
takes it off (unlinks), when and by whom. The history outlives the link: a school can see that
an account held a pupil's place from this date to that one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID, uuid4

from organizations.domain import exceptions as e
from organizations.domain.events import LearnerChange, LearnerLinked, LearnerUnlinked
from organizations.domain.learner_records import ImportedLearner

CREATED, UPDATED, DISABLED, ENABLED = "CREATED", "UPDATED", "DISABLED", "ENABLED"
ADD_UPDATE, REPLACE = "ADD_UPDATE", "REPLACE"
MODES = (ADD_UPDATE, REPLACE)
# How a link was made (the learner reconciling themself, or an import carrying over the account the pupil's
# INE has in another school) and how it went (an admin unlinking it).
RECONCILIATION, IMPORT, ADMIN_UNLINK = "RECONCILIATION", "IMPORT", "ADMIN"

# What a file says about a learner; everything else (id, link to a user, dates) is ours.
IMPORTED_FIELDS = (
    "national_student_id", "first_name", "middle_name", "third_name", "last_name", "preferred_last_name", "sex",
    "birthdate", "birth_country_code", "birth_department_code", "birth_city_code", "birth_city", "status",
    "mef_code", "division", "student_number", "email", "department", "educational_team", "group", "diploma",
    "study_scheme",
)


@dataclass(eq=False)
class AccountLink:
    """One period during which an account was linked to a learner; kept after the link goes."""

    id: UUID
    organization_id: UUID
    learner_id: UUID
    user_id: UUID
    linked_at: datetime | None  # none: linked before links had a history (the learner's row tells no date)
    linked_by: UUID | None
    link_method: str
    unlinked_at: datetime | None = None
    unlinked_by: UUID | None = None
    unlink_method: str | None = None
    import_id: UUID | None = None  # the import that carried the link over (IMPORT)

    @property
    def current(self) -> bool:
        return self.unlinked_at is None


@dataclass(eq=False)
class OrganizationLearner:
    id: UUID
    organization_id: UUID
    first_name: str
    last_name: str
    birthdate: date
    created_at: datetime
    updated_at: datetime
    national_student_id: str | None = None
    middle_name: str | None = None
    third_name: str | None = None
    preferred_last_name: str | None = None
    sex: str | None = None
    birth_country_code: str | None = None
    birth_department_code: str | None = None
    birth_city_code: str | None = None
    birth_city: str | None = None
    status: str | None = None
    mef_code: str | None = None
    division: str | None = None
    student_number: str | None = None
    email: str | None = None
    department: str | None = None
    educational_team: str | None = None
    group: str | None = None
    diploma: str | None = None
    study_scheme: str | None = None
    user_id: UUID | None = None
    disabled_at: datetime | None = None
    version: int = 1
    links: list[AccountLink] = field(default_factory=list, repr=False)
    events: list = field(default_factory=list, repr=False)

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def first_names(self) -> tuple[str, ...]:
        return tuple(name for name in (self.first_name, self.middle_name, self.third_name) if name)

    def change(self, kind: str) -> LearnerChange:
        return LearnerChange(self.id, kind, self.version, self.first_name, self.last_name, self.preferred_last_name,
                             self.birthdate, self.national_student_id, self.student_number, self.division, self.group,
                             self.user_id, self.disabled)

    def link_to(self, user_id: UUID, now: datetime) -> None:
        """The account's owner found themself in the list (reconciliation)."""
        if self.user_id == user_id:
            return
        if self.user_id is not None:
            raise e.LearnerLinkedToAnotherAccount(
                "This learner is already linked to another account; ask your teacher to check.")
        self.user_id, self.updated_at = user_id, now
        self.version += 1
        self.links.append(AccountLink(uuid4(), self.organization_id, self.id, user_id, linked_at=now, linked_by=user_id,
                                      link_method=RECONCILIATION))
        self.events.append(LearnerLinked(self.id, self.organization_id, user_id, now, self.version))

    def unlink(self, *, by: UUID, now: datetime) -> None:
        """An admin takes the account off the learner: the account may reconcile again, and the learner's
        participations stay theirs (they name the learner, not the account)."""
        if self.user_id is None:
            raise e.LearnerNotLinked("This learner is not linked to an account.")
        link = self.current_link()
        if link is None:  # linked before links had a history: the period is recorded now, without its start
            link = AccountLink(uuid4(), self.organization_id, self.id, self.user_id, linked_at=None, linked_by=None,
                               link_method=RECONCILIATION)
            self.links.append(link)
        link.unlinked_at, link.unlinked_by, link.unlink_method = now, by, ADMIN_UNLINK
        user_id, self.user_id, self.updated_at = self.user_id, None, now
        self.version += 1
        self.events.append(LearnerUnlinked(self.id, self.organization_id, user_id, by, now, self.version))

    def current_link(self) -> AccountLink | None:
        return next((link for link in self.links if link.current and link.user_id == self.user_id), None)


@dataclass(frozen=True, slots=True)
class NewLearner:
    """A learner an import adds: a value until it is stored (tens of thousands at a time, kept light)."""

    id: UUID
    record: ImportedLearner
    key: str  # the record's import key, normalized
    key_field: str

    def values(self) -> dict[str, object]:
        values = {name: getattr(self.record, name) for name in IMPORTED_FIELDS}
        values[self.key_field] = self.key
        return values

    def change(self) -> LearnerChange:
        r = self.record
        key = {self.key_field: self.key}
        return LearnerChange(self.id, CREATED, 1, r.first_name, r.last_name, r.preferred_last_name, r.birthdate,
                             key.get("national_student_id", r.national_student_id),
                             key.get("student_number", r.student_number), r.division, r.group, None, False)


def import_key(organization_type: str) -> str:
    return "national_student_id" if organization_type == "SCO" else "student_number"


def key_of(value: str | None) -> str | None:
    return value.strip().upper() if value else None


@dataclass(frozen=True, slots=True)
class LearnerSnapshot:
    """A stored learner as an import compares it: its imported fields, in ``IMPORTED_FIELDS`` order."""

    id: UUID
    version: int
    disabled: bool
    user_id: UUID | None
    values: tuple


@dataclass(frozen=True, slots=True)
class LearnerUpdate:
    """What an import changes on one stored learner (the columns to set, and the fact to announce)."""

    id: UUID
    columns: dict[str, object]
    change: LearnerChange


@dataclass
class ImportPlan:
    created: list[NewLearner] = field(default_factory=list)
    updated: list[LearnerUpdate] = field(default_factory=list)
    disabled: list[LearnerUpdate] = field(default_factory=list)
    enabled: list[LearnerUpdate] = field(default_factory=list)
    unchanged: int = 0

    def changes(self) -> list[LearnerChange]:
        return ([learner.change() for learner in self.created]
                + [update.change for update in (*self.enabled, *self.updated, *self.disabled)])

    def updates(self) -> list[LearnerUpdate]:
        return [*self.enabled, *self.updated, *self.disabled]


def _change(snapshot: LearnerSnapshot, values: dict[str, object], kind: str, disabled: bool) -> LearnerChange:
    return LearnerChange(snapshot.id, kind, snapshot.version + 1, values["first_name"], values["last_name"],
                         values["preferred_last_name"], values["birthdate"], values["national_student_id"],
                         values["student_number"], values["division"], values["group"], snapshot.user_id, disabled)


def plan_import(*, existing: Iterable[LearnerSnapshot], records: Iterable[ImportedLearner], key: str,
                disable_missing: bool, now: datetime) -> ImportPlan:
    """What the file changes: new learners, changed ones, returning ones, and (if asked) those who left.

    Links to user accounts are kept: a learner matched to an account stays matched. The plan
    is computed on light snapshots; only what changes is written.
    """
    key_index = IMPORTED_FIELDS.index(key)
    by_key = {key_of(snapshot.values[key_index]): snapshot for snapshot in existing if snapshot.values[key_index]}
    plan, seen = ImportPlan(), set()
    for record in records:
        record_key = key_of(getattr(record, key))
        seen.add(record_key)
        snapshot = by_key.get(record_key)
        if snapshot is None:
            plan.created.append(NewLearner(uuid4(), record, record_key, key))
            continue
        values = {name: getattr(record, name) for name in IMPORTED_FIELDS}
        values[key] = record_key
        columns = {name: value for name, value, old in zip(IMPORTED_FIELDS, values.values(), snapshot.values, strict=True)
                   if value != old}
        if not columns and not snapshot.disabled:
            plan.unchanged += 1
            continue
        columns.update(updated_at=now, version=snapshot.version + 1)
        if snapshot.disabled:
            columns["disabled_at"] = None
            plan.enabled.append(LearnerUpdate(snapshot.id, columns, _change(snapshot, values, ENABLED, False)))
        else:
            plan.updated.append(LearnerUpdate(snapshot.id, columns, _change(snapshot, values, UPDATED, False)))
    if disable_missing:
        for snapshot_key, snapshot in by_key.items():
            if snapshot_key not in seen and not snapshot.disabled:
                values = dict(zip(IMPORTED_FIELDS, snapshot.values, strict=True))
                plan.disabled.append(LearnerUpdate(
                    snapshot.id, {"disabled_at": now, "updated_at": now, "version": snapshot.version + 1},
                    _change(snapshot, values, DISABLED, True)))
    return plan
