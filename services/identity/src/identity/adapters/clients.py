"""OAuth 2 clients in identity's database, and the failed client authentications per address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from identity.adapters.orm import oauth_client_failures
from identity.domain.clients import OAuthClient
from identity.service_layer.ports import AbstractOAuthClients


class SqlAlchemyOAuthClients(AbstractOAuthClients):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, client: OAuthClient) -> None:
        self.session.add(client)

    def get(self, client_id: str) -> OAuthClient | None:
        return self.session.get(OAuthClient, client_id)

    def all(self) -> list[OAuthClient]:
        return list(self.session.scalars(select(OAuthClient).order_by(OAuthClient.created_at, OAuthClient.client_id)))

    def failures_since(self, address: str, since: datetime) -> list[datetime]:
        f = oauth_client_failures
        return list(self.session.scalars(select(f.c.failed_at).where(f.c.address == address, f.c.failed_at > since)))

    def record_failure(self, address: str, now: datetime, forget_before: datetime) -> None:
        f = oauth_client_failures
        self.session.execute(delete(f).where(f.c.address == address, f.c.failed_at <= forget_before))
        self.session.execute(insert(f).values(address=address, failed_at=now))
