from __future__ import annotations

from organizations.service_layer.ports import AbstractKnownUsers
from svckit.uow import AbstractUnitOfWork


class OrganizationsUnitOfWork(AbstractUnitOfWork):
    known_users: AbstractKnownUsers
