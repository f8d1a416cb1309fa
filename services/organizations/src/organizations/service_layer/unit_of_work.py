from __future__ import annotations

from organizations.service_layer.ports import (
    AbstractImports,
    AbstractKnownUsers,
    AbstractLearners,
    AbstractOrganizations,
    AbstractReconciliationFailures,
)
from svckit.uow import AbstractUnitOfWork


class OrganizationsUnitOfWork(AbstractUnitOfWork):
    """The repositories a use case of organizations reaches, in one transaction."""

    known_users: AbstractKnownUsers
    organizations: AbstractOrganizations
    learners: AbstractLearners
    imports: AbstractImports
    reconciliation_failures: AbstractReconciliationFailures
