"""One command line: one error prefix, the documented exit codes for every failure, quiet broken
pipes, help for every option, right plurals, and a README remedy that matches the engine's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from sanctionsengine.audit import verify_chain
from sanctionsengine.cli import main
from sanctionsengine.engine import REMEDY
from sanctionsengine.wording import a, plural

from .conftest import ARTICLE, ROOT


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = [(prefix or "sanctionsengine", group)]
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            out += _commands(command, path)
        else:
            out.append((path, command))
    return out


def test_every_option_of_every_command_has_help() -> None:
    missing = []
    commands = _commands(main)
    assert len(commands) >= 15
    for path, command in commands:
        assert (command.help or "").strip(), f"{path} has no help"
        for param in command.params:
            if isinstance(param, click.Option) and not (param.help or "").strip():
                missing.append(f"{path} {param.opts[0]}")
    assert not missing, f"options without help: {missing}"


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--no-such-option"],
        ["evaluate"],
        ["evaluate", str(ARTICLE), "--format", "pdf"],
        ["rules", "list", "--as-of", "2024-13-01"],
        ["no-such-command"],
    ],
)
def test_click_usage_errors_carry_the_one_prefix(args: list[str]) -> None:
    result = _cli(*args)
    assert result.exit_code == 2
    assert "Error:" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error: ")]
    assert line[len("error: ") :][:1].islower() or line[len("error: ") :][:1] in "'\""


def test_an_unknown_rule_is_exit_2_in_the_diagnostic_form() -> None:
    result = _cli("rules", "show", "dprk.oil.crude-oill")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "<command line>: dangling-reference: no rule 'dprk.oil.crude-oill' in the rulebook; "
        "see `sanctionsengine rules list` (did you mean 'dprk.oil.crude-oil'?)"
    )


def test_report_into_a_missing_folder_is_exit_2_before_evaluating_and_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    out = tmp_path / "no-such-folder" / "report.json"
    result = _cli("evaluate", str(ARTICLE), "-o", str(out), "--audit-db", str(db), "--no-lists")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"{out}: file-not-found: -o cannot be written: the folder {out.parent} does not exist"
    )
    assert not db.exists() and not out.parent.exists()
    into_folder = _cli("evaluate", str(ARTICLE), "-o", str(tmp_path), "--audit-db", str(db), "--no-lists")
    assert into_folder.exit_code == 2 and "is a folder" in into_folder.stderr and not db.exists()


def _errors(stderr: str) -> str:
    """stderr without the run's warnings (lists not screened, list ages)."""
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("warning: ")).strip()


def test_a_failed_write_after_evaluating_is_exit_3_with_no_audit_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "audit.sqlite"
    out = tmp_path / "report.json"
    real = Path.write_bytes

    def disk_full(self: Path, data: bytes) -> int:
        if self.parent == tmp_path and self.name.endswith(".partial"):
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    result = _cli("evaluate", str(ARTICLE), "-o", str(out), "--audit-db", str(db), "--no-lists")
    assert result.exit_code == 3
    # (--no-lists: the run warns first that the parties were not screened)
    assert _errors(result.stderr) == f"error: cannot write {out}: No space left on device; nothing was recorded"
    assert not out.exists() and not db.exists()
    assert list(tmp_path.iterdir()) == []  # no partial file left behind


def test_a_written_report_has_its_record_and_says_so_in_good_english(tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    out = tmp_path / "report.json"
    result = _cli("evaluate", str(ARTICLE), "-o", str(out), "--format", "json", "--audit-db", str(db),
                  "--no-lists", "--fail-on", "never")  # fmt: skip
    assert result.exit_code == 0 and out.is_file()
    assert _errors(result.stderr).startswith(f"wrote {out} (") and "; audit record 1)" in result.stderr
    assert "parties not screened" in result.stderr  # --no-lists says so
    assert " 1 events" not in result.stderr
    assert verify_chain(db).records == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_a_closed_pipe_ends_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -1` that has already gone: every write fails with EPIPE
    try:
        result = subprocess.run(
            [sys.executable, "-m", "sanctionsengine", "rules", "groups"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert result.returncode in (0, 141), result.stderr
    assert result.stderr == ""


def test_plurals_and_articles() -> None:
    assert [plural(n, "event") for n in (0, 1, 2)] == ["0 events", "1 event", "2 events"]
    assert plural(1, "match") == "1 match" and plural(3, "match") == "3 matches"
    assert plural(2, "family") == "2 families" and plural(1, "family") == "1 family"
    assert plural(12_000, "row", thousands=True) == "12,000 rows"
    assert [a(w) for w in ("incident", "offer", "transfer", "employment")] == [
        "an incident",
        "an offer",
        "a transfer",
        "an employment",
    ]


def test_the_readme_remedy_for_python_3_13_is_the_engines_own() -> None:
    command = REMEDY[REMEDY.index("CPPFLAGS=") :]
    assert "--force-reinstall" in command
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert command in readme


def test_the_tests_audit_folder_is_removed_at_exit() -> None:
    from . import conftest

    assert conftest.TEST_AUDIT_DB.parent.name.startswith("sanctionsengine-test-audit-")
    assert conftest.remove_test_audit_folder in conftest.CLEANUPS


def test_a_bare_group_shows_its_help_not_an_error() -> None:
    for args in ([], ["rules"], ["audit"]):
        result = _cli(*args)
        assert result.exit_code == 2 and "Commands:" in result.stderr and "error:" not in result.stderr, args
    assert _cli("--version").exit_code == 0 and _cli("--help").exit_code == 0


def test_screen_outputs_into_a_missing_folder_are_exit_2_before_any_row(tmp_path: Path) -> None:
    data = tmp_path / "ledger.csv"
    data.write_text("date,supplier,recipient,hs\n2024-01-01,KP,CN,2701\n", encoding="utf-8")
    db = tmp_path / "audit.sqlite"
    gone = tmp_path / "gone"
    result = _cli("screen", str(data), "--findings", str(gone / "f.jsonl"), "--verdicts", str(gone / "v.csv"),
                  "--rejects", str(tmp_path / "r.jsonl"), "--audit-db", str(db), "--no-lists")  # fmt: skip
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [
        f"{gone / 'f.jsonl'}: file-not-found: --findings cannot be written: the folder {gone} does not exist",
        f"{gone / 'v.csv'}: file-not-found: --verdicts cannot be written: the folder {gone} does not exist",
        "2 problems in 2 files",
    ]
    assert not db.exists()
