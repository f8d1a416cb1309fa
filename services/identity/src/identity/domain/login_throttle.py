"""When a log-in may be tried: slow for whoever guesses, never a lock-out for the owner.

The rule, in plain words:

1. Failed log-ins are counted per account and per address, and remembered for 24 hours. A
   successful log-in forgets the failures of its address on that account; a new password (a
   reset by mail) forgets all of the account's.
2. An address with fewer than 5 failures on an account is never held back on that account: its
   password is checked. So the owner logs in from home, or from school, whatever someone does to
   the account from elsewhere; and a class behind one address, where pupils mistype, is held
   back nowhere: each pupil's typos count on their own account only.
3. From its 5th failure on an account, an address waits before each next try there. The wait
   runs from this address's own latest failure, and its length grows with the account's failures
   from every address up to that failure: 1 minute when it was the account's 5th, then twice as
   long for each further one (2, 4, 8 minutes), at most 15 minutes. Several addresses guessing one
   account together each wait the longest after a few rounds; but a failure elsewhere never moves
   nor lengthens a wait already running: it only lengthens the waits of failures that come after it.
4. An account with 50 failures or more in the 24 hours (counted when the address failed) is under
   a distributed attack: there, an address is held back from its first failure, the longest wait.
   A new address still has its password checked once.
5. So an address's wait is set by its own latest failure, from what the account had been through
   until then, and nothing done elsewhere afterwards changes it: the owner who mistyped waits at
   most 15 minutes after their own latest typo, whatever anyone does from other addresses. (Until
   issue 16's review the wait ran from the account's latest failure from any address: someone
   failing elsewhere every 14 minutes kept an owner who had mistyped waiting for ever.)

What a held-back attempt costs: nothing is checked, so it reveals nothing and counts nothing;
the answer is 429 with the seconds to wait (Retry-After), whether the password was right or not.

What it gives a guesser: from one address, 5 guesses, then 1, 2, 4, 8 and 15 minutes apart, so
9 in the first 20 minutes, 11 in the first hour, about 100 a day. Each further address adds its 5
first guesses (1 once the account is under attack), then one every 15 minutes: 10 addresses get
80 guesses in the first hour and 1,000 a day, 100 addresses 440 and 9,640. That is the price of
rule 5: a limit shared by every address of an account is one anybody can keep the owner under.
(The earlier rule held 10 addresses to about 145 a day, and locked owners out.) The password rules
(no common password, 8 characters and more, mixed), the gateway's limits per address, and IPv6
counted per /64 network (a machine picks any address in its /64: one client) stand in front of that.

Why not refuse the account outright after 10 failures, as identity once did: anyone could then
lock a teacher or a pupil out for as long as they liked, from anywhere, and a school behind one
address was shut out entirely after 100 failures of its pupils. When someone keeps failing from
the owner's own address (a classmate on the school's network), the owner resets the password by
mail: that forgets every failure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginThrottle:
    memory: timedelta = timedelta(hours=24)
    free_failures: int = 5  # per account and address, before that address waits
    siege_failures: int = 50  # per account, all addresses: from there an address waits after 1 failure
    first_wait: timedelta = timedelta(minutes=1)
    longest_wait: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class FailureHistory:
    """One address's remembered failures on an account, and what the account had been through when
    the latest of them came: all its wait depends on (rule 5)."""

    from_address: int  # failures on the account from this address
    on_account_then: int  # failures on the account from every address up to this address's latest (included)
    latest_from_address: datetime | None  # this address's latest failure on the account: its wait runs from there


def seconds_to_wait(history: FailureHistory, rule: LoginThrottle, now: datetime) -> int:
    """0 when the password may be checked now; otherwise the whole seconds to wait first."""
    if history.latest_from_address is None:
        return 0
    allowance = 1 if history.on_account_then >= rule.siege_failures else rule.free_failures
    if history.from_address < allowance:
        return 0
    doublings = max(history.on_account_then - rule.free_failures, 0)
    # 2 ** 20 minutes is far past the longest wait: no need for larger powers.
    wait = min(rule.first_wait * 2 ** min(doublings, 20), rule.longest_wait)
    left = (history.latest_from_address + wait - now).total_seconds()
    return math.ceil(left) if left > 0 else 0
