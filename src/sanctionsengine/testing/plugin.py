"""The pytest plugin (entry point ``pytest11``): compliance scenarios in Gherkin, no Python needed.

With sanctionsengine installed, any ``.feature`` file tagged ``@sanctionsengine`` on its
``Feature:`` line is collected by pytest and run with the step library in :mod:`.steps`; no test
module is needed. (A repository that prefers pytest-bdd's own binding can instead write
``from pytest_bdd import scenarios; scenarios("features")`` in one test module; the steps are
the same.) Failures print in compliance terms, never as a traceback.
"""

from __future__ import annotations

import re
import types
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import exceptions as bdd_exceptions
from pytest_bdd.feature import get_feature
from pytest_bdd.scenario import scenario as bdd_scenario

from .steps import _STEP_OBJ, STEP_KEY, ComplianceFailure, FeatureInputError, Where

pytest_plugins = ["sanctionsengine.testing.steps"]

TAG = "sanctionsengine"


def _display(path: str | Path, config: pytest.Config) -> str:
    p = Path(path)
    for base in (Path.cwd(), config.rootpath):
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return p.as_posix()


def is_compliance_feature(path: Path) -> bool:
    """A feature file whose tags before ``Feature:`` include ``@sanctionsengine``."""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                stripped = line.strip()
                if stripped.startswith("Feature:"):
                    return False
                if stripped.startswith("@") and re.search(r"(?:^|\s)@" + TAG + r"(?:\s|$)", stripped):
                    return True
    except (OSError, UnicodeDecodeError):
        return False
    return False


class FeatureError(Exception):
    """A feature file that cannot be read as Gherkin."""


class FeatureFile(pytest.Module):
    """A ``.feature`` file collected like a test module, one test per scenario (outline rows included)."""

    def _getobj(self) -> types.ModuleType:
        module = types.ModuleType(f"feature:{self.path.stem}")
        module.__file__ = str(self.path)
        try:
            feature = get_feature(str(self.path.parent), self.path.name)
        except bdd_exceptions.GherkinParseError as exc:
            raise FeatureError(
                f"{_display(self.path, self.config)}:{exc.line}: {exc.message.strip()}"
                f" (line: {exc.line_content.strip()})"
            ) from None
        used: set[str] = set()
        for name in feature.scenarios:
            base = "test_" + (re.sub(r"\W+", "_", name).strip("_").lower() or "scenario")
            test_name, n = base, 1
            while test_name in used:
                n += 1
                test_name = f"{base}_{n}"
            used.add(test_name)

            @bdd_scenario(self.path.name, name, features_base_dir=str(self.path.parent))
            def _run() -> None:
                pass

            _run.__name__ = test_name
            setattr(module, test_name, _run)
        return module

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, FeatureError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        try:
            return super().collect()
        except FeatureError:
            raise
        except bdd_exceptions.GherkinParseError as exc:
            raise FeatureError(f"{_display(self.path, self.config)}:{exc.line}: {exc.message.strip()}") from None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".feature" and is_compliance_feature(file_path):
        return FeatureFile.from_parent(parent, path=file_path)  # type: ignore[no-any-return]
    return None


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    """Remember where the running step is written, for error messages."""
    request.node.stash[STEP_KEY] = Where(_display(feature.filename, request.config), step.line_number)
    request.node.stash[_STEP_OBJ] = step


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is None or report.passed:
        return
    value = call.excinfo.value
    if isinstance(value, (ComplianceFailure, FeatureInputError)):
        report.longrepr = str(value)
    elif isinstance(value, bdd_exceptions.StepDefinitionNotFoundError):
        report.longrepr = (
            f"{value}\n  (the steps sanctionsengine understands are listed in docs/steps.md, "
            "or by `sanctionsengine generate --steps-guide -`)"
        )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{TAG}: a compliance scenario run with the sanctionsengine steps")
