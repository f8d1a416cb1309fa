"""``identity``: the service's processes (api, relay, migrate...) and its admin commands."""

from __future__ import annotations

import getpass
import secrets
import sys
from datetime import date

import click

from identity.bootstrap import bootstrap
from identity.domain import commands
from identity.domain.clients import CERTIFICATION_RESULTS, SCOPES, DisableClient, OAuthClient, RegisterClient
from identity.domain.exceptions import IdentityError
from identity.domain.model import SUPER_ADMIN
from identity.service_layer import clients, handlers
from svckit.cli import ServiceDefinition, service_cli

DEMO_PASSWORD = "Demo-Pass-2026!"  # noqa: S105 - demo mode only, refused in production
DEMO_ORGA_ADMIN = "orga.admin@demo.example.org"
# A pupil of the demo school without an email address: the username identity makes of these names and birthday.
DEMO_PUPIL = ("François", "Lefèvre", date(2012, 11, 30))
DEMO_USERNAME = "francois.lefevre3011"
# The demo academy's school report application (LSU, académie de Paris: the demo school's UAI opens with 075), as
# an OAuth 2 client with a fixed id and secret (demo mode only, refused in production like the demo passwords).
DEMO_CLIENT_ID, DEMO_CLIENT_SECRET = "ac-paris-demo-lsu", "Demo-Lsu-Secret-2026"  # noqa: S105
DEMO_USERS = (
    # email, first name, last name, platform admin
    ("admin@demo.example.org", "Camille", "Administratrice", True),
    ("orga.admin@demo.example.org", "Dominique", "Directrice", False),
    ("learner@demo.example.org", "Lou", "Apprenant", False),
)

main = service_cli(ServiceDefinition(
    name="identity",
    app_factory="identity.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="identity:migrations",
))


def _generated_password() -> str:
    # 18 random URL-safe characters plus one of each class the policy asks for.
    return secrets.token_urlsafe(14) + "Aa7!"


@main.command("create-admin", help=f"Give the {SUPER_ADMIN} role to an account, creating it if needed.")
@click.option("--email", required=True)
@click.option("--first-name", default="Platform")
@click.option("--last-name", default="Admin")
@click.option("--password-stdin", is_flag=True, help="Read the new account's password from standard input.")
def create_admin(email: str, first_name: str, last_name: str, password_stdin: bool) -> None:
    identity = bootstrap()
    password = sys.stdin.readline().rstrip("\n") if password_stdin else _generated_password()
    try:
        user_id, created = handlers.create_platform_admin(
            commands.CreatePlatformAdmin(email, first_name, last_name, password), identity.uow(), identity.hasher,
            identity.now)
    except IdentityError as error:
        rules = f" ({', '.join(error.details['rules'])})" if error.details and "rules" in error.details else ""
        raise click.ClickException(f"{error}{rules}") from error
    if created and not password_stdin:
        click.echo(f"created platform admin {email} ({user_id}); password, shown once: {password}")
    else:
        click.echo(f"{email} ({user_id}) is a platform admin" + (" (new account)" if created else ""))


@main.command("seed-demo", help="Create the demo accounts (refused in production).")
def seed_demo() -> None:
    identity = bootstrap()
    identity.settings.common.refuse_demo_in_production()
    for email, first_name, last_name, admin in DEMO_USERS:
        if admin:
            handlers.create_platform_admin(commands.CreatePlatformAdmin(email, first_name, last_name, DEMO_PASSWORD),
                                           identity.uow(), identity.hasher, identity.now)
            continue
        with identity.uow() as uow:
            exists = uow.users.get_by_email(email) is not None
        if not exists:
            handlers.register_user(commands.RegisterUser(first_name, last_name, email, DEMO_PASSWORD, True),
                                   identity.uow(), identity.hasher, identity.now)
        if email == DEMO_ORGA_ADMIN:  # the demo school's admin has been through the Orga terms already
            with identity.uow() as uow:
                user_id = uow.users.get_by_email(email).id
            handlers.accept_orga_terms(commands.AcceptOrgaTerms(user_id), identity.uow(), identity.now)
    for email, *_ in DEMO_USERS:  # their addresses count as verified: nobody reads the demo's mailboxes
        handlers.mark_email_verified(commands.MarkEmailVerified(email), identity.uow(), identity.now)
    with identity.uow() as uow:
        pupil_exists = uow.users.get_by_username(DEMO_USERNAME) is not None
        client_exists = uow.oauth_clients.get(DEMO_CLIENT_ID) is not None
    if not pupil_exists:
        handlers.register_pupil_with_username(commands.RegisterPupilWithUsername(*DEMO_PUPIL, DEMO_PASSWORD, True),
                                              identity.uow(), identity.hasher, identity.now)
        with identity.uow() as uow:
            if uow.users.get_by_username(DEMO_USERNAME) is None:
                raise click.ClickException(f"the demo pupil did not get the username {DEMO_USERNAME}")
    if not client_exists:
        with identity.uow() as uow:
            uow.oauth_clients.add(OAuthClient.register(
                DEMO_CLIENT_ID, "LSU, académie de Paris (démo)", identity.client_secrets.hash(DEMO_CLIENT_SECRET),
                [CERTIFICATION_RESULTS], "ac-paris", ["075"], created_by="cli:seed-demo", now=identity.now()))
            uow.commit()
    click.echo(f"identity: demo accounts ready ({', '.join(u[0] for u in DEMO_USERS)}, {DEMO_USERNAME}); "
               f"demo school report client {DEMO_CLIENT_ID}")


@main.command("mark-email-verified", help="Record that an account's address is its holder's (when its mails "
                                           "cannot arrive); organizations hears of it as of a followed link.")
@click.option("--email", required=True)
def mark_email_verified(email: str) -> None:
    identity = bootstrap()
    try:
        handlers.mark_email_verified(commands.MarkEmailVerified(email), identity.uow(), identity.now)
    except IdentityError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{email}: address verified")


@main.command("rotate-signing-key", help="Add a new signing key; it signs from now on, older keys still verify.")
def rotate_signing_key() -> None:
    click.echo(f"new signing key: {bootstrap().keys.rotate()}")


@main.command("retire-signing-key", help="Remove a key from the JWKS (after the access-token lifetime has passed).")
@click.argument("kid")
def retire_signing_key(kid: str) -> None:
    if not bootstrap().keys.retire(kid):
        raise click.ClickException(f"no active key {kid}")
    click.echo(f"retired {kid}")


@main.command("create-client", help="Register an application as an OAuth 2 client (client credentials); its "
                                     "secret is shown once.")
@click.option("--name", required=True, help="Whose application: 'LSU, académie de Lyon'.")
@click.option("--academy", required=True, help="The academy's code: ac-lyon.")
@click.option("--uai-prefix", "uai_prefixes", multiple=True, required=True,
              help="The academy's schools: a department's number (069) or a whole UAI; repeat for each.")
@click.option("--scope", "scopes", multiple=True, default=[CERTIFICATION_RESULTS], show_default=True,
              help=f"One of {', '.join(SCOPES)}; repeat for each.")
@click.option("--by", "created_by", default=lambda: getpass.getuser(), help="Who registers it (the record).")
def create_client(name: str, academy: str, uai_prefixes: tuple[str, ...], scopes: tuple[str, ...],
                  created_by: str) -> None:
    identity = bootstrap()
    try:
        registered = clients.register_client(
            RegisterClient(name, list(scopes), academy, list(uai_prefixes), created_by=f"cli:{created_by}"[:100]),
            identity.uow(), identity.client_secrets, identity.now)
    except IdentityError as error:
        raise click.ClickException(str(error)) from error
    client = registered.client
    click.echo(f"client {client.client_id} ({client.academy}: {' '.join(client.uai_prefixes)}; "
               f"{' '.join(client.scopes)})")
    click.echo(f"secret, shown once: {registered.secret}")


@main.command("disable-client", help="Disable an OAuth 2 client: it gets no more tokens.")
@click.argument("client_id")
@click.option("--by", "disabled_by", default=lambda: getpass.getuser())
def disable_client(client_id: str, disabled_by: str) -> None:
    identity = bootstrap()
    try:
        clients.disable_client(DisableClient(client_id, f"cli:{disabled_by}"[:100]), identity.uow(), identity.now)
    except IdentityError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"client {client_id} disabled")
