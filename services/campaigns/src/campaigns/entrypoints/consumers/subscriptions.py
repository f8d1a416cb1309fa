"""What campaigns consumes: event type -> handler; each handler has its own queue."""

from __future__ import annotations

from collections.abc import Callable

from campaigns.entrypoints.consumers.schemas import (
    ContentReleasedSchema,
    MembershipChangedSchema,
    OrganizationArchivedSchema,
    OrganizationCreatedSchema,
)
from campaigns.service_layer import replication
from campaigns.service_layer.unit_of_work import CampaignsUnitOfWork
from msgkit import Subscription
from svckit.consumers import idempotent_subscription

MEMBERSHIP_EVENTS = ("organizations.membership.granted.v1", "organizations.membership.role_changed.v1",
                     "organizations.membership.revoked.v1")


def subscriptions(uow_factory: Callable[[], CampaignsUnitOfWork]) -> list[Subscription]:
    return [
        idempotent_subscription("on_organization_created", ("organizations.organization.created.v1",),
                                OrganizationCreatedSchema(), uow_factory, replication.on_organization_created),
        idempotent_subscription("on_organization_archived", ("organizations.organization.archived.v1",),
                                OrganizationArchivedSchema(), uow_factory, replication.on_organization_archived),
        idempotent_subscription("on_membership_changed", MEMBERSHIP_EVENTS, MembershipChangedSchema(), uow_factory,
                                replication.on_membership_changed),
        idempotent_subscription("on_content_released", ("assessment.content.released.v1",), ContentReleasedSchema(),
                                uow_factory, replication.on_content_released),
    ]
