#!/usr/bin/env bash
# Re-create the locks from pyproject.toml: the exact versions the app (requirements/app.txt) and the test
# suite (requirements/test.txt) are installed with. Run after changing a dependency in pyproject.toml, then
# run the tests (`bash scripts/test-newest.sh` first shows whether the newest releases pass).
# `uv pip compile` resolves for every platform (--universal) from Python 3.11 up; `--upgrade` moves every
# pin to the newest release pyproject.toml allows (without it, existing pins are kept where they still fit).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install -q "uv>=0.5"
common=(--universal --python-version 3.11 --quiet "$@")
python3 -m uv pip compile pyproject.toml "${common[@]}" -o requirements/app.txt
python3 -m uv pip compile pyproject.toml --extra test "${common[@]}" -o requirements/test.txt
echo "locked: requirements/app.txt ($(grep -c '==' requirements/app.txt) pins)," \
     "requirements/test.txt ($(grep -c '==' requirements/test.txt) pins)"
