"""The log-in throttle's rule (identity/domain/login_throttle.py), figure by figure."""

from datetime import datetime, timedelta, timezone

import pytest

from identity.domain.login_throttle import FailureHistory, LoginThrottle, seconds_to_wait

RULE = LoginThrottle()
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def wait(from_address, on_account, ago=timedelta(0)):
    return seconds_to_wait(FailureHistory(from_address, on_account, NOW - ago if on_account else None), RULE, NOW)


def test_an_address_with_fewer_than_five_failures_is_never_held_back_whatever_the_account_went_through():
    assert wait(0, 0) == 0
    assert wait(4, 4) == 0  # the owner's own typos
    assert wait(0, 49) == 0 and wait(4, 49) == 0  # someone else hammered the account from elsewhere


@pytest.mark.parametrize("failures, seconds", [(5, 60), (6, 120), (7, 240), (8, 480), (9, 900), (12, 900),
                                               (40, 900)])
def test_from_the_fifth_failure_the_wait_doubles_from_one_minute_up_to_fifteen(failures, seconds):
    assert wait(failures, failures) == seconds


def test_the_wait_counts_from_the_accounts_latest_failure():
    assert wait(5, 5, ago=timedelta(seconds=45)) == 15
    assert wait(5, 5, ago=timedelta(seconds=60)) == 0
    assert wait(6, 6, ago=timedelta(minutes=5)) == 0


def test_several_addresses_guessing_together_wait_as_the_account_does():
    # This address failed 5 times, the account 20 times from several: the account's wait, not its own.
    assert wait(5, 20) == 900
    assert wait(5, 20, ago=timedelta(minutes=14)) == 60


def test_an_account_under_a_distributed_attack_holds_an_address_back_from_its_first_failure():
    assert wait(1, 50) == 900
    assert wait(0, 50) == 0  # a new address, the owner's for instance, is still checked once


def test_the_figures_are_settings():
    gentle = LoginThrottle(free_failures=10, first_wait=timedelta(seconds=10), longest_wait=timedelta(minutes=1))
    history = FailureHistory(10, 12, NOW)
    assert seconds_to_wait(history, gentle, NOW) == 40
    assert seconds_to_wait(FailureHistory(9, 9, NOW), gentle, NOW) == 0


def guesses_within(period):
    """The guesses a tireless guesser gets from one address in ``period``: each as soon as allowed."""
    moment, failures = NOW, []
    while moment < NOW + period:
        recent = [at for at in failures if at >= moment - RULE.memory]
        left = seconds_to_wait(FailureHistory(len(recent), len(recent), max(recent, default=None)), RULE, moment)
        if left:
            moment += timedelta(seconds=left)
            continue
        failures.append(moment)
    return len(failures)


def test_a_guesser_from_one_address_gets_about_a_hundred_guesses_a_day():
    """The README's figures."""
    assert guesses_within(timedelta(minutes=20)) == 9
    assert guesses_within(timedelta(hours=1)) == 11
    assert guesses_within(timedelta(hours=24)) == 103
