"""Use cases of OAuth 2 clients (domain/clients.py): registering, disabling, and the client credentials grant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from math import ceil

from identity.domain.clients import (
    ClientAuthenticationFailed,
    ClientAuthenticationThrottled,
    ClientAuthThrottle,
    ClientNotFound,
    DisableClient,
    InvalidRequest,
    IssuedClientToken,
    OAuthClient,
    RegisterClient,
    RequestClientToken,
    UnsupportedGrantType,
)
from identity.service_layer.ports import ClientSecrets, ClientTokenIssuer
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from svckit.net import client_bucket

Clock = Callable[[], datetime]
GRANT_TYPE = "client_credentials"


@dataclass(frozen=True)
class RegisteredClient:
    client: OAuthClient
    secret: str  # shown once: identity keeps its hash only


def register_client(cmd: RegisterClient, uow: IdentityUnitOfWork, secrets: ClientSecrets,
                    now: Clock) -> RegisteredClient:
    secret = secrets.new_secret()
    client = OAuthClient.register(secrets.new_client_id(cmd.academy.strip().lower()), cmd.name, secrets.hash(secret),
                                  cmd.scopes, cmd.academy, cmd.uai_prefixes, created_by=cmd.created_by, now=now())
    with uow:
        uow.oauth_clients.add(client)
        uow.commit()
    return RegisteredClient(client, secret)


def disable_client(cmd: DisableClient, uow: IdentityUnitOfWork, now: Clock) -> OAuthClient:
    with uow:
        client = uow.oauth_clients.get(cmd.client_id)
        if client is None:
            raise ClientNotFound("No client has this id.")
        client.disable(cmd.disabled_by, now())
        uow.commit()
        return client


def issue_client_token(cmd: RequestClientToken, uow: IdentityUnitOfWork, secrets: ClientSecrets,
                       issuer: ClientTokenIssuer, ttl_seconds: int, throttle: ClientAuthThrottle,
                       now: Clock) -> IssuedClientToken:
    """RFC 6749 4.4: the client authenticates (unknown, wrong secret or disabled: one answer, counted per
    address), then the grant and the scope are checked; no refresh token (the client asks again)."""
    moment, address = now(), client_bucket(cmd.address)
    if not cmd.client_id or cmd.client_secret is None:
        raise ClientAuthenticationFailed("The client authenticates with its id and secret (HTTP Basic, or the "
                                         "client_id and client_secret fields).")
    with uow:
        wait = throttle.wait(uow.oauth_clients.failures_since(address, moment - throttle.period), moment)
        if wait is not None:
            raise ClientAuthenticationThrottled("Too many failed client authentications from this address; try "
                                                "again later.", retry_after=max(1, ceil(wait.total_seconds())))
        client = uow.oauth_clients.get(cmd.client_id)
        # The secret is hashed even for an unknown client: the answer takes the same time.
        right = secrets.matches(cmd.client_secret, client.secret_hash if client else "0" * 64)
        if client is None or not right or not client.enabled:
            uow.oauth_clients.record_failure(address, moment, forget_before=moment - throttle.period)
            uow.commit()
            raise ClientAuthenticationFailed("Client authentication failed.")
        if cmd.grant_type is None:
            raise InvalidRequest("grant_type is required.")
        if cmd.grant_type != GRANT_TYPE:
            raise UnsupportedGrantType(f"This endpoint grants {GRANT_TYPE} only.")
        scopes = client.granted(cmd.scope)
        return IssuedClientToken(issuer.issue_for_client(client, scopes, moment), ttl_seconds, scopes)
