"""A learner's links to accounts: each kept in its history, unlinked by an admin; and the limits on failures."""

from datetime import date, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from organizations.domain import exceptions as e
from organizations.domain.events import LearnerLinked, LearnerUnlinked
from organizations.domain.learners import ADMIN_UNLINK, RECONCILIATION, AccountLink, OrganizationLearner
from organizations.domain.reconciliation_limits import Limit, ReconciliationLimits

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
ORG = uuid4()


def a_learner(**overrides) -> OrganizationLearner:
    return OrganizationLearner(id=uuid4(), organization_id=ORG, first_name="Zoé", last_name="Martin",
                               birthdate=date(2012, 3, 4), created_at=NOW, updated_at=NOW, **overrides)


def test_a_reconciliation_links_the_account_and_records_when_and_how():
    learner, account = a_learner(), uuid4()
    learner.link_to(account, NOW)
    assert learner.user_id == account and learner.version == 2
    [link] = learner.links
    assert (link.user_id, link.linked_at, link.linked_by, link.link_method, link.current) == (
        account, NOW, account, RECONCILIATION, True)
    assert learner.events == [LearnerLinked(learner.id, ORG, account, NOW, 2)]


def test_linking_the_same_account_again_changes_nothing_and_another_account_is_refused():
    learner, account = a_learner(), uuid4()
    learner.link_to(account, NOW)
    learner.link_to(account, NOW + timedelta(days=1))
    assert (len(learner.links), learner.version, len(learner.events)) == (1, 2, 1)
    with pytest.raises(e.LearnerLinkedToAnotherAccount):
        learner.link_to(uuid4(), NOW)


def test_an_admin_unlinks_the_account_the_period_stays_in_the_history_and_the_place_is_free_again():
    learner, impostor, pupil, admin = a_learner(), uuid4(), uuid4(), uuid4()
    learner.link_to(impostor, NOW)
    later = NOW + timedelta(days=2)
    learner.unlink(by=admin, now=later)
    assert (learner.user_id, learner.version, learner.current_link()) == (None, 3, None)
    [link] = learner.links
    assert (link.user_id, link.linked_at, link.unlinked_at, link.unlinked_by, link.unlink_method, link.current) == (
        impostor, NOW, later, admin, ADMIN_UNLINK, False)
    assert learner.events[-1] == LearnerUnlinked(learner.id, ORG, impostor, admin, later, 3)

    learner.link_to(pupil, later)
    assert [(link.user_id, link.current) for link in learner.links] == [(impostor, False), (pupil, True)]
    assert learner.version == 4


def test_a_learner_without_an_account_cannot_be_unlinked():
    with pytest.raises(e.LearnerNotLinked):
        a_learner().unlink(by=uuid4(), now=NOW)


def test_a_link_made_before_links_had_a_history_is_closed_with_an_unknown_start():
    account, admin = uuid4(), uuid4()
    learner = a_learner(user_id=account, version=5)
    learner.unlink(by=admin, now=NOW)
    [link] = learner.links
    assert (link.user_id, link.linked_at, link.unlinked_by) == (account, None, admin)
    assert learner.events == [LearnerUnlinked(learner.id, ORG, account, admin, NOW, 6)]


def test_a_backfilled_link_is_the_one_an_unlink_closes():
    account = uuid4()
    learner = a_learner(user_id=account)
    learner.links.append(AccountLink(uuid4(), ORG, learner.id, account, None, None, RECONCILIATION))
    learner.unlink(by=uuid4(), now=NOW)
    assert len(learner.links) == 1 and learner.links[0].unlinked_at == NOW


def test_a_limit_waits_until_its_oldest_counted_failure_leaves_the_window():
    limit = Limit(5, timedelta(minutes=10))
    assert limit.retry_after(None, NOW) is None  # fewer than five failures
    assert limit.retry_after(NOW - timedelta(minutes=4), NOW) == 360
    assert limit.retry_after(NOW - timedelta(seconds=599, microseconds=500_000), NOW) == 1  # never 0


def waits(limits, failures, now):
    """What each limit says, given the failures counted in its scope (as the repository's nth_latest reads them)."""
    def nth_latest(limit):
        recent = sorted((at for at in failures if at > now - limit.window), reverse=True)
        return recent[limit.failures - 1] if len(recent) >= limit.failures else None
    return [limit.retry_after(nth_latest(limit), now) for limit in limits]


def test_three_classes_whose_every_pupil_fails_four_times_in_the_same_ten_minutes_are_never_refused():
    limits = ReconciliationLimits()
    pupils = [[NOW + timedelta(seconds=pupil + 100 * attempt) for attempt in range(4)] for pupil in range(3 * 35)]
    end = NOW + timedelta(minutes=9)
    assert all(waits(limits.per_account, failures, end) == [None, None] for failures in pupils)
    assert waits(limits.per_organization, [at for failures in pupils for at in failures], end) == [None]


def test_one_account_trying_names_is_stopped_at_its_sixth_try_and_at_its_twenty_first_of_the_day():
    limits = ReconciliationLimits()
    quick = [NOW + timedelta(seconds=second) for second in range(5)]
    assert waits(limits.per_account, quick, NOW + timedelta(seconds=5)) == [595, None]
    patient = [NOW + timedelta(minutes=3 * attempt) for attempt in range(20)]
    after = NOW + timedelta(hours=1)
    assert waits(limits.per_account, patient, after) == [None, 23 * 3600]
    assert limits.horizon == timedelta(hours=24)
