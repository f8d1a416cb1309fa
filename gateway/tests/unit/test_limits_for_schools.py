"""The default limits let a school behind one address start a session, as gateway/README.md says.

A whole school often reaches the platform from one address (its academy's proxy). The per-address
limits (log-in, refresh, sign-up, and the general one for requests without a token) must let
1,000 pupils of one school start within 10 minutes, and a class of 35 log in within one minute.
What one pupil's start costs, per address (the learners' face, web/src/learner):

- the public campaign page, before logging in: on the home page (the code typed) and on the
  landing page: 2 requests without a token (after logging in, the same page is asked with the
  token and counts against the pupil's account);
- log-in: 1, and we allow one more for a mistyped password: 2;
- sign-up on a first visit: 1, and one more for a refused form (a weak password): 2;
- refresh: none in the first 15 minutes (an access token lasts 15 minutes); pupils already at
  work refresh once every 15 minutes each.

Each of these allowances keeps a fifth in reserve (``SLACK``) over what the school needs: a few
pupils more, a few more typos, and nobody is sent to wait. Log-ins and sign-ups each cost identity
one argon2id hash: together they stay about one identity api's capacity (8.6 log-ins a second,
deploy/CAPACITY.md), which is what an address may cost it. Asking for a password reset link costs
no hash: it has its own group, roomy enough for a class asking at once (identity itself limits
the mails per address).

Fixed windows of one minute: a burst above a minute's allowance waits for the next minute
(Retry-After), so over 10 minutes an address has 10 windows' allowance.
"""

from limits import parse

from gateway.config import Settings
from gateway.routes import ADDRESS_GROUPS, CERTIFICATE_CHECK, LOGIN, REFRESH, RESET_REQUEST, SIGNUP, RoutingTable

PUPILS, MINUTES, CLASS = 1000, 10, 35
PER_PUPIL = {"public": 2, LOGIN: 2, SIGNUP: 2}
TOKEN_MINUTES = 15
SLACK = 1.2  # every allowance a school needs, and a fifth more
ARGON2_LOGINS_PER_SECOND = 8.6  # one identity api (deploy/CAPACITY.md, bench/capacity.py)


def per_minute(value: str) -> float:
    limit = parse(value)
    return limit.amount * 60 / limit.get_expiry()


def test_a_school_of_1000_pupils_behind_one_address_starts_within_10_minutes():
    settings = Settings.from_env({})
    allowance = {"public": per_minute(settings.ratelimit_address),
                 **{group: per_minute(settings.ratelimit_groups[group]) for group in (LOGIN, SIGNUP)}}
    for bucket, cost in PER_PUPIL.items():
        assert allowance[bucket] * MINUTES >= SLACK * PUPILS * cost, bucket


def test_a_class_logs_in_within_one_minute_and_a_working_school_keeps_refreshing():
    settings = Settings.from_env({})
    assert per_minute(settings.ratelimit_groups[LOGIN]) >= SLACK * CLASS * PER_PUPIL[LOGIN]
    assert per_minute(settings.ratelimit_groups[SIGNUP]) >= SLACK * CLASS * PER_PUPIL[SIGNUP]
    # 1,000 pupils at work each refresh once per token lifetime; the refresh allowance is more than 4 times that
    assert per_minute(settings.ratelimit_groups[REFRESH]) >= 4 * PUPILS / TOKEN_MINUTES


def test_a_learner_answering_fast_and_a_teacher_following_a_class_stay_under_half_the_account_limit():
    settings = Settings.from_env({})
    # a learner answering every 2 seconds: the question, the answer, the checkpoint every fifth
    learner = 30 * (2 + 1 / 5)
    # a teacher's live activity page: 3 requests every 4 seconds (web/src/orga/pages/campaign/Activity.jsx),
    # plus a page of 5 requests opened every 10 seconds
    teacher = 15 * 3 + 6 * 5
    assert per_minute(settings.ratelimit_account) >= 2 * max(learner, teacher)


def test_log_ins_and_sign_ups_from_one_address_cost_about_one_identity_api():
    settings = Settings.from_env({})
    hashes = per_minute(settings.ratelimit_groups[LOGIN]) + per_minute(settings.ratelimit_groups[SIGNUP])
    assert hashes / 60 <= 1.05 * ARGON2_LOGINS_PER_SECOND


def test_asking_for_a_reset_link_has_its_own_group_which_a_class_asking_at_once_fits():
    table = RoutingTable()
    assert table.route_for("POST", "/api/password-reset-requests").limit_group == RESET_REQUEST
    assert table.route_for("POST", "/api/users").limit_group == SIGNUP
    assert RESET_REQUEST in ADDRESS_GROUPS  # per address, and in no other bucket
    assert per_minute(Settings.from_env({}).ratelimit_groups[RESET_REQUEST]) >= SLACK * CLASS


def test_checking_a_certificate_by_its_code_needs_no_token_and_counts_per_address_in_its_own_group():
    table = RoutingTable()
    route = table.route_for("POST", "/api/certificate-verifications")
    assert (route.token, route.limit_group, route.service) == (False, CERTIFICATE_CHECK, "certification")
    assert CERTIFICATE_CHECK in ADDRESS_GROUPS
    assert table.route_for("GET", "/api/certificates").token  # one's own certificates need the account
    assert table.route_for("POST", "/api/admin/certification-sessions/x/publication").token
