"""The part of a service's composition root that is the same in every service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import Engine, Table
from sqlalchemy.orm import Session, sessionmaker

from msgkit import Consumer, OutboxRelay, Subscription, prune_inbox
from svckit.config import CommonSettings
from svckit.db import create_db_engine, database_ready


@dataclass
class BaseRuntime:
    common: CommonSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    outbox: Table
    inbox: Table
    # Whether the service publishes events: one that does not runs no relay (reporting).
    publishes: ClassVar[bool] = True

    @staticmethod
    def connect(common: CommonSettings, options: str | None = None) -> tuple[Engine, sessionmaker[Session]]:
        engine = create_db_engine(common.database_url, pool_size=common.db_pool_size, application_name=common.service,
                                  options=options, timeouts=common.db_timeouts)
        return engine, sessionmaker(bind=engine, expire_on_commit=False)

    def subscriptions(self) -> list[Subscription]:
        """What the service consumes; services with a consumer override this."""
        return []

    def make_relay(self) -> OutboxRelay | None:
        if not self.publishes:
            return None
        return OutboxRelay(engine=self.engine, outbox=self.outbox, amqp_url=self.common.rabbitmq_url,
                           producer=self.common.service, idle_interval=self.common.relay_idle_ms / 1000,
                           wake_delay=self.common.relay_wake_ms / 1000 if self.common.relay_wake_ms else None)

    def make_consumer(self) -> Consumer | None:
        subscriptions = self.subscriptions()
        if not subscriptions:
            return None

        def prune() -> None:
            with self.engine.begin() as connection:
                prune_inbox(connection, self.inbox)

        return Consumer(
            amqp_url=self.common.rabbitmq_url,
            consumer=self.common.service,
            subscriptions=subscriptions,
            retry_delays_ms=self.common.retry_delays_ms,
            ready_check=lambda: database_ready(self.engine),
            housekeeping=prune,
            batch=self.common.consumer_batch,
        )
