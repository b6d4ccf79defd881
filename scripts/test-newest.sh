#!/usr/bin/env bash
# Install the NEWEST releases pyproject.toml allows (ignoring the locks) into a scratch virtual
# environment and run the whole suite there, so moving the locks forward (`bash scripts/lock.sh --upgrade`)
# is a checked step. Prints which versions differ from requirements/test.txt. Leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
# shellcheck disable=SC1091
. "$scratch/venv/bin/activate"
bash scripts/install-test-packages.sh
python -m pip install -q --upgrade --upgrade-strategy eager -e ".[test]"
echo "== newest releases that differ from the lock (lock -> newest):"
python - <<'PY'
import re, subprocess, sys
lock = {}
for line in open("requirements/test.txt", encoding="utf-8"):
    m = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
    if m:
        lock.setdefault(m.group(1).lower().replace("_", "-"), m.group(2))
out = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True).stdout
for line in out.splitlines():
    name, _, ver = line.partition("==")
    key = name.lower().replace("_", "-")
    if key in lock and lock[key] != ver:
        print(f"   {name}: {lock[key]} -> {ver}")
PY
python -m pytest "$@"
