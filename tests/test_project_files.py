"""The project's own files agree: the lock pins what pyproject.toml names, CI runs the README's test
command, and no file sends its reader to something a user does not have."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _named(extra: str | None) -> dict[str, Requirement]:
    reqs = list(PYPROJECT["project"]["dependencies"])
    if extra:
        reqs += PYPROJECT["project"]["optional-dependencies"][extra]
    return {canonicalize_name(r.name): r for r in map(Requirement, reqs)}


def _lock(path: Path) -> tuple[dict[str, list[str]], set[str]]:
    """Pins (name → versions; one per platform marker) and the names the lock says come from pyproject."""
    pins: dict[str, list[str]] = {}
    top: set[str] = set()
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            current = canonicalize_name(m.group(1))
            pins.setdefault(current, []).append(m.group(2))
        elif current and "pyproject.toml" in line:
            top.add(current)
        elif line and not line.startswith(" "):
            current = None
    return pins, top


@pytest.mark.parametrize(("lock", "extra"), [("app.txt", None), ("test.txt", "test")])
def test_the_lock_pins_exactly_what_pyproject_names(lock: str, extra: str | None) -> None:
    named = _named(extra)
    pins, top = _lock(ROOT / "requirements" / lock)
    unpinned = sorted(set(named) - set(pins))
    assert not unpinned, f"pyproject.toml names {unpinned} but requirements/{lock} does not pin them: " \
                         "run `bash scripts/lock.sh`"
    stale = sorted(top - set(named))
    assert not stale, f"requirements/{lock} pins {stale} for pyproject.toml, which no longer names them"
    assert set(named) <= top, "every top-level dependency is marked as coming from pyproject.toml"
    for name, req in named.items():
        for version in pins[name]:
            assert req.specifier.contains(version, prereleases=True), \
                f"requirements/{lock} pins {name}=={version}, outside pyproject.toml's {req.specifier}"


def test_the_app_lock_is_the_test_lock_without_the_test_extra() -> None:
    app, _ = _lock(ROOT / "requirements" / "app.txt")
    test, _ = _lock(ROOT / "requirements" / "test.txt")
    differ = {n: (v, test.get(n)) for n, v in app.items() if test.get(n) != v}
    assert not differ, f"the two locks pin these differently: {differ}; run `bash scripts/lock.sh`"


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", setup, re.S)]


def test_the_readme_gives_two_commands_that_install_from_the_lock() -> None:
    start, test = _readme_commands()
    assert "-r requirements/app.txt" in start and "streamlit run streamlit_app.py" in start
    assert "-r requirements/test.txt" in test and test.endswith("python -m pytest")


def test_ci_runs_the_readmes_test_command_in_a_fresh_virtual_environment() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = _readme_commands()[1]
    assert test_command in ci.splitlines()
    lines = [ln for ln in ci.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    venv_made = next(i for i, ln in enumerate(lines) if "-m venv" in ln and "mktemp" not in ln)
    activated = next(i for i, ln in enumerate(lines) if "bin/activate" in ln)
    assert venv_made < activated < lines.index(test_command)
    assert 'mktemp -d' in ci and "trap 'rm -rf" in ci  # outside the checkout, removed afterwards


def test_no_project_file_sends_its_reader_to_files_users_do_not_have() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    offenders = []
    for name in tracked.splitlines():
        path = ROOT / name
        if name.startswith("tests/test_project_files.py") or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if re.search(r"\.\./shared|shared/(DOMAIN|ENGINEERING)\.md", text):
            offenders.append(name)
    assert not offenders, f"these point at ../shared, which users do not have: {offenders}"
