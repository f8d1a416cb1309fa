"""``organizations``: the service's processes (api, consumer, relay, migrate...) and its admin commands."""

from __future__ import annotations

import time
from importlib.resources import files
from uuid import UUID

import click

from organizations.bootstrap import Organizations, bootstrap
from organizations.domain import commands
from organizations.domain.model import KnownUser
from organizations.service_layer import handlers
from svckit.cli import ServiceDefinition, service_cli

DEMO_PLATFORM_ADMIN = "admin@demo.example.org"
DEMO_ORGA_ADMIN = "orga.admin@demo.example.org"
DEMO_SCHOOL = {"name": "Collège Gustave Flaubert (démo)", "type": "SCO", "external_id": "0751234A",
               "manages_students": True}

main = service_cli(ServiceDefinition(
    name="organizations",
    app_factory="organizations.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="organizations:migrations",
))


def _wait_for_account(runtime: Organizations, email: str, timeout: float, *, terms: bool = False) -> KnownUser:
    """The account as identity's events made it known here (the consumer must be running); with
    ``terms``, once it accepted the Orga terms and its address is verified (it is joining the school)."""
    deadline = time.monotonic() + timeout
    while True:
        with runtime.uow() as uow:
            user = uow.known_users.by_email(email)
        if user is not None and (not terms or (user.orga_terms_accepted_at is not None and user.verified_email)):
            return user
        if time.monotonic() > deadline:
            raise click.ClickException(f"{email} is not known here after {timeout:.0f}s: are identity's relay and "
                                       "organizations' consumer running, and identity's demo data loaded?")
        time.sleep(0.5)


@main.command("announce-learner-links", help="Publish again organizations.learner.linked.v1 for every learner linked "
                                             "now (each at its current version: consumers that have it change "
                                             "nothing), for a consumer that came after the links.")
@click.option("--organization", "organization_ids", multiple=True, help="Only these organizations (ids); default: "
                                                                      "every organization with a list of learners.")
def announce_learner_links(organization_ids: tuple[str, ...]) -> None:
    runtime = bootstrap()
    with runtime.uow() as uow:
        ids = [UUID(value) for value in organization_ids] or uow.organizations.managing_students()
    total = 0
    for organization_id in ids:
        total += handlers.announce_learner_links(organization_id, runtime.uow())
    click.echo(f"organizations: {total} links announced again in {len(ids)} organizations")


@main.command("seed-demo", help="Create the demo school, its admin and its learners (refused in production).")
@click.option("--wait", default=60.0, help="Seconds to wait for the demo accounts to arrive from identity.")
def seed_demo(wait: float) -> None:
    runtime = bootstrap()
    runtime.common.refuse_demo_in_production()
    platform_admin = _wait_for_account(runtime, DEMO_PLATFORM_ADMIN, wait)
    orga_admin = _wait_for_account(runtime, DEMO_ORGA_ADMIN, wait, terms=True)
    creator = commands.Actor(platform_admin.id, platform_admin.email, platform_admin=True)
    admin = commands.Actor(orga_admin.id, orga_admin.email)

    with runtime.uow() as uow:
        existing = uow.organizations.by_external_id(DEMO_SCHOOL["type"], DEMO_SCHOOL["external_id"])
        school_id = existing.id if existing is not None else None  # read before the unit of work closes
    if school_id is None:
        school_id = handlers.create_organization(commands.CreateOrganization(
            creator, admin_email=DEMO_ORGA_ADMIN, **DEMO_SCHOOL), runtime.uow(), runtime.now)
    with runtime.uow() as uow:
        school = uow.organizations.get(school_id)
        invitation = school.pending_invitation_for(DEMO_ORGA_ADMIN)
        if school.membership_of(orga_admin.id) is None and invitation is not None:
            school.accept_invitation(invitation_id=invitation.id, code=invitation.code, user_id=orga_admin.id,
                                     user_email=DEMO_ORGA_ADMIN, verified_email=orga_admin.verified_email,
                                     now=runtime.now())
            uow.commit()
        learners = uow.learners.snapshots(school_id)
    if not learners:
        demo_file = files("organizations.demo").joinpath("ElevesSansAdresses-demo.xml")
        with demo_file.open("rb") as stream:
            result = handlers.import_learners(commands.ImportLearners(admin, school_id, "ElevesSansAdresses.xml",
                                                                      stream, "ADD_UPDATE"),
                                              runtime.uow(), runtime.read_file, runtime.now)
        if not result.succeeded:
            raise click.ClickException(f"the demo learners were not imported: {result.learner_import.error_code}")
    click.echo(f"organizations: demo school {DEMO_SCHOOL['name']} ({school_id}), admin {DEMO_ORGA_ADMIN}")
