"""Domain events -> the published contract (``contracts/events/identity/``).

Only what other services need leaves identity: never a password hash, never a token.
"""

from __future__ import annotations

from typing import Any

from identity.domain.events import (
    EmailVerificationRequested,
    EmailVerified,
    GarLinked,
    OrgaTermsAccepted,
    PasswordResetRequested,
    UserRegistered,
)
from svckit.uow import IntegrationEvent


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def to_integration(event: Any) -> IntegrationEvent | None:
    if isinstance(event, UserRegistered):
        return IntegrationEvent(
            event_type="identity.user.registered.v1",
            aggregate_id=str(event.user_id),
            aggregate_version=event.version,
            payload={
                "user_id": str(event.user_id),
                "email": event.email,  # null: a pupil without an email address
                "username": event.username,  # null unless the pupil signs in with one
                "first_name": event.first_name,
                "last_name": event.last_name,
                "locale": event.locale,
                "registered_at": _iso(event.registered_at),
            },
        )
    if isinstance(event, OrgaTermsAccepted):
        return IntegrationEvent(
            event_type="identity.user.orga_terms_accepted.v1",
            aggregate_id=str(event.user_id),
            aggregate_version=event.version,
            payload={"user_id": str(event.user_id), "accepted_at": _iso(event.accepted_at)},
        )
    if isinstance(event, EmailVerified):
        return IntegrationEvent(
            event_type="identity.user.email_verified.v1",
            aggregate_id=str(event.user_id),
            aggregate_version=event.version,
            payload={"user_id": str(event.user_id), "email": event.email, "verified_at": _iso(event.verified_at)},
        )
    if isinstance(event, GarLinked):
        return IntegrationEvent(
            event_type="identity.user.gar_linked.v1",
            aggregate_id=str(event.user_id),
            aggregate_version=event.version,
            payload={"user_id": str(event.user_id), "uai": event.uai, "linked_at": _iso(event.linked_at)},
        )
    # identity reads the two requests itself, to mail the links: the request is the aggregate, and
    # the link's secret is never in them (the consumer draws it).
    if isinstance(event, PasswordResetRequested):
        return IntegrationEvent(
            event_type="identity.password_reset.requested.v1",
            aggregate_id=str(event.request_id),
            aggregate_version=1,
            payload={"request_id": str(event.request_id), "email": event.email, "locale": event.locale,
                     "face": event.face, "requested_at": _iso(event.requested_at)},
        )
    if isinstance(event, EmailVerificationRequested):
        return IntegrationEvent(
            event_type="identity.email_verification.requested.v1",
            aggregate_id=str(event.request_id),
            aggregate_version=1,
            payload={"request_id": str(event.request_id), "user_id": str(event.user_id), "locale": event.locale,
                     "face": event.face, "requested_at": _iso(event.requested_at)},
        )
    return None  # RoleGranted stays inside identity: the role travels in the access token
