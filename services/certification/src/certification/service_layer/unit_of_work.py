from __future__ import annotations

from certification.service_layer.ports import (
    AbstractCandidates,
    AbstractCenters,
    AbstractFailures,
    AbstractInvigilators,
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
