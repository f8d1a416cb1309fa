from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from campaigns import integration_events
from campaigns.adapters import orm
from campaigns.adapters.repositories import SqlAlchemyCampaigns, SqlAlchemyParticipations, SqlAlchemyReplicas
from campaigns.service_layer.unit_of_work import CampaignsUnitOfWork
from svckit.uow import SqlAlchemyUnitOfWork


class SqlAlchemyCampaignsUnitOfWork(SqlAlchemyUnitOfWork, CampaignsUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        super().__init__(session_factory, producer="campaigns", outbox=orm.outbox, inbox=orm.inbox,
                         to_integration=integration_events.to_integration)

    def open_repositories(self, session: Session) -> None:
        self.replicas = SqlAlchemyReplicas(session)
        self.campaigns = SqlAlchemyCampaigns(session, self.track)
        self.participations = SqlAlchemyParticipations(session, self.track)
