"""identity's tables and their mapping to the domain (the domain imports none of this)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    event,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import registry

from identity.domain.clients import OAuthClient
from identity.domain.gar import GarLink
from identity.domain.model import User
from identity.domain.recovery import AccountToken, MailRequest
from identity.domain.sessions import RefreshToken
from identity.domain.temporary_passwords import TemporaryPasswordGiven
from msgkit import inbox_table, outbox_table
from svckit.idempotency import idempotency_table

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), unique=True),  # NULL: a pupil without an email address
    Column("username", String(100)),  # unique, case apart (the index below): domain/usernames.py
    Column("first_name", String(255), nullable=False),
    Column("last_name", String(255), nullable=False),
    Column("password_hash", Text),  # NULL: the GAR is the account's only sign-in method
    Column("locale", String(5), nullable=False, server_default="fr"),
    Column("roles", ARRAY(String(50)), nullable=False, server_default="{}"),
    Column("terms_accepted_at", DateTime(timezone=True), nullable=False),
    Column("orga_terms_accepted_at", DateTime(timezone=True)),
    Column("email_verified_at", DateTime(timezone=True)),
    Column("must_change_password", Boolean, nullable=False, server_default="false"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)
# text_pattern_ops: the one index answers both a log-in's lookup and a sign-up's prefix search (usernames_from).
Index("ux_users_username_lower", func.lower(users.c.username).label("username_lower"), unique=True,
      postgresql_ops={"username_lower": "text_pattern_ops"})

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("family_id", Uuid, nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("email", String(254), nullable=False),
    Column("address", String(64), nullable=False),  # the client: svckit.net.client_bucket (IPv6: its /64)
    Column("failed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_login_failures_email_failed_at", "email", "failed_at"),
    Index("ix_login_failures_failed_at", "failed_at"),  # pruning the oldest
)

# Requests for reset and verification mails, kept a day to count them (domain/recovery.py); for
# any email typed, an account's or not.
mail_requests = Table(
    "mail_requests",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("email", String(254), nullable=False),
    Column("address", String(64)),  # the client, as login_failures.address; NULL when identity asked
    Column("user_id", Uuid),
    Column("mailed", Boolean, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Index("ix_mail_requests_email", "email", "kind", "requested_at"),
    Index("ix_mail_requests_address", "address", "kind", "requested_at"),
    Index("ix_mail_requests_requested_at", "requested_at"),
)

# The secrets of the links mailed (reset, verification), and of the password changes after a temporary
# password: their SHA-256 only.
account_tokens = Table(
    "account_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(20), nullable=False),
    Column("email", String(254)),  # NULL: a password change of an account without an email address
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

# The GAR (domain/gar.py): the account each GAR identity signs in, and the assertions already used (each
# kept until it expires: an assertion is used once).
gar_links = Table(
    "gar_links",
    metadata,
    Column("ido", String(128), primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("uai", String(8), nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

used_saml_assertions = Table(
    "used_saml_assertions",
    metadata,
    Column("assertion_id", String(256), primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("algorithm", String(10), nullable=False),
    Column("private_key", Text, nullable=False),  # PEM, encrypted with SIGNING_KEYS_SECRET (Fernet)
    Column("public_jwk", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("retired_at", DateTime(timezone=True)),
)

# Replicas fed by organizations' events, for /api/users/me; never written otherwise.
known_organizations = Table(
    "known_organizations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("type", String(3), nullable=False),
    Column("archived", Boolean, nullable=False, server_default="false"),
    Column("version", Integer, nullable=False),
)

user_memberships = Table(
    "user_memberships",
    metadata,
    Column("membership_id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("role", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),  # the organization's version of the last event applied
)

# Which account is linked to which learner of which organization, from organizations.learner.(un)linked.v1:
# who may be given a temporary password (domain/temporary_passwords.py). user_id NULL: unlinked.
learner_accounts = Table(
    "learner_accounts",
    metadata,
    Column("learner_id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid),
    Column("version", Integer, nullable=False),  # the learner's version of the last event applied
)

# Who gave which account a temporary password, for which organization and learner, and when.
temporary_passwords = Table(
    "temporary_passwords",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("organization_id", Uuid, nullable=False, index=True),
    Column("learner_id", Uuid, nullable=False),
    Column("given_by", Uuid, nullable=False),
    Column("given_at", DateTime(timezone=True), nullable=False),
)

# OAuth 2 clients (domain/clients.py): applications, such as the school report's, that call as themselves.
oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("secret_hash", String(64), nullable=False),  # HMAC-SHA256, hex (adapters/client_secrets.py)
    Column("scopes", ARRAY(String(64)), nullable=False),
    Column("academy", String(41), nullable=False),
    Column("uai_prefixes", ARRAY(String(8)), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    Column("disabled_by", String(100)),
)

# Failed client authentications at the token endpoint, per address, kept 15 minutes (ClientAuthThrottle).
oauth_client_failures = Table(
    "oauth_client_failures",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("address", String(64), nullable=False),  # svckit.net.client_bucket, as login_failures.address
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("ix_oauth_client_failures_address_failed_at", "address", "failed_at"),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

_started = False


def start_mappers() -> None:
    """Map the domain classes once per process (called by the composition root, not at import)."""
    global _started
    if _started:
        return
    _started = True
    mapper_registry.map_imperatively(User, users, version_id_col=users.c.version, version_id_generator=False)
    mapper_registry.map_imperatively(RefreshToken, refresh_tokens)
    mapper_registry.map_imperatively(AccountToken, account_tokens)
    mapper_registry.map_imperatively(MailRequest, mail_requests)
    mapper_registry.map_imperatively(GarLink, gar_links)
    mapper_registry.map_imperatively(OAuthClient, oauth_clients)
    mapper_registry.map_imperatively(TemporaryPasswordGiven, temporary_passwords)


@event.listens_for(User, "load")
@event.listens_for(MailRequest, "load")
def _on_load(aggregate: User | MailRequest, _context: object) -> None:
    aggregate.events = []  # the ORM does not call __init__
