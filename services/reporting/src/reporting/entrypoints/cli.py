"""``reporting``: the service's processes (api, consumer, relay, migrate...)."""

from reporting.bootstrap import bootstrap
from svckit.cli import ServiceDefinition, service_cli

main = service_cli(ServiceDefinition(
    name="reporting",
    app_factory="reporting.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="reporting:migrations",
))
