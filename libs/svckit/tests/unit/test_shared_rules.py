"""The stdlib-only rules domains share: typed names, limits on failed attempts."""

from datetime import UTC, datetime, timedelta

import pytest

from svckit.names import normalize_name
from svckit.throttling import Limit

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "normalized"), [
    ("Jean-Noël D'Arc", "jeannoeldarc"), ("  ZOÉ ", "zoe"), ("Œdipe", "oedipe"), ("Łukasz", "lukasz"),
    ("Lætitia", "laetitia"), ("Nguyễn", "nguyen"), ("--", ""),
])
def test_a_name_is_compared_without_case_accents_spaces_or_punctuation(typed, normalized):
    assert normalize_name(typed) == normalized


def test_a_limit_says_how_long_until_its_oldest_counted_failure_leaves_the_window():
    limit = Limit(5, timedelta(minutes=10))
    assert limit.retry_after(None, NOW) is None
    assert limit.retry_after(NOW - timedelta(minutes=4), NOW) == 360
    assert limit.retry_after(NOW - timedelta(minutes=10), NOW) == 1  # never 0: the caller waits at least a second
