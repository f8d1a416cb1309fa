from __future__ import annotations

from uuid import UUID

from certification.service_layer.ports import (
    AbstractCandidates,
    AbstractCenters,
    AbstractFailures,
    AbstractInvigilators,
    AbstractLiveAlerts,
    AbstractReplicas,
    AbstractResults,
    AbstractSessions,
    AbstractWindows,
)
from svckit.uow import AbstractUnitOfWork


class CertificationUnitOfWork(AbstractUnitOfWork):
    """The repositories a use case of certification reaches, in one transaction."""

    centers: AbstractCenters
    windows: AbstractWindows
    sessions: AbstractSessions
    candidates: AbstractCandidates
    replicas: AbstractReplicas
    failures: AbstractFailures
    invigilators: AbstractInvigilators
    results: AbstractResults
    live_alerts: AbstractLiveAlerts

    def touch_session(self, session_id: UUID) -> None:
        """Say that what the session's invigilator sees changed in this transaction (the invigilator's
        live page is told once it commits, never if it rolls back: ``svckit.uow``)."""
        self.announce(invigilation_channel(session_id))


def invigilation_channel(session_id: UUID) -> str:
    """The live channel of a session's invigilator page (``svckit.live``)."""
    return f"invigilation:{session_id}"
