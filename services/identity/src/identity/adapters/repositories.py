from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from identity.adapters.orm import login_failures, refresh_tokens
from identity.domain.model import User
from identity.domain.sessions import RefreshToken
from identity.service_layer.ports import AbstractLoginFailures, AbstractRefreshTokenRepository, AbstractUserRepository


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


class SqlAlchemyLoginFailures(AbstractLoginFailures):
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, email: str, address: str, now: datetime) -> None:
        self.session.execute(login_failures.insert().values(email=email, address=address, failed_at=now))

    def since(self, moment: datetime, *, email: str | None = None, address: str | None = None) -> tuple[int, datetime | None]:
        column = login_failures.c.email if email is not None else login_failures.c.address
        count, oldest = self.session.execute(
            select(func.count(), func.min(login_failures.c.failed_at))
            .where(column == (email if email is not None else address), login_failures.c.failed_at >= moment)
        ).one()
        return count, oldest

    def clear(self, email: str) -> None:
        self.session.execute(delete(login_failures).where(login_failures.c.email == email))

    def prune(self, before: datetime) -> int:
        return self.session.execute(delete(login_failures).where(login_failures.c.failed_at < before)).rowcount
