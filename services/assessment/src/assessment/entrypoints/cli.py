"""``assessment``: the service's processes (api, consumer, relay, migrate...)."""

from assessment.bootstrap import bootstrap
from svckit.cli import ServiceDefinition, service_cli

main = service_cli(ServiceDefinition(
    name="assessment",
    app_factory="assessment.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="assessment:migrations",
))
