"""When a log-in may be tried: slow for whoever guesses, never a lock-out for the owner.

The rule, in plain words:

1. Failed log-ins are counted per account and per address, and remembered for 24 hours. A
   successful log-in forgets the failures of its address on that account; a new password (a
   reset by mail) forgets all of the account's.
2. An address with fewer than 5 failures on an account is never held back on that account: its
   password is checked. So the owner logs in from home, or from school, whatever someone does to
   the account from elsewhere; and a class behind one address, where pupils mistype, is held
   back nowhere: each pupil's typos count on their own account only.
3. From its 5th failure on an account, an address waits before each next try there: 1 minute
   after the 5th failure, then twice as long after each further one (2, 4, 8 minutes), at most
   15 minutes. The wait starts from the account's latest failure, from whichever address, and
   its length grows with the account's failures from every address: several addresses guessing
   one account together wait as one guesser would.
4. An account with 50 failures or more in the 24 hours is under a distributed attack: there, an
   address is held back from its first failure (a new address still has its password checked once).

What a held-back attempt costs: nothing is checked, so it reveals nothing and counts nothing;
the answer is 429 with the seconds to wait (Retry-After), whether the password was right or not.

What it gives a guesser: from one address, 5 guesses, then 1, 2, 4, 8 and 15 minutes apart, so
9 in the first 20 minutes, then 4 an hour, about 100 a day. With many addresses, no faster than
that once each address failed 5 times, plus those 5 first guesses per new address (1 once the
account is under attack). The password rules (no common password, 8 characters and more) and
the gateway's limits per address stand in front of that.

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
    """What the account's remembered failures say, for one address."""

    from_address: int  # failures on the account from this address
    on_account: int  # failures on the account from every address (this one included)
    latest: datetime | None  # the account's latest failure, from any address


def seconds_to_wait(history: FailureHistory, rule: LoginThrottle, now: datetime) -> int:
    """0 when the password may be checked now; otherwise the whole seconds to wait first."""
    allowance = 1 if history.on_account >= rule.siege_failures else rule.free_failures
    if history.from_address < allowance or history.latest is None:
        return 0
    doublings = max(history.on_account - rule.free_failures, 0)
    # 2 ** 20 minutes is far past the longest wait: no need for larger powers.
    wait = min(rule.first_wait * 2 ** min(doublings, 20), rule.longest_wait)
    left = (history.latest + wait - now).total_seconds()
    return math.ceil(left) if left > 0 else 0
