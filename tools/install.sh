#!/usr/bin/env bash
# Create .venv (if missing) and install every package of the repository, editable, with the
# pinned versions of requirements/lock.txt. Re-run whenever a pyproject or requirement changes
# (the Makefile does it for you).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed (found $("$PYTHON" --version 2>&1)); set PYTHON=..." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
packages=(-e libs/msgkit -e libs/svckit)
for service in services/*/; do packages+=(-e "$service"); done
packages+=(-e gateway)
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt \
  -r requirements/dev.txt "${packages[@]}"
touch .venv/.installed
echo "installed into .venv"
