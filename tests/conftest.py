"""Shared fixtures: the repository's paths, the bundled rulebook, the article scenario.

Source texts and reference data are read from ``../shared`` beside the repository (CI checks it
out there); they are never copied into the project.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import shutil
import subprocess as subprocess_module
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import sanctionsengine
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


def remove_test_audit_folder() -> None:
    """The test run's audit folder goes when the run ends (no /tmp/sanctionsengine-test-audit-* left)."""
    shutil.rmtree(TEST_AUDIT_DB.parent, ignore_errors=True)


CLEANUPS = [remove_test_audit_folder]
atexit.register(remove_test_audit_folder)
UN_LIST = DATA / "un-1718" / "dprk-1718-list.xml"
CONSOLIDATED = DATA / "un-1718" / "consolidated.xml"
VESSELS_JSON = DATA / "un-1718" / "dprk-1718-vessels.json"
MAIN_FILE = Path(sanctionsengine.__file__).parent / "__main__.py"
VESSELS_CSV = DATA / "un-1718" / "dprk-1718-vessels.csv"
#: The shared lists, for a command that must screen (without a list it refuses: list-missing)
LIST_ARGS = ("--list", str(UN_LIST), "--vessels", str(VESSELS_JSON))


@pytest.fixture(scope="session", autouse=True)
def _remove_the_test_audit_log() -> Iterator[None]:
    """The audit log the tests wrote goes when the session ends (no folder left behind in /tmp)."""
    yield
    shutil.rmtree(TEST_AUDIT_DB.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def book() -> Rulebook:
    return load_rulebook(RULES)


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not (SOURCES / "pyongyang-visit-2024.ar.txt").exists():
        pytest.fail(f"the shared source texts are expected at {SOURCES} (set SANCTIONSENGINE_SHARED)")
    return SOURCES


@dataclass
class CliResult:
    """What a command run returned: the same fields as ``subprocess.CompletedProcess``."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_cli(
    *args: str,
    cwd: Path = ROOT,
    input_text: str | None = None,
    env: dict[str, str] | None = None,
    subprocess: bool = False,
) -> CliResult:
    """Run the command as a user would (with an empty list cache by default).

    In-process by default, through click's ``CliRunner``: ``os.environ`` is replaced by ``env``
    and the working directory is ``cwd`` for the call, both restored after it; the exit code is
    what ``sys.exit`` was given, stdout and stderr are captured apart, and an exception that
    escaped the command is printed to stderr as the interpreter would (exit 1), so that a
    "no traceback" assertion still sees one. ``subprocess=True`` runs ``python -m
    sanctionsengine`` in a child process, for the few tests that need a real process (the
    ``python -m`` entry, signals, pipes, crashes inside the engine).
    """
    if env is None:
        env = {
            **os.environ,
            "SANCTIONSENGINE_CACHE": str(ROOT / ".pytest-empty-cache"),
            "SANCTIONSENGINE_AUDIT_DB": str(TEST_AUDIT_DB),
        }
    if subprocess:
        done = subprocess_module.run(
            [sys.executable, "-m", "sanctionsengine", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            input=input_text,
            timeout=300,
        )
        return CliResult(list(args), done.returncode, done.stdout, done.stderr)
    from click.testing import CliRunner

    from sanctionsengine.cli import main

    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        # what `python -m sanctionsengine` puts in sys.argv (the audit log records the command)
        sys.argv = [str(MAIN_FILE), *args]
        result = CliRunner().invoke(main, list(args), input=input_text, prog_name="python -m sanctionsengine")
    finally:
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    stderr = result.stderr
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return CliResult(list(args), result.exit_code, result.stdout, stderr)


def exit_code_in_child(target: Callable[..., object], *args: object) -> int | None:
    """Run target(*args) in a fresh (spawned) process and return its exit code, so that a crash
    inside durable-rules' C engine fails the calling test instead of killing the test run."""
    child = multiprocessing.get_context("spawn").Process(target=target, args=args)
    child.start()
    child.join(120)
    return child.exitcode
