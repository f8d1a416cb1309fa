"""The real processes, started for the e2e session: identity's, organizations', campaigns', assessment's and
certification's api, relay and consumer, reporting's api and consumer, and the gateway in front, on their own databases and vhost. Only the broker link
of the relay and the consumer goes through a TCP proxy, so a test can cut it. The demo GAR (SimpleSAMLphp,
tools/saml_idp.py) runs too, knowing identity as the service provider behind the gateway."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from msgkit.testing import TcpProxy
from svckit import migrations
from svckit.testing import ServiceProcess, free_port, service_command

sys.path.insert(0, str(Path(__file__).parent))  # journeys.py, the steps journeys share
sys.path.insert(0, str(Path(__file__).parent / "browser"))  # accessibility.py, for the browser tests
ROOT = Path(__file__).resolve().parents[2]


def _saml_idp_tool():
    spec = importlib.util.spec_from_file_location("saml_idp", ROOT / "tools" / "saml_idp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Stack:
    gateway: str
    identity: str
    mail_dir: Path
    identity_env: dict[str, str]
    identity_database: str
    organizations_database: str
    assessment_env: dict[str, str]
    amqp_url: str
    proxy: TcpProxy
    logs: Path
    processes: dict[str, ServiceProcess] = field(default_factory=dict)
    # the apis' base URLs by service, and the gateway's environment: for a test that starts another gateway
    urls: dict[str, str] = field(default_factory=dict)
    gateway_env: dict[str, str] = field(default_factory=dict)
    idp: str = ""  # the demo GAR's base URL (its sign-in page is reached through identity's /api/saml/login)

    def restart(self, name: str) -> None:
        process = self.processes[name]
        process.stop()
        self.processes[name] = ServiceProcess(process.args, process.env, process.log_path, process.ready_url).start()
        self.processes[name].wait_ready()


def _start(stack: Stack, name: str, args: list[str], env: dict[str, str], ready_url: str) -> None:
    stack.processes[name] = ServiceProcess(args, env, stack.logs / f"{name}.log", ready_url).start()


@pytest.fixture(scope="session")
def stack(database_factory, amqp_url, tmp_path_factory):
    identity_db, organizations_db = database_factory("e2e_identity"), database_factory("e2e_organizations")
    assessment_db, campaigns_db = database_factory("e2e_assessment"), database_factory("e2e_campaigns")
    reporting_db, certification_db = database_factory("e2e_reporting"), database_factory("e2e_certification")
    migrations.upgrade(identity_db, "identity:migrations")
    migrations.upgrade(organizations_db, "organizations:migrations")
    migrations.upgrade(assessment_db, "assessment:migrations")
    migrations.upgrade(campaigns_db, "campaigns:migrations")
    migrations.upgrade(reporting_db, "reporting:migrations")
    migrations.upgrade(certification_db, "certification:migrations")
    proxy = TcpProxy.for_url(amqp_url)
    ports = {name: free_port() for name in ("identity", "organizations", "gateway", "relay_ops", "consumer_ops",
                                            "identity_consumer_ops", "organizations_relay_ops", "assessment",
                                            "assessment_relay_ops", "assessment_consumer_ops", "campaigns",
                                            "campaigns_relay_ops", "campaigns_consumer_ops", "reporting",
                                            "reporting_consumer_ops", "certification", "certification_relay_ops",
                                            "certification_consumer_ops", "idp")}
    identity_url = f"http://127.0.0.1:{ports['identity']}"
    common = {"SERVICE_ENV": "test", "LOG_FORMAT": "json", "MESSAGE_RETRY_DELAYS_MS": "200,500",
              "JWKS_URL": f"{identity_url}/.well-known/jwks.json", "TRUSTED_PROXIES": "1"}
    mail_dir = tmp_path_factory.mktemp("e2e-mail")  # identity's and organizations' mails, as .eml files
    gateway_url = f"http://127.0.0.1:{ports['gateway']}"
    idp_tool, idp_url = _saml_idp_tool(), f"http://127.0.0.1:{ports['idp']}/"
    missing = idp_tool.available()
    if missing:
        pytest.fail(f"the e2e stack needs the demo GAR: {missing} (make install does it as root)", pytrace=False)
    idp_command, idp_env = idp_tool.prepare(tmp_path_factory.mktemp("e2e-idp"), ports["idp"], [
        {"entity_id": f"{gateway_url}/api/saml/metadata", "acs": f"{gateway_url}/api/saml/acs"}])
    identity_env = {**common, "DATABASE_URL": identity_db, "RABBITMQ_URL": proxy.url(amqp_url),
                    "MAIL_DIR": str(mail_dir), "LEARNER_URL": gateway_url, "ORGA_URL": f"{gateway_url}/orga",
                    "SAML_IDP_METADATA_URL": idp_url + idp_tool.METADATA_PATH}
    assessment_env = {**common, "DATABASE_URL": assessment_db, "RABBITMQ_URL": proxy.url(amqp_url)}
    stack = Stack(gateway=f"http://127.0.0.1:{ports['gateway']}", identity=identity_url, mail_dir=mail_dir,
                  identity_env=identity_env, assessment_env=assessment_env,
                  identity_database=identity_db, organizations_database=organizations_db, amqp_url=amqp_url,
                  proxy=proxy, logs=tmp_path_factory.mktemp("e2e-logs"), idp=idp_url)
    _start(stack, "idp", idp_command, idp_env, idp_url + idp_tool.METADATA_PATH)
    _start(stack, "identity-api", [*service_command("identity"), "api", "--bind", f"127.0.0.1:{ports['identity']}"],
           identity_env, f"{identity_url}/health/ready")
    _start(stack, "identity-relay", [*service_command("identity"), "relay"],
           {**identity_env, "OPS_PORT": str(ports["relay_ops"])}, f"http://127.0.0.1:{ports['relay_ops']}/health/ready")
    _start(stack, "identity-consumer", [*service_command("identity"), "consumer"],
           {**identity_env, "OPS_PORT": str(ports["identity_consumer_ops"])},
           f"http://127.0.0.1:{ports['identity_consumer_ops']}/health/ready")
    organizations_env = {**common, "DATABASE_URL": organizations_db, "RABBITMQ_URL": proxy.url(amqp_url),
                         "MAIL_DIR": str(mail_dir), "PUBLIC_URL": f"http://127.0.0.1:{ports['gateway']}/orga"}
    organizations_url = f"http://127.0.0.1:{ports['organizations']}"
    _start(stack, "organizations-api",
           [*service_command("organizations"), "api", "--bind", f"127.0.0.1:{ports['organizations']}"],
           organizations_env, f"{organizations_url}/health/ready")
    _start(stack, "organizations-relay", [*service_command("organizations"), "relay"],
           {**organizations_env, "OPS_PORT": str(ports["organizations_relay_ops"])},
           f"http://127.0.0.1:{ports['organizations_relay_ops']}/health/ready")
    _start(stack, "organizations-consumer", [*service_command("organizations"), "consumer"],
           {**organizations_env, "OPS_PORT": str(ports["consumer_ops"])},
           f"http://127.0.0.1:{ports['consumer_ops']}/health/ready")
    campaigns_env = {**common, "DATABASE_URL": campaigns_db, "RABBITMQ_URL": proxy.url(amqp_url)}
    campaigns_url = f"http://127.0.0.1:{ports['campaigns']}"
    _start(stack, "campaigns-api", [*service_command("campaigns"), "api", "--bind", f"127.0.0.1:{ports['campaigns']}"],
           campaigns_env, f"{campaigns_url}/health/ready")
    for kind in ("relay", "consumer"):
        ops = ports[f"campaigns_{kind}_ops"]
        _start(stack, f"campaigns-{kind}", [*service_command("campaigns"), kind],
               {**campaigns_env, "OPS_PORT": str(ops)}, f"http://127.0.0.1:{ops}/health/ready")
    # reporting publishes nothing: its api and consumer are enough.
    reporting_env = {**common, "DATABASE_URL": reporting_db, "RABBITMQ_URL": proxy.url(amqp_url)}
    reporting_url = f"http://127.0.0.1:{ports['reporting']}"
    _start(stack, "reporting-api", [*service_command("reporting"), "api", "--bind", f"127.0.0.1:{ports['reporting']}"],
           reporting_env, f"{reporting_url}/health/ready")
    _start(stack, "reporting-consumer", [*service_command("reporting"), "consumer"],
           {**reporting_env, "OPS_PORT": str(ports["reporting_consumer_ops"])},
           f"http://127.0.0.1:{ports['reporting_consumer_ops']}/health/ready")
    certification_env = {**common, "DATABASE_URL": certification_db, "RABBITMQ_URL": proxy.url(amqp_url),
                         "MAIL_DIR": str(mail_dir), "PUBLIC_URL": f"{gateway_url}/certif"}
    certification_url = f"http://127.0.0.1:{ports['certification']}"
    _start(stack, "certification-api",
           [*service_command("certification"), "api", "--bind", f"127.0.0.1:{ports['certification']}"],
           certification_env, f"{certification_url}/health/ready")
    for kind in ("relay", "consumer"):
        ops = ports[f"certification_{kind}_ops"]
        _start(stack, f"certification-{kind}", [*service_command("certification"), kind],
               {**certification_env, "OPS_PORT": str(ops)}, f"http://127.0.0.1:{ops}/health/ready")
    # campaigns' and reporting's queues exist before assessment's relay publishes the release below.
    stack.processes["campaigns-consumer"].wait_ready(60)
    stack.processes["reporting-consumer"].wait_ready(60)
    # The content pack shipped with the service, released as an operator would.
    subprocess.run([*service_command("assessment"), "content", "release", "--by", "e2e"], env={**os.environ,
                   **assessment_env}, check=True, capture_output=True, timeout=120)
    assessment_url = f"http://127.0.0.1:{ports['assessment']}"
    _start(stack, "assessment-api", [*service_command("assessment"), "api", "--bind", f"127.0.0.1:{ports['assessment']}"],
           assessment_env, f"{assessment_url}/health/ready")
    for kind in ("relay", "consumer"):
        ops = ports[f"assessment_{kind}_ops"]
        _start(stack, f"assessment-{kind}", [*service_command("assessment"), kind],
               {**assessment_env, "OPS_PORT": str(ops)}, f"http://127.0.0.1:{ops}/health/ready")
    stack.urls = {"identity": identity_url, "organizations": organizations_url, "campaigns": campaigns_url,
                  "assessment": assessment_url, "reporting": reporting_url, "certification": certification_url}
    stack.gateway_env = {**common, **{f"{name.upper()}_URL": url for name, url in stack.urls.items()},
                         "RATELIMIT_ENABLED": "false", "WEB_ROOT": os.environ.get("WEB_ROOT", "")}
    if os.environ.get("EDGE", "") == "haproxy":
        # The HAProxy edge on the gateway's port (gateway/README.md, "The HAProxy edge"), the Python gateway
        # behind it for the web faces and the OpenAPI catalogue.
        behind = free_port()
        _start(stack, "gateway", [*service_command("gateway"), "api", "--bind", f"127.0.0.1:{behind}"],
               {**stack.gateway_env, "TRUSTED_PROXIES": "1"}, f"http://127.0.0.1:{behind}/health/ready")
        _start(stack, "edge", [*service_command("gateway"), "edge", "--bind", f"127.0.0.1:{ports['gateway']}",
                               "--gateway-url", f"http://127.0.0.1:{behind}",
                               "--workdir", str(tmp_path_factory.mktemp("edge"))],
               {**stack.gateway_env, "EDGE_KEYS_REFRESH_SECONDS": "5"}, f"{stack.gateway}/health/ready")
    else:
        _start(stack, "gateway", [*service_command("gateway"), "api", "--bind", f"127.0.0.1:{ports['gateway']}"],
               stack.gateway_env, f"{stack.gateway}/health/ready")
    try:
        for process in stack.processes.values():
            process.wait_ready(60)
        yield stack
    finally:
        for process in stack.processes.values():
            process.stop()
        proxy.close()
