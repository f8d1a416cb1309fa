"""The demo GAR: Debian's SimpleSAMLphp as a SAML 2.0 identity provider, configured from ``tools/idp/``.

``python tools/saml_idp.py --port 8110 --sp ENTITY_ID=ACS_URL`` makes a throw-away signing key and certificate
in the run folder when it has none (never committed; ``.run/idp`` for make up, a new folder for each test
session; identity reads the certificate from the IdP's metadata),
then serves SimpleSAMLphp's pages with ``php -S`` in its place (``exec``: supervisord's program is PHP itself).
``make up`` runs it as the program ``idp``; identity's tests start it on a free port (``start``).
Its people (demo pupils of the demo school, one teacher) are in ``tools/idp/config/authsources.php``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

IDP = Path(__file__).resolve().parent / "idp"
WWW = Path("/usr/share/simplesamlphp/www")  # Debian's simplesamlphp package (tools/install.sh installs it)
METADATA_PATH = "saml2/idp/metadata.php"


def available() -> str | None:
    """Why the IdP cannot run here, or None."""
    if not WWW.is_dir():
        return "SimpleSAMLphp is not installed (apt-get install simplesamlphp php-cli php-xml php-mbstring)"
    if shutil.which("php") is None:
        return "php is not installed (apt-get install php-cli)"
    return None


def make_certificate(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "demo GAR")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
                   .not_valid_after(now + timedelta(days=365)).sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / "idp.key"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)
    (folder / "idp.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def prepare(run_dir: Path, port: int, service_providers: list[dict[str, str]], host: str = "127.0.0.1") -> tuple[
        list[str], dict[str, str]]:
    """The command and environment that serve the IdP; a new key and certificate in run_dir/cert if none is there
    (identity keeps the IdP's metadata it read: a restarted IdP must sign with the same key)."""
    for sub in ("cert", "log", "data", "tmp", "sessions"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    if not (run_dir / "cert" / "idp.crt").exists():  # kept while the run folder is: a restarted IdP signs as before
        make_certificate(run_dir / "cert")
    base = f"http://{host}:{port}/"
    env = {
        **os.environ,
        "SIMPLESAMLPHP_CONFIG_DIR": str(IDP / "config"),
        "IDP_RUN_DIR": str(run_dir.resolve()),
        "IDP_BASE_URL": base,
        "IDP_ENTITY_ID": base + METADATA_PATH,
        "IDP_SECRET_SALT": secrets.token_hex(16),
        "IDP_SERVICE_PROVIDERS": json.dumps(service_providers),
    }
    return ["php", "-S", f"{host}:{port}", "-t", str(WWW), str(IDP / "router.php")], env


def wait_ready(base: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + METADATA_PATH, timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def start(run_dir: Path, port: int, service_providers: list[dict[str, str]]) -> subprocess.Popen:
    """Start the IdP as a child process (the tests'), ready to answer; the caller terminates it."""
    command, env = prepare(run_dir, port, service_providers)
    log = open(run_dir / "php.log", "ab")  # noqa: SIM115 - kept open for the child's life
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_ready(f"http://127.0.0.1:{port}/")
    except OSError:
        process.terminate()
        raise
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--run-dir", type=Path, default=Path(__file__).resolve().parent.parent / ".run" / "idp")
    parser.add_argument("--sp", action="append", default=[], metavar="ENTITY_ID=ACS_URL",
                        help="a service provider it signs in to (repeat for several)")
    args = parser.parse_args()
    missing = available()
    if missing:
        raise SystemExit(missing)
    providers = [dict(zip(("entity_id", "acs"), sp.split("=", 1), strict=True)) for sp in args.sp]
    command, env = prepare(args.run_dir, args.port, providers)
    os.execvpe(command[0], command, env)  # noqa: S606 - php, our own command: supervisord stops it directly


if __name__ == "__main__":
    main()
