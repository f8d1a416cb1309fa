"""The log-in throttle's rule (identity/domain/login_throttle.py), figure by figure."""

from datetime import datetime, timedelta, timezone

import pytest

from identity.domain.login_throttle import FailureHistory, LoginThrottle, seconds_to_wait

RULE = LoginThrottle()
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def wait(from_address, on_account_then, ago=timedelta(0)):
    return seconds_to_wait(FailureHistory(from_address, on_account_then, NOW - ago if from_address else None), RULE,
                           NOW)


def test_an_address_with_fewer_than_five_failures_is_never_held_back_whatever_the_account_went_through():
    assert wait(0, 0) == 0
    assert wait(4, 4) == 0  # the owner's own typos
    assert wait(0, 49) == 0 and wait(4, 49) == 0  # someone else hammered the account from elsewhere


@pytest.mark.parametrize("failures, seconds", [(5, 60), (6, 120), (7, 240), (8, 480), (9, 900), (12, 900),
                                               (40, 900)])
def test_from_the_fifth_failure_the_wait_doubles_from_one_minute_up_to_fifteen(failures, seconds):
    assert wait(failures, failures) == seconds


def test_the_wait_counts_from_this_addresss_own_latest_failure():
    assert wait(5, 5, ago=timedelta(seconds=45)) == 15
    assert wait(5, 5, ago=timedelta(seconds=60)) == 0
    assert wait(6, 6, ago=timedelta(minutes=5)) == 0


def test_several_addresses_guessing_together_make_each_others_next_waits_longer():
    # This address failed 5 times, after 15 failures of the account from elsewhere: the longest wait.
    assert wait(5, 20) == 900
    assert wait(5, 20, ago=timedelta(minutes=14)) == 60


def test_an_account_under_a_distributed_attack_holds_an_address_back_from_its_first_failure():
    assert wait(1, 50) == 900
    assert wait(0, 50) == 0  # a new address, the owner's for instance, is still checked once
    assert wait(1, 49) == 0  # its one failure came before the attack: it is not held back for it


def test_the_figures_are_settings():
    gentle = LoginThrottle(free_failures=10, first_wait=timedelta(seconds=10), longest_wait=timedelta(minutes=1))
    history = FailureHistory(10, 12, NOW)
    assert seconds_to_wait(history, gentle, NOW) == 40
    assert seconds_to_wait(FailureHistory(9, 9, NOW), gentle, NOW) == 0


class Account:
    """One account's failures as the repository reads them, kept up to date as they come (none older than a
    day here: the tests below last a day at most)."""

    def __init__(self):
        self.total, self.addresses = 0, {}  # address -> [failures, account's failures until its latest, latest]

    def fail(self, address, moment):
        self.total += 1
        for state in self.addresses.values():
            if state[2] == moment:  # the repository counts failures of the same moment as "until then"
                state[1] += 1
        state = self.addresses.setdefault(address, [0, 0, None])
        state[0], state[1], state[2] = state[0] + 1, self.total, moment

    def wait(self, address, moment):
        failures, then, latest = self.addresses.get(address, (0, 0, None))
        return seconds_to_wait(FailureHistory(failures, then, latest), RULE, moment)


def test_failures_from_elsewhere_never_lengthen_nor_restart_a_running_wait():
    account, owner = Account(), "203.0.113.10"
    for _ in range(5):  # the owner's typos: a minute to wait
        account.fail(owner, NOW)
    for second in range(1, 60):  # someone fails from elsewhere every second of that minute
        account.fail(f"198.51.100.{second}", NOW + timedelta(seconds=second))
        assert account.wait(owner, NOW + timedelta(seconds=second)) == 60 - second
    assert account.wait(owner, NOW + timedelta(seconds=60)) == 0


def test_the_owner_with_a_few_typos_is_checked_after_its_own_wait_whatever_an_attacker_does():
    """The reviewer's siege: ten addresses spend their free guesses, then one failure every 14 minutes."""
    account, owner = Account(), "203.0.113.10"
    for n in range(50):
        account.fail(f"198.51.100.{n % 10}", NOW)
    typo = NOW + timedelta(minutes=1)
    account.fail(owner, typo)
    assert account.wait(owner, typo) == 900
    for round_ in range(1, 30):  # seven hours of it
        moment = typo + timedelta(minutes=14 * round_)
        account.fail(f"192.0.2.{round_}", moment)
        assert account.wait(owner, moment) == (60 if round_ == 1 else 0)  # 15 minutes after its typo, never more


def guesses_within(period, addresses=1):
    """The guesses a tireless guesser gets with ``addresses`` in ``period``: each as soon as one is allowed."""
    account, moment, names = Account(), NOW, [f"198.51.100.{n}" for n in range(addresses)]
    while moment < NOW + period:
        waits = {name: account.wait(name, moment) for name in names}
        ready = [name for name, left in waits.items() if not left]
        if not ready:
            moment += timedelta(seconds=min(waits.values()))
            continue
        account.fail(ready[0], moment)
    return account.total


def test_a_guesser_from_one_address_gets_about_a_hundred_guesses_a_day():
    """The module's and the README's figures."""
    assert guesses_within(timedelta(minutes=20)) == 9
    assert guesses_within(timedelta(hours=1)) == 11
    assert guesses_within(timedelta(hours=24)) == 103


@pytest.mark.parametrize("addresses, first_hour, day", [(10, 80, 1_000), (100, 440, 9_640)])
def test_each_further_address_adds_its_first_guesses_then_one_every_fifteen_minutes(addresses, first_hour, day):
    """The module's and the README's figures: the price of never letting one address's failures hold another."""
    assert guesses_within(timedelta(hours=1), addresses) == first_hour
    assert guesses_within(timedelta(hours=24), addresses) == day
