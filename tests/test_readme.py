"""The README's two commands and its output excerpt stay true."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import ARTICLE, LIST_ARGS, ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README)


def test_the_readme_gives_exactly_two_set_up_commands() -> None:
    commands = _commands()
    assert len(commands) == 2, commands
    run, test = commands
    assert "pip install ." in run and "sanctionsengine evaluate scenarios/pyongyang-visit-2024.yaml" in run
    assert "--list ../shared/data/un-1718/dprk-1718-list.xml" in run and "--vessels ../shared/data/" in run
    assert "pip install -e '.[test]'" in test and test.endswith("pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands()[1] in ci.splitlines()


def test_the_output_excerpt_is_real(sources_dir: Path) -> None:
    excerpt = README.split("<!-- README-EXCERPT-START -->")[1].split("<!-- README-EXCERPT-END -->")[0]
    lines = [line for line in excerpt.strip().strip("`").splitlines() if line.strip()]
    assert len(lines) > 10
    output = run_cli("evaluate", str(ARTICLE), "--sources", str(sources_dir), *LIST_ARGS).stdout
    missing = [line for line in lines if line not in output]
    assert not missing, missing


def test_every_runtime_dependency_is_explained() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = pyproject.split("dependencies = [")[1].split("]")[0]
    names = re.findall(r'^\s*"([A-Za-z0-9_.-]+)', block, flags=re.M)
    for name in names:
        assert name.lower() in README.lower(), f"README does not say what {name} is for"
