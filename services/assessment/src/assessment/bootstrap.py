"""The composition root of assessment."""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from uuid import UUID

from assessment.adapters import orm
from assessment.adapters.certification_tests import PoolCache, TestSnapshot
from assessment.adapters.content_store import ContentStore
from assessment.adapters.repositories import AssessmentSnapshot
from assessment.adapters.state_cache import StateCache
from assessment.adapters.unit_of_work import SqlAlchemyAssessmentUnitOfWork
from assessment.config import Settings
from assessment.domain.content import LearningContent
from assessment.domain.item_bank import fitted_parameters
from assessment.entrypoints.consumers.subscriptions import subscriptions
from assessment.service_layer.certification import ItemParameters
from msgkit import Subscription
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.runtime import BaseRuntime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Assessment(BaseRuntime):
    settings: Settings
    verifier: TokenVerifier
    content_store: ContentStore
    now: Callable[[], datetime] = utcnow
    new_id: Callable[[], UUID] = field(default=uuid.uuid4)
    # The certification test's draws: not predictable from outside (neighbours, replays of a session).
    rng: secrets.SystemRandom = field(default_factory=secrets.SystemRandom)
    pools: PoolCache = field(default_factory=PoolCache)
    # What this process last read or wrote of each test, used while its rows' stamp is unchanged (state_cache).
    assessment_states: StateCache[AssessmentSnapshot] | None = None
    test_states: StateCache[TestSnapshot] | None = None

    def __post_init__(self) -> None:
        if self.assessment_states is None:
            self.assessment_states = StateCache(self.settings.state_cache_size)
        if self.test_states is None:
            self.test_states = StateCache(self.settings.state_cache_size)
        self._item_parameters: ItemParameters | None = None
        self._parameters_lock = threading.Lock()

    def uow(self) -> SqlAlchemyAssessmentUnitOfWork:
        return SqlAlchemyAssessmentUnitOfWork(self.session_factory, self.pools, self.assessment_states,
                                              self.test_states)

    def item_parameters(self) -> ItemParameters:
        """The fitted parameters of CERTIFICATION_ITEM_PARAMETERS, read once (none: every item's derived)."""
        with self._parameters_lock:
            if self._item_parameters is None:
                path = self.settings.certification_item_parameters
                if path is None:
                    self._item_parameters = ({}, "derived")
                else:
                    document = json.loads(path.read_text(encoding="utf-8"))
                    source = f"fitted {document['fitted_at']} on release {document['content_version']}"
                    self._item_parameters = (fitted_parameters(document), source[:200])
            return self._item_parameters

    def content(self) -> LearningContent:
        return self.content_store.current()

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.uow, self.content, self.settings.rules, self.new_id, self.item_parameters)


def bootstrap(settings: Settings | None = None) -> Assessment:
    settings = settings or Settings.from_env()
    common = settings.common
    engine, session_factory = BaseRuntime.connect(common)
    return Assessment(
        common=common, engine=engine, session_factory=session_factory, outbox=orm.outbox, inbox=orm.inbox,
        settings=settings,
        verifier=TokenVerifier(JwksKeySource(common.jwks_url), issuer=common.jwt_issuer, audience=common.jwt_audience),
        content_store=ContentStore(engine, settings.content_refresh_seconds),
    )
