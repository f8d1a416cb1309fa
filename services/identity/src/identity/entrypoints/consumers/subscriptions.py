"""What identity consumes: event type -> handler; each handler has its own queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from identity.entrypoints.consumers.schemas import (
    EmailVerificationRequestedSchema,
    LearnerAccountSchema,
    MembershipSchema,
    OrganizationArchivedSchema,
    OrganizationCreatedSchema,
    PasswordResetRequestedSchema,
)
from identity.service_layer import replication
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from msgkit import Subscription
from svckit.consumers import idempotent_subscription


def subscriptions(uow_factory: Callable[[], IdentityUnitOfWork],
                  send_account_mail: Callable[[dict[str, Any], Any, IdentityUnitOfWork], None]) -> list[Subscription]:
    return [
        idempotent_subscription("on_organization_created", ("organizations.organization.created.v1",),
                                OrganizationCreatedSchema(), uow_factory, replication.on_organization_created),
        idempotent_subscription("on_organization_archived", ("organizations.organization.archived.v1",),
                                OrganizationArchivedSchema(), uow_factory, replication.on_organization_archived),
        # One queue for the three membership facts: they must be applied in the order they come.
        idempotent_subscription("on_membership_changed", ("organizations.membership.granted.v1",
                                                          "organizations.membership.role_changed.v1",
                                                          "organizations.membership.revoked.v1"),
                                MembershipSchema(), uow_factory, replication.on_membership_changed),
        # One queue for a learner's link and unlink, for the same reason: the last one applied wins (versions too).
        idempotent_subscription("on_learner_account_changed", ("organizations.learner.linked.v1",
                                                               "organizations.learner.unlinked.v1"),
                                LearnerAccountSchema(), uow_factory, replication.on_learner_account_changed),
        # identity reads its own events to mail the links: mails leave through the outbox, with its retries.
        # One queue for both kinds of mail (each queue costs the broker file handles). Not named on_<fact> as
        # consumers are: the name is the queue's and the inbox's key, so a new name would leave the old queue
        # bound and unread (the mails waiting there never sent) and mail again what `make up` replays to the new one.
        idempotent_subscription("send_account_mail", ("identity.password_reset.requested.v1",
                                                      "identity.email_verification.requested.v1"),
                                {"identity.password_reset.requested.v1": PasswordResetRequestedSchema(),
                                 "identity.email_verification.requested.v1": EmailVerificationRequestedSchema()},
                                uow_factory, send_account_mail),
    ]
