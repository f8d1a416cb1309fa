#!/usr/bin/env bash
# Create .venv (if missing) and install every package of the repository, editable, with the
# pinned versions of requirements/lock.txt; build the web faces; make sure Chromium is there. Re-run whenever a pyproject or requirement changes
# (the Makefile does it for you).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed (found $("$PYTHON" --version 2>&1)); set PYTHON=..." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
packages=(-e libs/msgkit -e libs/svckit -e libs/irt)
for service in services/*/; do packages+=(-e "$service"); done
packages+=(-e gateway)
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt \
  -r requirements/dev.txt "${packages[@]}"

# The web faces: pinned by web/package-lock.json, built into the gateway's package (no network
# is needed after this, nor at run time).
if ! command -v npm >/dev/null; then
  echo "npm (Node.js 20.19 or newer) is needed to build the web faces" >&2
  exit 1
fi
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build -- --logLevel warn)

# The browser tests drive Debian's Chromium (Playwright's own browser download does not work
# offline): install it when missing and we may (root, apt), else say how.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "the browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2
  fi
fi
# The HAProxy edge (EDGE=haproxy, gateway/README.md) runs Debian's HAProxy: 2.6 (bookworm, 2.6.12 when
# written) is the first with everything the generated configuration uses (jwt_verify, http-after-response,
# retry-on, disable-l7-retry). Installed when missing and we may; the default edge (python) does not need it.
if ! command -v haproxy >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  else
    echo "EDGE=haproxy and the edge's tests need HAProxy 2.6 or newer: sudo apt-get install haproxy" >&2
  fi
fi
if command -v haproxy >/dev/null; then
  haproxy_version=$(haproxy -v | sed -n 's/^HAProxy version \([0-9]*\.[0-9]*\).*/\1/p')
  case "$haproxy_version" in
    1.*|2.[0-5]) echo "HAProxy $haproxy_version is too old for the edge: 2.6 or newer" >&2 ;;
  esac
fi
# Signing in through the GAR: identity's SAML checks run Debian's xmlsec1 (pysaml2 verifies signatures with it),
# and the demo GAR of make up and of identity's tests is Debian's SimpleSAMLphp served by PHP's own server
# (tools/saml_idp.py, configured from tools/idp/). Installed when missing and we may (bookworm: SimpleSAMLphp 1.19).
saml_packages=()
command -v xmlsec1 >/dev/null || saml_packages+=(xmlsec1)
[ -d /usr/share/simplesamlphp/www ] || saml_packages+=(simplesamlphp)
command -v php >/dev/null || saml_packages+=(php-cli)
php -m 2>/dev/null | grep -qx dom || saml_packages+=(php-xml)
php -m 2>/dev/null | grep -qx mbstring || saml_packages+=(php-mbstring)
if [ ${#saml_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # No recommends: SimpleSAMLphp asks for a web server, met by the small webfs (never started: php -S serves).
    saml_install() {
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${saml_packages[@]}" \
        php-cli php-xml php-mbstring php-cgi webfs >/dev/null
    }
    saml_install || { apt-get update -qq >/dev/null && saml_install; }  # package lists missing or stale: once more
    # webfs is there for the dependency only: where installing started its daemon (port 8000), stop it for good.
    { update-rc.d webfs disable && service webfs stop; } >/dev/null 2>&1 || true
  else
    echo "identity's SAML sign-in needs: sudo apt-get install --no-install-recommends xmlsec1 simplesamlphp php-cli php-xml php-mbstring" >&2
  fi
fi
touch .venv/.installed
echo "installed into .venv; web faces built into gateway/src/gateway/web"
