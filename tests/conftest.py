"""Shared fixtures: the repository's paths, the bundled rulebook, the article scenario.

Source texts and reference data are read from ``../shared`` beside the repository (CI checks it
out there); they are never copied into the project.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from sanctionsengine.rulebook import Rulebook, load_rulebook

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "un-dprk"
SCENARIOS = ROOT / "scenarios"
ARTICLE = SCENARIOS / "pyongyang-visit-2024.yaml"
SHARED = Path(os.environ.get("SANCTIONSENGINE_SHARED", ROOT.parent / "shared"))
SOURCES = SHARED / "sources"
DATA = SHARED / "data"
# evaluations run by the tests are audited here, never in the user's own audit log
TEST_AUDIT_DB = Path(tempfile.mkdtemp(prefix="sanctionsengine-test-audit-")) / "audit.sqlite"
os.environ.setdefault("SANCTIONSENGINE_AUDIT_DB", str(TEST_AUDIT_DB))
UN_LIST = DATA / "un-1718" / "dprk-1718-list.xml"
CONSOLIDATED = DATA / "un-1718" / "consolidated.xml"
VESSELS_JSON = DATA / "un-1718" / "dprk-1718-vessels.json"
VESSELS_CSV = DATA / "un-1718" / "dprk-1718-vessels.csv"
#: The shared lists, for a command that must screen (without a list it refuses: list-missing)
LIST_ARGS = ("--list", str(UN_LIST), "--vessels", str(VESSELS_JSON))


@pytest.fixture(scope="session")
def book() -> Rulebook:
    return load_rulebook(RULES)


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not (SOURCES / "pyongyang-visit-2024.ar.txt").exists():
        pytest.fail(f"the shared source texts are expected at {SOURCES} (set SANCTIONSENGINE_SHARED)")
    return SOURCES


def run_cli(
    *args: str, cwd: Path = ROOT, input_text: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would, in a subprocess (with an empty list cache by default)."""
    if env is None:
        env = {
            **os.environ,
            "SANCTIONSENGINE_CACHE": str(ROOT / ".pytest-empty-cache"),
            "SANCTIONSENGINE_AUDIT_DB": str(TEST_AUDIT_DB),
        }
    return subprocess.run(
        [sys.executable, "-m", "sanctionsengine", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=300,
    )


def exit_code_in_child(target: Callable[..., object], *args: object) -> int | None:
    """Run target(*args) in a fresh (spawned) process and return its exit code, so that a crash
    inside durable-rules' C engine fails the calling test instead of killing the test run."""
    child = multiprocessing.get_context("spawn").Process(target=target, args=args)
    child.start()
    child.join(120)
    return child.exitcode
