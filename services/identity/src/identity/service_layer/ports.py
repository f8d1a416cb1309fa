"""The ports the use cases need; adapters implement them, unit tests fake them."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from identity.domain.clients import OAuthClient
from identity.domain.gar import GarIdentity, GarLink
from identity.domain.login_throttle import FailureHistory
from identity.domain.model import User
from identity.domain.recovery import AccountToken, MailRequest, RecentRequests
from identity.domain.sessions import RefreshToken
from identity.domain.temporary_passwords import GivingContext, TemporaryPasswordGiven


class AbstractUserRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, user: User) -> None: ...

    @abc.abstractmethod
    def get(self, user_id: UUID) -> User | None: ...

    @abc.abstractmethod
    def get_by_email(self, email: str) -> User | None: ...

    @abc.abstractmethod
    def get_by_username(self, username: str) -> User | None:
        """The account with this username, case apart (``username`` is normalized: domain/usernames.py)."""

    @abc.abstractmethod
    def usernames_from(self, base: str) -> list[str]:
        """The usernames taken that start with ``base`` (domain/usernames.py, rule 2)."""


class AbstractRefreshTokenRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, token: RefreshToken) -> None: ...

    @abc.abstractmethod
    def get_by_hash(self, token_hash: str) -> RefreshToken | None: ...

    @abc.abstractmethod
    def revoke_family(self, family_id: UUID, now: datetime) -> None: ...

    @abc.abstractmethod
    def revoke_all(self, user_id: UUID, now: datetime) -> None:
        """End every session of the account."""


class AbstractMailRequests(abc.ABC):
    """Requests for reset and verification mails, kept a day to count them (domain/recovery.py)."""

    @abc.abstractmethod
    def add(self, request: MailRequest) -> None: ...

    @abc.abstractmethod
    def get(self, request_id: UUID) -> MailRequest | None: ...

    @abc.abstractmethod
    def recent(self, kind: str, since: datetime, *, email: str | None = None,
               address: str | None = None) -> RecentRequests:
        """The requests of ``kind`` at or after ``since``, for the email or the client address."""

    @abc.abstractmethod
    def prune(self, before: datetime) -> None:
        """Drop some requests older than ``before`` (a bounded batch)."""


class AbstractAccountTokens(abc.ABC):
    @abc.abstractmethod
    def add(self, token: AccountToken) -> None: ...

    @abc.abstractmethod
    def get_by_hash(self, token_hash: str, *, lock: bool = False) -> AccountToken | None:
        """``lock``: held until commit, so that a link is spent once even when followed twice at once."""

    @abc.abstractmethod
    def spend_all(self, user_id: UUID, purpose: str, now: datetime) -> None: ...


class AbstractLoginFailures(abc.ABC):
    """Failed log-ins per account (its email, known or not) and address (domain/login_throttle.py)."""

    @abc.abstractmethod
    def history(self, email: str, address: str, since: datetime) -> FailureHistory:
        """The account's failures at or after ``since``, seen from ``address``. The account's failures
        stay locked until the transaction ends: two attempts at once are counted one after the other."""

    @abc.abstractmethod
    def record(self, email: str, address: str, now: datetime) -> None: ...

    @abc.abstractmethod
    def forget(self, email: str, address: str | None = None) -> None:
        """Forget the account's failures from ``address``, or from everywhere."""

    @abc.abstractmethod
    def prune(self, before: datetime) -> None:
        """Drop some failures older than ``before`` (a bounded batch: called at each attempt)."""


class AbstractMembershipReplica(abc.ABC):
    """organizations' organizations, memberships and learners' accounts, as far as /api/users/me and the temporary
    passwords (domain/temporary_passwords.py) need them."""

    @abc.abstractmethod
    def save_organization(self, organization_id: UUID, version: int, **values: object) -> None: ...

    @abc.abstractmethod
    def archive_organization(self, organization_id: UUID, version: int) -> None: ...

    @abc.abstractmethod
    def save_membership(self, membership_id: UUID, version: int, **values: object) -> None: ...

    @abc.abstractmethod
    def save_learner_account(self, learner_id: UUID, version: int, organization_id: UUID,
                             user_id: UUID | None) -> None:
        """The account linked to the learner as of the learner's ``version`` (None: unlinked)."""

    @abc.abstractmethod
    def giving_context(self, organization_id: UUID, learner_id: UUID, admin_id: UUID) -> GivingContext:
        """The organization's type, the admin's active role in it, the account linked to the learner in it."""


class AbstractTemporaryPasswords(abc.ABC):
    """Who gave which account a temporary password (domain/temporary_passwords.py, rule 5)."""

    @abc.abstractmethod
    def add(self, given: TemporaryPasswordGiven) -> None: ...


class PasswordHasher(abc.ABC):
    @abc.abstractmethod
    def hash(self, password: str) -> str: ...

    @abc.abstractmethod
    def verify(self, password_hash: str, password: str) -> bool: ...

    @abc.abstractmethod
    def needs_rehash(self, password_hash: str) -> bool: ...


class AccessTokenIssuer(abc.ABC):
    @abc.abstractmethod
    def issue(self, user: User, now: datetime) -> str: ...


@dataclass(frozen=True)
class TokenPolicy:
    access_ttl_seconds: int = 900
    refresh_ttl_seconds: int = 30 * 24 * 3600


class AbstractGarLinks(abc.ABC):
    """Which account each GAR identity signs in (domain/gar.py, rule 3)."""

    @abc.abstractmethod
    def get(self, ido: str) -> GarLink | None: ...

    @abc.abstractmethod
    def of_user(self, user_id: UUID) -> GarLink | None: ...

    @abc.abstractmethod
    def add(self, link: GarLink) -> None: ...


class AbstractUsedAssertions(abc.ABC):
    """The SAML assertions already used, each kept until it expires (domain/gar.py, rule 2)."""

    @abc.abstractmethod
    def use(self, assertion_id: str, expires_at: datetime) -> bool:
        """Write the id down; False when it was already there (a replay)."""

    @abc.abstractmethod
    def prune(self, before: datetime) -> None:
        """Drop some ids that expired before ``before`` (a bounded batch)."""


class ArrivalTokens(abc.ABC):
    """A short-lived token carrying what the GAR said of a pupil not linked yet (domain/gar.py, rule 4)."""

    @abc.abstractmethod
    def issue(self, identity: GarIdentity, now: datetime) -> str: ...

    @abc.abstractmethod
    def read(self, token: str, now: datetime) -> GarIdentity:
        """The identity, or InvalidArrival when the token is not ours, was altered or has expired."""


class AbstractOAuthClients(abc.ABC):
    """The OAuth 2 clients (domain/clients.py) and the failed client authentications per address."""

    @abc.abstractmethod
    def add(self, client: OAuthClient) -> None: ...

    @abc.abstractmethod
    def get(self, client_id: str) -> OAuthClient | None: ...

    @abc.abstractmethod
    def all(self) -> list[OAuthClient]: ...

    @abc.abstractmethod
    def failures_since(self, address: str, since: datetime) -> list[datetime]: ...

    @abc.abstractmethod
    def record_failure(self, address: str, now: datetime, forget_before: datetime) -> None:
        """Count a failure, and forget this address's failures older than ``forget_before``."""


class ClientSecrets(abc.ABC):
    """Draws client ids and secrets, and keeps a secret as a hash it checks in constant time."""

    @abc.abstractmethod
    def new_client_id(self, academy: str) -> str: ...

    @abc.abstractmethod
    def new_secret(self) -> str: ...

    @abc.abstractmethod
    def hash(self, secret: str) -> str: ...

    @abc.abstractmethod
    def matches(self, secret: str, secret_hash: str) -> bool: ...


class ClientTokenIssuer(abc.ABC):
    @abc.abstractmethod
    def issue_for_client(self, client: OAuthClient, scopes: tuple[str, ...], now: datetime) -> str: ...
