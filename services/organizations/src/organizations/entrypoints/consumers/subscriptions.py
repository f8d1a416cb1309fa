"""What organizations consumes: event type -> handler; each handler has its own queue."""

from __future__ import annotations

from collections.abc import Callable

from msgkit import Subscription
from organizations.entrypoints.consumers.schemas import UserRegisteredSchema
from organizations.service_layer import handlers
from organizations.service_layer.unit_of_work import OrganizationsUnitOfWork
from svckit.consumers import idempotent_subscription


def subscriptions(uow_factory: Callable[[], OrganizationsUnitOfWork]) -> list[Subscription]:
    return [
        idempotent_subscription("on_user_registered", ("identity.user.registered.v1",), UserRegisteredSchema(),
                                uow_factory, handlers.on_user_registered),
    ]
