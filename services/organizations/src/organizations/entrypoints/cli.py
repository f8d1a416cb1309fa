"""``organizations``: the service's processes (api, consumer, relay, migrate...)."""

from organizations.bootstrap import bootstrap
from svckit.cli import ServiceDefinition, service_cli

main = service_cli(ServiceDefinition(
    name="organizations",
    app_factory="organizations.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="organizations:migrations",
))
