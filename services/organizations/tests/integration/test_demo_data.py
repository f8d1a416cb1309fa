"""`organizations seed-demo`, as `make up` runs it: once, then again on the next `make up`."""

from click.testing import CliRunner
from organizations_it import deliver
from sqlalchemy import text

from organizations.entrypoints.cli import DEMO_ORGA_ADMIN, DEMO_PLATFORM_ADMIN, main


def test_the_demo_school_is_created_once_with_its_admin_and_pupils(runtime, organizations_database, monkeypatch):
    with runtime.engine.begin() as connection:  # this session's database may hold a demo school of another test
        demo = "(SELECT id FROM organizations WHERE external_id = '0751234A')"
        for table in ("organization_learners", "learner_imports", "memberships", "invitations"):
            connection.execute(text(f"DELETE FROM {table} WHERE organization_id IN {demo}"))  # noqa: S608 - our constants
        connection.execute(text("DELETE FROM organizations WHERE external_id = '0751234A'"))
    for user_id, email in (("00000000-0000-4000-8000-000000000001", DEMO_PLATFORM_ADMIN),
                           ("00000000-0000-4000-8000-000000000002", DEMO_ORGA_ADMIN)):
        deliver(runtime, "identity.user.registered.v1", user_id=user_id, email=email)
    deliver(runtime, "identity.user.email_verified.v1", 2, user_id="00000000-0000-4000-8000-000000000002",
            email=DEMO_ORGA_ADMIN)
    deliver(runtime, "identity.user.orga_terms_accepted.v1", 3, user_id="00000000-0000-4000-8000-000000000002")
    monkeypatch.setenv("DATABASE_URL", organizations_database)
    monkeypatch.setenv("SERVICE_ENV", "test")

    for _ in range(2):
        result = CliRunner().invoke(main, ["seed-demo", "--wait", "5"])
        assert result.exit_code == 0, result.output
    with runtime.engine.connect() as connection:
        schools = connection.execute(text("SELECT id FROM organizations WHERE external_id = '0751234A'")).all()
        [(school,)] = schools
        roles = connection.execute(text("SELECT role FROM memberships WHERE organization_id = :o AND "
                                        "disabled_at IS NULL"), {"o": school}).scalars().all()
        pupils = connection.execute(text("SELECT first_name, last_name, birthdate FROM organization_learners "
                                         "WHERE organization_id = :o"), {"o": school}).all()
    assert roles == ["ADMIN"]
    assert len(pupils) == 5 and ("Lou", "APPRENANT") in {(p.first_name, p.last_name) for p in pupils}


def test_demo_data_is_refused_in_production(monkeypatch):
    for name, value in {"SERVICE_ENV": "production", "DATABASE_URL": "postgresql://db/organizations",
                        "RABBITMQ_URL": "amqp://organizations:secret@mq/", "JWKS_URL": "http://identity/jwks",
                        "SMTP_URL": "smtp://mail:587", "PUBLIC_URL": "https://orga.example.org"}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["seed-demo"])
    assert result.exit_code != 0 and "demo data is refused in production" in str(result.exception)
