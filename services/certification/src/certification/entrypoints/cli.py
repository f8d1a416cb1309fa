"""``certification``: the service's processes (api, consumer, relay, migrate, idempotency prune...)."""

from certification.bootstrap import bootstrap
from svckit.cli import ServiceDefinition, service_cli

main = service_cli(ServiceDefinition(
    name="certification",
    app_factory="certification.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="certification:migrations",
))
