"""The command line, run as a user runs it: exit codes, stdout and stderr, no tracebacks.

In-process through click's CliRunner (see ``run_cli``), except the end-to-end tests that start
``python -m sanctionsengine`` and the console script as real processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import ARTICLE, LIST_ARGS, ROOT, UN_LIST, VESSELS_CSV, VESSELS_JSON, run_cli


def test_evaluate_prints_the_article_report_and_exits_1_on_violations(sources_dir: Path) -> None:
    # end to end in a real process: `python -m`, imports, pipes and the exit status as a shell sees them
    result = run_cli("evaluate", str(ARTICLE), "--sources", str(sources_dir), *LIST_ARGS, subprocess=True)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("# Sanctions evaluation: ")
    assert "| violation | 4 |" in result.stdout
    assert all(line.startswith("warning: ") for line in result.stderr.splitlines()), result.stderr  # list ages


def test_fail_on_never_exits_0(sources_dir: Path) -> None:
    result = run_cli("evaluate", str(ARTICLE), "--sources", str(sources_dir), "--fail-on", "never", *LIST_ARGS)
    assert result.returncode == 0


@pytest.mark.parametrize("spelling", ["potential-violation", "potential_violation"])
def test_fail_on_takes_the_hyphen_and_the_underscore_spelling(spelling: str, sources_dir: Path) -> None:
    from sanctionsengine.cli_common import FAIL_ON

    assert FAIL_ON.convert(spelling, None, None) == "potential_violation"
    result = run_cli("evaluate", str(ARTICLE), "--sources", str(sources_dir), "--fail-on", spelling, *LIST_ARGS)
    assert result.returncode == 1, result.stderr  # the article's events include violations
    assert "[violation|potential-violation|never]" in run_cli("screen", "--help").stdout


def test_json_to_a_file(tmp_path: Path, sources_dir: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli(
        "evaluate", str(ARTICLE), "--sources", str(sources_dir), "--format", "json", "-o", str(out), *LIST_ARGS
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "wrote" in result.stderr and "4 violation" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["events"]) == 23


def test_as_of_changes_the_law_applied(sources_dir: Path) -> None:
    result = run_cli(
        "evaluate", str(ARTICLE), "--sources", str(sources_dir), "--format", "json", "--as-of", "2017-06-01", *LIST_ARGS
    )
    data = json.loads(result.stdout)
    aurus = next(e for e in data["events"] if e["id"] == "aurus-limousine")
    assert {f["rule_id"] for f in aurus["findings"]} == {"dprk.luxury.supply"}
    assert data["inputs"]["as_of"] == "2017-06-01"


def test_validate_is_quiet_but_confirms(sources_dir: Path) -> None:
    result = run_cli("validate", str(ARTICLE), "--sources", str(sources_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ") and "23 events" in result.stdout


def test_rules_list_and_show() -> None:
    listed = run_cli("rules", "list")
    assert listed.returncode == 0
    assert "dprk.luxury.supply" in listed.stdout and "S/RES/1718 (2006) OP8(a)(iii)" in listed.stdout
    shown = run_cli("rules", "show", "dprk.labour.repatriation")
    assert shown.returncode == 0
    assert shown.stdout.startswith("# rules/un-dprk/labour.yaml:")
    assert "paragraph: OP8" in shown.stdout
    missing = run_cli("rules", "show", "dprk.labour.repatriaton")
    assert missing.returncode == 2 and "did you mean 'dprk.labour.repatriation'?" in missing.stderr


def test_rules_list_refuses_an_unknown_family_with_a_suggestion() -> None:
    wrong = run_cli("rules", "list", "--family", "oill")
    assert wrong.returncode == 2 and "no rules match" not in wrong.stderr
    assert "bad-value" in wrong.stderr and "did you mean 'oil'?" in wrong.stderr
    right = run_cli("rules", "list", "--family", "oil")
    assert right.returncode == 0 and "dprk.oil." in right.stdout


def test_rules_list_as_of_and_json() -> None:
    result = run_cli("rules", "list", "--as-of", "2017-01-01", "--format", "json")
    ids = {r["id"] for r in json.loads(result.stdout)}
    assert "dprk.luxury.supply" in ids and "dprk.labour.repatriation" not in ids


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["evaluate", "--help"],
        ["validate", "--help"],
        ["rules", "--help"],
        ["rules", "list", "--help"],
        ["rules", "show", "--help"],
        ["rules", "groups", "--help"],
        ["screen", "--help"],
        ["lists", "--help"],
        ["lists", "fetch", "--help"],
        ["lists", "add", "--help"],
        ["lists", "show", "--help"],
    ],
)
def test_every_command_has_help(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_help_documents_exit_codes() -> None:
    assert "Exit codes" in run_cli("--help").stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["evaluate", "no-such-file.yaml"], "no-such-file.yaml: file-not-found: no such file"),
        (["evaluate", str(ARTICLE), "--as-of", "2024-02-30"], "'2024-02-30' is not a date"),
        (["evaluate", str(ARTICLE), "--rules", "no/such/dir"], "rulebook directory not found"),
        (["evaluate", str(ARTICLE), "--sources", "no/such/dir"], "sources directory not found"),
        (["evaluate", str(ROOT / "README.md")], "README.md:"),
        (["evaluate", str(ARTICLE), "--list", "no/such/list.xml"], "no/such/list.xml: file-not-found"),
        (["screen", "x", "--name-threshold", "150"], "150.0 is not in the range 1<=x<=100"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(args: list[str], fragment: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_diagnostics_as_json() -> None:
    result = run_cli("validate", "tests/data/invalid/scenarios/unknown-kind.yaml", "--diagnostics-format", "json")
    assert result.returncode == 2
    [d] = json.loads(result.stderr)
    assert d["code"] == "unknown-value" and d["line"] == 7 and d["hint"] == "did you mean 'transfer'?"


def test_python_m_and_console_script_agree() -> None:
    import shutil
    import subprocess
    import sys

    # the script is installed beside the interpreter (a virtual environment need not be on PATH)
    beside = Path(sys.executable).parent / "sanctionsengine"
    exe = str(beside) if beside.exists() else shutil.which("sanctionsengine")
    assert exe, "the console script is installed"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("sanctionsengine, version ")
    assert run_cli("--version", subprocess=True).stdout == out


def test_a_malformed_rule_file_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    import shutil

    from .conftest import RULES

    rules = tmp_path / "un-dprk"
    shutil.copytree(RULES, rules)
    oil = rules / "oil.yaml"
    oil.write_text(oil.read_text(encoding="utf-8").replace("          paragraph: OP4\n", "", 1), encoding="utf-8")
    result = run_cli("evaluate", str(ARTICLE), "--rules", str(rules))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "oil.yaml:" in line and "rule dprk.oil.crude-oil: versions[0].citation.paragraph: field required" in line
    assert "Traceback" not in result.stderr


# --- screening and the list cache ----------------------------------------------------------------


def _cache_env(tmp_path: Path) -> dict[str, str]:
    import os

    return {**os.environ, "SANCTIONSENGINE_CACHE": str(tmp_path / "cache")}


def test_screen_a_misspelt_vessel_name(tmp_path: Path) -> None:
    result = run_cli(
        "screen", "Chonmasan", "--kind", "vessel", "--vessels", str(VESSELS_JSON), env=_cache_env(tmp_path)
    )
    assert result.returncode == 1, result.stderr
    assert "IMO 8660313" in result.stdout and "possible" in result.stdout and "name: CHON MA SAN" in result.stdout
    assert "1 match; a name match is not an identity" in result.stdout


def test_screen_a_clearly_different_name_finds_nothing(tmp_path: Path) -> None:
    result = run_cli(
        "screen", "Ocean Breeze", "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON), env=_cache_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "no match for 'Ocean Breeze' at threshold 90" in result.stdout


def test_screen_an_identifier_as_json(tmp_path: Path) -> None:
    result = run_cli("screen", "KPe.020", "--list", str(UN_LIST), "--format", "json", env=_cache_env(tmp_path))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [(m["reference"], m["method"], m["definite"]) for m in data["matches"]] == [
        ("KPe.020", "un-reference", True)
    ]


def test_screen_without_any_list_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli("screen", "Chonmasan", env=_cache_env(tmp_path))
    assert result.returncode == 2
    assert "no list to screen against" in result.stderr and "lists fetch" in result.stderr
    assert "Traceback" not in result.stderr


def test_lists_add_then_show_then_screen_from_the_cache(tmp_path: Path) -> None:
    env = _cache_env(tmp_path)
    assert "no lists cached" in run_cli("lists", "show", env=env).stdout
    for path in (UN_LIST, VESSELS_CSV):
        added = run_cli("lists", "add", str(path), env=env)
        assert added.returncode == 0, added.stderr
    shown = run_cli("lists", "show", env=env)
    assert "2026-05-08" in shown.stdout and "155 entries" in shown.stdout and "59 entries" in shown.stdout
    assert str(UN_LIST.resolve()) in shown.stdout
    screened = run_cli("screen", "Jang Myong Jin", env=env)
    assert screened.returncode == 1 and "KPi.007" in screened.stdout


def test_lists_add_refuses_a_file_that_is_not_a_list_and_keeps_the_cache(tmp_path: Path) -> None:
    env = _cache_env(tmp_path)
    assert run_cli("lists", "add", str(UN_LIST), env=env).returncode == 0
    bad = tmp_path / "other.xml"
    bad.write_text("<OTHER/>")
    result = run_cli("lists", "add", str(bad), env=env)
    assert result.returncode == 2
    assert f"{bad}: bad-file: not the UN consolidated list XML" in result.stderr
    assert "155 entries" in run_cli("lists", "show", env=env).stdout


def test_lists_add_says_a_file_that_is_neither_kind_of_list_is_not_one(tmp_path: Path) -> None:
    env = _cache_env(tmp_path)
    result = run_cli("lists", "add", str(ROOT / "README.md"), env=env)
    assert result.returncode == 2
    assert "bad-file: not a UN list XML or a vessels list (JSON/CSV)" in result.stderr
    assert "no vessels in this list" not in result.stderr
    assert "no lists cached" in run_cli("lists", "show", env=env).stdout


def test_lists_fetch_stores_what_it_downloads(tmp_path: Path) -> None:
    env = _cache_env(tmp_path)
    result = run_cli("lists", "fetch", "--url", UN_LIST.resolve().as_uri(), env=env)
    assert result.returncode == 0, result.stderr
    assert "1718 / DPRK records" in result.stdout


def test_lists_fetch_without_network_says_what_to_do(tmp_path: Path) -> None:
    env = _cache_env(tmp_path)
    result = run_cli("lists", "fetch", "--url", "http://127.0.0.1:9/consolidated.xml", "--timeout", "5", env=env)
    assert result.returncode == 3
    assert "could not download the list" in result.stderr and "lists add FILE" in result.stderr


def test_evaluate_names_the_lists_it_screened(tmp_path: Path, sources_dir: Path) -> None:
    result = run_cli(
        "evaluate", str(ARTICLE), "--sources", str(sources_dir), "--list", str(UN_LIST), "--vessels",
        str(VESSELS_JSON), "--format", "json", env=_cache_env(tmp_path),
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert [lst["entries"] for lst in data["inputs"]["lists"]] == [155, 59]
    assert data["inputs"]["name_threshold"] == 90


def test_evaluate_without_lists_says_none_was_screened(tmp_path: Path, sources_dir: Path) -> None:
    result = run_cli("evaluate", str(ARTICLE), "--sources", str(sources_dir), "--no-lists", env=_cache_env(tmp_path))
    assert "| Lists | none loaded: parties and vessels were not screened |" in result.stdout
    assert "parties not screened" in result.stderr


def test_a_stale_list_is_refused(tmp_path: Path, sources_dir: Path) -> None:
    result = run_cli("evaluate", str(ARTICLE), "--list", str(UN_LIST), "--max-list-age", "1", env=_cache_env(tmp_path))
    assert result.returncode == 2
    assert "older than the 1 days allowed" in result.stderr
