from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from identity.adapters.orm import (
    account_tokens,
    login_failures,
    mail_requests,
    refresh_tokens,
    used_saml_assertions,
    users,
)
from identity.domain.gar import GarLink
from identity.domain.login_throttle import FailureHistory
from identity.domain.model import User
from identity.domain.recovery import AccountToken, MailRequest, RecentRequests
from identity.domain.sessions import RefreshToken
from identity.domain.temporary_passwords import TemporaryPasswordGiven
from identity.service_layer.ports import (
    AbstractAccountTokens,
    AbstractGarLinks,
    AbstractLoginFailures,
    AbstractMailRequests,
    AbstractRefreshTokenRepository,
    AbstractTemporaryPasswords,
    AbstractUsedAssertions,
    AbstractUserRepository,
)


class SqlAlchemyUserRepository(AbstractUserRepository):
    def __init__(self, session: Session, track: Callable[[User], User]) -> None:
        self.session, self.track = session, track

    def add(self, user: User) -> None:
        self.session.add(user)
        self.track(user)

    def get(self, user_id: UUID) -> User | None:
        user = self.session.get(User, user_id)
        return self.track(user) if user is not None else None

    def get_by_email(self, email: str) -> User | None:
        user = self.session.scalars(select(User).where(User.email == email)).one_or_none()
        return self.track(user) if user is not None else None

    def get_by_username(self, username: str) -> User | None:
        user = self.session.scalars(select(User).where(func.lower(users.c.username) == username)).one_or_none()
        return self.track(user) if user is not None else None

    def usernames_from(self, base: str) -> list[str]:
        # A prefix match on the lower-case index: a base is letters, digits and a dot, no LIKE wildcard.
        return list(self.session.scalars(select(users.c.username)
                                         .where(func.lower(users.c.username).startswith(base, autoescape=True))))


class SqlAlchemyRefreshTokenRepository(AbstractRefreshTokenRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: RefreshToken) -> None:
        self.session.add(token)

    def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        # Locked: two refreshes racing with one token must not both succeed.
        return self.session.scalars(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
        ).one_or_none()

    def revoke_family(self, family_id: UUID, now: datetime) -> None:
        self.session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def revoke_all(self, user_id: UUID, now: datetime) -> None:
        self.session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )


class SqlAlchemyLoginFailures(AbstractLoginFailures):
    PRUNE_BATCH = 100  # old rows dropped per attempt: the table stays about a day of failures long

    def __init__(self, session: Session) -> None:
        self.session = session

    def history(self, email: str, address: str, since: datetime) -> FailureHistory:
        # A lock per account (known or not: failures are kept for any email typed), held until commit.
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"identity.login:{email}", 0))))
        remembered = (login_failures.c.email == email, login_failures.c.failed_at >= since)
        here = (select(func.count().label("failures"), func.max(login_failures.c.failed_at).label("latest"))
                .where(*remembered, login_failures.c.address == address).subquery())
        # What the account had been through when this address last failed: later failures elsewhere change nothing.
        until_then = (select(func.count()).where(*remembered, login_failures.c.failed_at <= here.c.latest)
                      .scalar_subquery())
        from_address, latest, on_account_then = self.session.execute(
            select(here.c.failures, here.c.latest, until_then)).one()
        return FailureHistory(from_address=from_address, on_account_then=on_account_then,
                              latest_from_address=latest)

    def record(self, email: str, address: str, now: datetime) -> None:
        self.session.execute(login_failures.insert().values(email=email, address=address, failed_at=now))

    def forget(self, email: str, address: str | None = None) -> None:
        statement = delete(login_failures).where(login_failures.c.email == email)
        if address is not None:
            statement = statement.where(login_failures.c.address == address)
        self.session.execute(statement)

    def prune(self, before: datetime) -> None:
        oldest = (select(login_failures.c.id).where(login_failures.c.failed_at < before)
                  .order_by(login_failures.c.failed_at).limit(self.PRUNE_BATCH).with_for_update(skip_locked=True))
        self.session.execute(delete(login_failures).where(login_failures.c.id.in_(oldest)))


class SqlAlchemyMailRequests(AbstractMailRequests):
    PRUNE_BATCH = 100

    def __init__(self, session: Session, track: Callable[[MailRequest], MailRequest]) -> None:
        self.session, self.track = session, track

    def add(self, request: MailRequest) -> None:
        self.session.add(request)
        self.track(request)

    def get(self, request_id: UUID) -> MailRequest | None:
        request = self.session.get(MailRequest, request_id)
        return self.track(request) if request is not None else None

    def recent(self, kind: str, since: datetime, *, email: str | None = None,
               address: str | None = None) -> RecentRequests:
        who = mail_requests.c.email == email if email is not None else mail_requests.c.address == address
        count, mailed, oldest, latest_mailed = self.session.execute(
            select(func.count(), func.count().filter(mail_requests.c.mailed), func.min(mail_requests.c.requested_at),
                   func.max(mail_requests.c.requested_at).filter(mail_requests.c.mailed))
            .where(who, mail_requests.c.kind == kind, mail_requests.c.requested_at >= since)
        ).one()
        return RecentRequests(count=count, mailed=mailed, oldest=oldest, latest_mailed=latest_mailed)

    def prune(self, before: datetime) -> None:
        oldest = (select(mail_requests.c.id).where(mail_requests.c.requested_at < before)
                  .order_by(mail_requests.c.requested_at).limit(self.PRUNE_BATCH).with_for_update(skip_locked=True))
        self.session.execute(delete(mail_requests).where(mail_requests.c.id.in_(oldest)))


class SqlAlchemyAccountTokens(AbstractAccountTokens):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: AccountToken) -> None:
        self.session.add(token)

    def get_by_hash(self, token_hash: str, *, lock: bool = False) -> AccountToken | None:
        query = select(AccountToken).where(AccountToken.token_hash == token_hash)
        return self.session.scalars(query.with_for_update() if lock else query).one_or_none()

    def spend_all(self, user_id: UUID, purpose: str, now: datetime) -> None:
        self.session.execute(
            update(account_tokens)
            .where(account_tokens.c.user_id == user_id, account_tokens.c.purpose == purpose,
                   account_tokens.c.used_at.is_(None))
            .values(used_at=now)
        )


class SqlAlchemyGarLinks(AbstractGarLinks):
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, ido: str) -> GarLink | None:
        return self.session.get(GarLink, ido)

    def of_user(self, user_id: UUID) -> GarLink | None:
        return self.session.scalars(select(GarLink).where(GarLink.user_id == user_id)).one_or_none()

    def add(self, link: GarLink) -> None:
        # The account it links may be new in this transaction: written first (no ORM relationship orders them).
        self.session.flush()
        self.session.add(link)


class SqlAlchemyUsedAssertions(AbstractUsedAssertions):
    PRUNE_BATCH = 100

    def __init__(self, session: Session) -> None:
        self.session = session

    def use(self, assertion_id: str, expires_at: datetime) -> bool:
        # Two arrivals racing with one assertion: the second insert waits for the first's commit, then finds it.
        written = self.session.execute(
            insert(used_saml_assertions).values(assertion_id=assertion_id, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=["assertion_id"]).returning(used_saml_assertions.c.assertion_id)
        ).first()
        return written is not None

    def prune(self, before: datetime) -> None:
        oldest = (select(used_saml_assertions.c.assertion_id).where(used_saml_assertions.c.expires_at < before)
                  .order_by(used_saml_assertions.c.expires_at).limit(self.PRUNE_BATCH)
                  .with_for_update(skip_locked=True))
        self.session.execute(delete(used_saml_assertions).where(used_saml_assertions.c.assertion_id.in_(oldest)))


class SqlAlchemyTemporaryPasswords(AbstractTemporaryPasswords):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, given: TemporaryPasswordGiven) -> None:
        self.session.add(given)
