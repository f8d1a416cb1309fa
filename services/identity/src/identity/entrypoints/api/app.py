"""identity's HTTP API (``identity api`` serves ``create_app()`` with gunicorn)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from identity.adapters import orm
from identity.bootstrap import Identity, bootstrap
from identity.entrypoints.api.clients import oauth, oauth_clients
from identity.entrypoints.api.errors import ERRORS
from identity.entrypoints.api.routes import keys, recovery, saml, temporary_passwords, tokens, users
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys, fingerprint_key
from svckit.web import create_service_app


def create_app(identity: Identity | None = None) -> Flask:
    identity = identity or bootstrap()
    app = create_service_app(
        name="identity",
        title="Identity",
        description="Accounts, log in and tokens, password reset and email verification, OAuth 2 clients (client "
                    "credentials) for applications. Access tokens are RS256 JWTs; their public keys are at "
                    "/.well-known/jwks.json.",
        blueprints=[users, recovery, tokens, keys, saml, oauth, oauth_clients, temporary_passwords],
        error_table=ERRORS,
        ready_checks={"database": lambda: database_ready(identity.engine)},
        token_verifier=identity.verifier,
        # Answers of /api/token*, /api/saml/*, /api/oauth/* and /api/password/expired are tokens, a new OAuth client's
        # holds its secret, and a temporary password's (/api/organizations/..., identity's only route there) the
        # password: never stored for an idempotent replay. The bodies of
        # sign-ups and password resets hold passwords: their fingerprints are HMACs under a key derived from the signing keys'
        # secret (svckit.idempotency), so that a dump of the table cannot be used to test guessed passwords.
        idempotency=IdempotencyKeys(identity.engine, orm.idempotency_keys,
                                    exempt_paths=["/api/token", "/api/saml", "/api/oauth", "/api/admin/oauth-clients",
                                                  "/api/password/expired", "/api/organizations/"],
                                    lease=timedelta(seconds=identity.common.idempotency_lease_seconds),
                                    fingerprint_secret=fingerprint_key(identity.settings.signing_keys_secret)),
        trusted_proxies=identity.common.trusted_proxies,
        trusted_proxy_addresses=identity.common.trusted_proxy_addresses,
    )
    app.extensions["identity"] = identity
    return app
