from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from assessment import integration_events
from assessment.adapters import orm
from assessment.adapters.certification_tests import PoolCache, SqlAlchemyCertificationTests, TestSnapshot
from assessment.adapters.repositories import (
    AssessmentSnapshot,
    SqlAlchemyAssessments,
    SqlAlchemyCampaignTargets,
    SqlAlchemyReleases,
)
from assessment.adapters.state_cache import StateCache
from assessment.service_layer.unit_of_work import AssessmentUnitOfWork
from svckit.uow import SqlAlchemyUnitOfWork


class SqlAlchemyAssessmentUnitOfWork(SqlAlchemyUnitOfWork, AssessmentUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session], pools: PoolCache | None = None,
                 assessment_states: StateCache[AssessmentSnapshot] | None = None,
                 test_states: StateCache[TestSnapshot] | None = None) -> None:
        self.pools = pools or PoolCache()
        self.assessment_states, self.test_states = assessment_states, test_states
        super().__init__(session_factory, producer="assessment", outbox=orm.outbox, inbox=orm.inbox,
                         to_integration=integration_events.to_integration)

    def open_repositories(self, session: Session) -> None:
        self.releases = SqlAlchemyReleases(session, self.track)
        self.campaign_targets = SqlAlchemyCampaignTargets(session)
        self.assessments = SqlAlchemyAssessments(session, self.track, self.assessment_states)
        self.certification_tests = SqlAlchemyCertificationTests(session, self.track, self.pools, self.test_states)
