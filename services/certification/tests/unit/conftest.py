"""Hand-written fakes of certification's ports: the use cases run on them with no I/O."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime

import pytest

from certification.service_layer.dependencies import Dependencies
from certification.service_layer.ports import (
    AbstractCandidates,
    AbstractCenters,
    AbstractFailures,
    AbstractInvigilators,
    AbstractLiveAlerts,
    AbstractReplicas,
    AbstractSessions,
    AbstractWindows,
)
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from svckit.testing import ManualClock


def _row(aggregate):
    """What a database keeps of an aggregate: a copy, without the events it recorded."""
    row = copy.deepcopy(aggregate)
    row.events = []
    return row


class _Store:
    """Aggregates kept as copies, as a database keeps rows: an unsaved change is lost."""

    def __init__(self, uow):
        self.uow, self.rows = uow, {}

    def add(self, aggregate):
        self.rows[aggregate.id] = _row(aggregate)
        self.uow.track(aggregate)

    def get(self, key):
        row = self.rows.get(key)
        return self.uow.track(copy.deepcopy(row)) if row is not None else None

    def save(self, aggregate):
        self.uow.pending[aggregate.id] = (self.rows, _row(aggregate))


class FakeCenters(_Store, AbstractCenters):
    def by_invitation(self, invitation_id):
        for center in self.rows.values():
            if any(i.id == invitation_id for i in center.invitations):
                return self.get(center.id)
        return None


class FakeWindows(AbstractWindows):
    def __init__(self):
        self.rows = []

    def add(self, window):
        self.rows.append(window)

    def all(self, lock=False):
        return list(self.rows)


class FakeSessions(_Store, AbstractSessions):
    number = 1000

    def next_number(self):
        FakeSessions.number += 1
        return FakeSessions.number

    def by_number(self, number):
        return next((self.get(s.id) for s in self.rows.values() if s.number == number), None)

    def record_first_start(self, session_id, at):
        row = self.rows[session_id]
        row.first_started_at = row.first_started_at or at


class FakeCandidates(_Store, AbstractCandidates):
    def of_session(self, session_id):
        return [self.get(c.id) for c in self.rows.values() if c.session_id == session_id]

    def by_course(self, course_id):
        return next((self.get(c.id) for c in self.rows.values() if c.course and c.course.id == course_id), None)

    def remove(self, candidate):
        del self.rows[candidate.id]


class FakeLiveAlerts(_Store, AbstractLiveAlerts):
    def record(self, alert):
        if alert.id in self.rows:
            return False
        self.add(alert)
        return True

    def _where(self, keep):
        return sorted((self.get(a.id) for a in self.rows.values() if keep(a)), key=lambda a: a.raised_at)

    def ongoing_of(self, candidate_id):
        found = self._where(lambda a: a.candidate_id == candidate_id and a.status == "ONGOING")
        return found[-1] if found else None

    def ongoing_of_session(self, session_id):
        return {a.candidate_id: a for a in self._where(lambda a: a.session_id == session_id and a.status == "ONGOING")}

    def validated_of(self, candidate_ids):
        ids, found = set(candidate_ids), {}
        for alert in self._where(lambda a: a.candidate_id in ids and a.status == "VALIDATED"):
            found.setdefault(alert.candidate_id, []).append(alert)
        return found


class FakeReplicas(AbstractReplicas):
    def __init__(self):
        self.admins, self.learners, self.accounts, self.profiles, self.emails = set(), {}, {}, {}, {}

    def save_organization(self, organization_id, version, **values):
        pass

    def archive_organization(self, organization_id, version):
        pass

    def save_membership(self, membership_id, version, **values):
        if values["role"] == "ADMIN" and values["active"]:
            self.admins.add((values["organization_id"], values["user_id"]))

    def is_organization_admin(self, organization_id, user_id):
        return (organization_id, user_id) in self.admins

    def save_learner(self, learner_id, version, **values):
        self.learners[learner_id] = {"id": learner_id, **values}

    def save_learner_account(self, learner_id, version, user_id):
        self.accounts[learner_id] = user_id

    def learners_of_division(self, organization_id, division):
        return [{**{k: learner[k] for k in ("id", "first_name", "last_name", "birthdate")},
                 "user_id": self.accounts.get(learner["id"])}
                for learner in self.learners.values()
                if learner["organization_id"] == organization_id and learner["division"] == division
                and not learner["disabled"]]

    def learner_account(self, learner_id):
        return self.accounts.get(learner_id)

    def divisions_of(self, learner_ids):
        return {i: self.learners[i].get("division") for i in learner_ids if i in self.learners}

    def save_profile(self, user_id, profile, as_of):
        self.profiles[user_id] = profile

    def profiles_of(self, user_ids):
        return {user_id: self.profiles[user_id] for user_id in user_ids if user_id in self.profiles}

    def save_verified_email(self, user_id, email, verified_at):
        self.emails[user_id] = email

    def verified_email(self, user_id):
        return self.emails.get(user_id)


class FakeFailures(AbstractFailures):
    def __init__(self):
        self.rows = []

    def serialize_account(self, user_id):
        pass

    def nth_latest(self, n, since, user_id):
        times = sorted((at for who, _, at in self.rows if who == user_id and at > since), reverse=True)
        return times[n - 1] if len(times) >= n else None

    def record(self, user_id, reason, at, forget_before):
        self.rows.append((user_id, reason, at))


class FakeInvigilators(AbstractInvigilators):
    def __init__(self):
        self.rows = set()

    def grant(self, session_id, user_id, at):
        self.rows.add((session_id, user_id))

    def may_invigilate(self, session_id, user_id):
        return (session_id, user_id) in self.rows


class FakeUnitOfWork(CertificationUnitOfWork):
    def __init__(self):
        self.published, self.commits, self.seen, self.pending = [], 0, [], {}
        self.announced: list[str] = []  # the live channels published after each commit, in order
        self.centers, self.sessions, self.candidates = FakeCenters(self), FakeSessions(self), FakeCandidates(self)
        self.windows, self.replicas, self.failures = FakeWindows(), FakeReplicas(), FakeFailures()
        self.invigilators, self.live_alerts = FakeInvigilators(), FakeLiveAlerts(self)
        self.touched_sessions, self.announcements = set(), set()  # a handler may be called without ``with``

    def touch_session(self, session_id):
        super().touch_session(session_id)  # announced at the next commit (``announced``)
        self.touched_sessions.add(session_id)

    def __enter__(self):
        super().__enter__()
        self.pending = {}
        return self

    def commit(self):
        for key, (rows, aggregate) in self.pending.items():
            rows[key] = aggregate
        self.pending = {}
        self.published.extend(self.collect_events())
        self.announced.extend(self.take_announcements())
        self.commits += 1

    def rollback(self):
        self.pending = {}
        self.announcements.clear()

    def claim(self, handler, envelope):
        return True


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
def clock():
    return ManualClock(NOW)


@pytest.fixture
def deps(uow, clock):
    return Dependencies(uow=lambda: uow, now=clock, new_id=uuid.uuid4)
