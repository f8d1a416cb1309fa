"""Hand-written fakes of identity's ports: the use cases run with no I/O at all."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from identity.domain.login_throttle import FailureHistory
from identity.domain.recovery import RecentRequests
from identity.domain.temporary_passwords import GivingContext
from identity.service_layer.ports import (
    AbstractAccountTokens,
    AbstractGarLinks,
    AbstractLoginFailures,
    AbstractMailRequests,
    AbstractMembershipReplica,
    AbstractRefreshTokenRepository,
    AbstractTemporaryPasswords,
    AbstractUsedAssertions,
    AbstractUserRepository,
    AccessTokenIssuer,
    PasswordHasher,
)
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from svckit.mail import Mailer
from svckit.testing import ManualClock
from svckit.uow import UniqueViolation


class FakeUsers(AbstractUserRepository):
    def __init__(self, track):
        self.rows, self.track = {}, track

    def add(self, user):
        self.rows[user.id] = self.track(user)

    def get(self, user_id):
        user = self.rows.get(user_id)
        return self.track(user) if user else None

    def get_by_email(self, email):
        return next((self.track(u) for u in self.rows.values() if u.email == email), None)

    def get_by_username(self, username):
        return next((self.track(u) for u in self.rows.values() if u.username and u.username.lower() == username), None)

    def usernames_from(self, base):
        return [u.username for u in self.rows.values() if u.username and u.username.lower().startswith(base)]


class FakeRefreshTokens(AbstractRefreshTokenRepository):
    def __init__(self):
        self.rows = []

    def add(self, token):
        self.rows.append(token)

    def get_by_hash(self, token_hash):
        return next((t for t in self.rows if t.token_hash == token_hash), None)

    def revoke_family(self, family_id, now):
        for token in self.rows:
            if token.family_id == family_id:
                token.revoke(now)

    def revoke_all(self, user_id, now):
        for token in self.rows:
            if token.user_id == user_id:
                token.revoke(now)


class FakeMailRequests(AbstractMailRequests):
    def __init__(self, track):
        self.rows, self.track = [], track

    def add(self, request):
        self.rows.append(self.track(request))

    def get(self, request_id):
        found = next((r for r in self.rows if r.id == request_id), None)
        return self.track(found) if found else None

    def recent(self, kind, since, *, email=None, address=None):
        hits = [r for r in self.rows if r.kind == kind and r.requested_at >= since
                and (r.email == email if email is not None else r.address == address)]
        mailed = [r.requested_at for r in hits if r.mailed]
        return RecentRequests(count=len(hits), mailed=len(mailed), oldest=min((r.requested_at for r in hits),
                                                                               default=None),
                              latest_mailed=max(mailed, default=None))

    def prune(self, before):
        self.rows = [r for r in self.rows if r.requested_at >= before]


class FakeAccountTokens(AbstractAccountTokens):
    def __init__(self):
        self.rows = []

    def add(self, token):
        self.rows.append(token)

    def get_by_hash(self, token_hash, *, lock=False):
        return next((t for t in self.rows if t.token_hash == token_hash), None)

    def spend_all(self, user_id, purpose, now):
        for token in self.rows:
            if token.user_id == user_id and token.purpose == purpose:
                token.spend(now)


class FakeLoginFailures(AbstractLoginFailures):
    def __init__(self):
        self.rows = []

    def history(self, email, address, since):
        hits = [(a, at) for e, a, at in self.rows if e == email and at >= since]
        latest = max((at for a, at in hits if a == address), default=None)
        return FailureHistory(from_address=sum(a == address for a, _ in hits),
                              on_account_then=sum(latest is not None and at <= latest for _, at in hits),
                              latest_from_address=latest)

    def record(self, email, address, now):
        self.rows.append((email, address, now))

    def forget(self, email, address=None):
        self.rows = [row for row in self.rows if not (row[0] == email and address in (None, row[1]))]

    def prune(self, before):
        self.rows = [row for row in self.rows if row[2] >= before]


class FakeGarLinks(AbstractGarLinks):
    def __init__(self):
        self.rows = {}

    def get(self, ido):
        return self.rows.get(ido)

    def of_user(self, user_id):
        return next((link for link in self.rows.values() if link.user_id == user_id), None)

    def add(self, link):
        self.rows[link.ido] = link


class FakeUsedAssertions(AbstractUsedAssertions):
    def __init__(self):
        self.rows = {}

    def use(self, assertion_id, expires_at):
        if assertion_id in self.rows:
            return False
        self.rows[assertion_id] = expires_at
        return True

    def prune(self, before):
        self.rows = {key: until for key, until in self.rows.items() if until >= before}


class FakeMembershipReplica(AbstractMembershipReplica):
    """organizations: {id: (type, archived, version)}; memberships: {id: dict}; learners: {id: (org, user, version)}."""

    def __init__(self):
        self.organizations, self.memberships, self.learners = {}, {}, {}

    def save_organization(self, organization_id, version, **values):
        if self.organizations.get(organization_id, {}).get("version", 0) < version:
            self.organizations[organization_id] = {"version": version, **values}

    def archive_organization(self, organization_id, version):
        known = self.organizations.get(organization_id)
        if known and known["version"] < version:
            known.update(archived=True, version=version)

    def save_membership(self, membership_id, version, **values):
        if self.memberships.get(membership_id, {}).get("version", 0) < version:
            self.memberships[membership_id] = {"version": version, **values}

    def save_learner_account(self, learner_id, version, organization_id, user_id):
        if self.learners.get(learner_id, (None, None, 0))[2] < version:
            self.learners[learner_id] = (organization_id, user_id, version)

    def giving_context(self, organization_id, learner_id, admin_id):
        organization = self.organizations.get(organization_id)
        role = next((m["role"] for m in self.memberships.values() if m["organization_id"] == organization_id
                     and m["user_id"] == admin_id and m["active"]), None)
        learner = self.learners.get(learner_id)
        return GivingContext(organization_type=organization["type"] if organization else None,
                             organization_archived=bool(organization and organization["archived"]),
                             admin_role=role,
                             linked_user_id=learner[1] if learner and learner[0] == organization_id else None)


class FakeTemporaryPasswords(AbstractTemporaryPasswords):
    def __init__(self):
        self.rows = []

    def add(self, given):
        self.rows.append(given)


class FakeUnitOfWork(IdentityUnitOfWork):
    def __init__(self):
        self.committed_events = []
        self.commits = 0
        self.seen = []
        self.users = FakeUsers(self.track)
        self.refresh_tokens = FakeRefreshTokens()
        self.login_failures = FakeLoginFailures()
        self.mail_requests = FakeMailRequests(self.track)
        self.account_tokens = FakeAccountTokens()
        self.gar_links = FakeGarLinks()
        self.used_assertions = FakeUsedAssertions()
        self.memberships = FakeMembershipReplica()
        self.temporary_passwords = FakeTemporaryPasswords()
        self.fail_next_commit_with = None
        self.open = False  # inside ``with uow``: a transaction (and a pooled connection) would be held

    def __enter__(self):
        self.seen = []
        self.users.track = self.mail_requests.track = self.track
        self.open = True
        return self

    def __exit__(self, *exc_info):
        self.open = False
        super().__exit__(*exc_info)

    def commit(self):
        if self.fail_next_commit_with:
            error, self.fail_next_commit_with = self.fail_next_commit_with, None
            raise error
        self.committed_events.extend(self.collect_events())
        self.commits += 1

    def rollback(self):
        pass

    def claim(self, handler, envelope):
        return True


class FakeHasher(PasswordHasher):
    """Reversible on purpose: the tests read what was hashed."""

    def __init__(self, outdated=()):
        self.outdated = set(outdated)
        self.verified = 0

    def hash(self, password):
        return f"hashed:{password}"

    def verify(self, password_hash, password):
        self.verified += 1
        return password_hash == f"hashed:{password}" or password_hash == f"old:{password}"

    def needs_rehash(self, password_hash):
        return password_hash.startswith("old:")


class FakeIssuer(AccessTokenIssuer):
    def issue(self, user, now):
        return f"access-for-{user.id}-at-{now.isoformat()}"


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
def hasher():
    return FakeHasher()


@pytest.fixture
def issuer():
    return FakeIssuer()


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))


@pytest.fixture
def unique_violation():
    return UniqueViolation("users_email_key")


class FakeMailer(Mailer):
    def __init__(self):
        self.sent = []

    def send(self, mail):
        self.sent.append(mail)


@pytest.fixture
def mailer():
    return FakeMailer()


class FakeKeys:
    """identity's signing keys (adapters/keys.py) held in memory: one RSA key, ``k1``."""

    def __init__(self):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def signing_key(self):
        return "k1", self.private

    def key_for(self, kid):
        if kid != "k1":
            raise LookupError(kid)
        return self.private.public_key()


@pytest.fixture(scope="session")
def keys():
    return FakeKeys()


@pytest.fixture
def arrivals(keys):
    from identity.adapters.arrivals import JwtArrivalTokens
    return JwtArrivalTokens(keys, issuer="skills-platform", audience="skills-platform")
