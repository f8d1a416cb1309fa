"""What organizations consumes: event type -> handler; each handler has its own queue."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from msgkit import Subscription
from organizations.entrypoints.consumers.schemas import (
    EmailVerifiedSchema,
    GarLinkedSchema,
    InvitationIssuedSchema,
    OrgaTermsAcceptedSchema,
    UserRegisteredSchema,
)
from organizations.service_layer import handlers
from organizations.service_layer.unit_of_work import OrganizationsUnitOfWork
from svckit.consumers import idempotent_subscription
from svckit.mail import Mailer


def subscriptions(uow_factory: Callable[[], OrganizationsUnitOfWork], mailer: Mailer,
                  public_url: str) -> list[Subscription]:
    return [
        idempotent_subscription("on_user_registered", ("identity.user.registered.v1",), UserRegisteredSchema(),
                                uow_factory, handlers.on_user_registered),
        idempotent_subscription("on_orga_terms_accepted", ("identity.user.orga_terms_accepted.v1",),
                                OrgaTermsAcceptedSchema(), uow_factory, handlers.on_orga_terms_accepted),
        idempotent_subscription("on_email_verified", ("identity.user.email_verified.v1",), EmailVerifiedSchema(),
                                uow_factory, handlers.on_email_verified),
        idempotent_subscription("on_gar_linked", ("identity.user.gar_linked.v1",), GarLinkedSchema(), uow_factory,
                                handlers.on_gar_linked),
        # organizations reads its own event: the mail leaves through the outbox, with its retries.
        idempotent_subscription("send_invitation_mail", ("organizations.invitation.issued.v1",),
                                InvitationIssuedSchema(), uow_factory,
                                partial(handlers.on_invitation_issued, mailer=mailer, public_url=public_url)),
    ]
