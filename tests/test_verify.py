"""`sanctionsengine verify`: a report is re-run from its inputs and confirmed or refuted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import ARTICLE, UN_LIST, VESSELS_JSON, run_cli


def _report(tmp_path: Path, sources_dir: Path, *extra: str) -> Path:
    out = tmp_path / "report.json"
    result = run_cli(
        "evaluate", str(ARTICLE), "--sources", str(sources_dir), "--format", "json", "-o", str(out),
        *(extra or ("--no-lists",)),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    return out


def test_an_untouched_report_is_confirmed(tmp_path: Path, sources_dir: Path) -> None:
    out = _report(
        tmp_path, sources_dir, "--list", str(UN_LIST), "--vessels", str(VESSELS_JSON), "--as-of", "2024-06-30"
    )
    result = run_cli("verify", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical: re-running" in result.stdout
    assert "audit: these bytes are audit record" in result.stdout


def test_a_report_whose_findings_were_edited_is_refuted(tmp_path: Path, sources_dir: Path) -> None:
    out = _report(tmp_path, sources_dir)
    data = json.loads(out.read_text(encoding="utf-8"))
    event = next(e for e in data["events"] if e["verdict"] == "violation")
    event["verdict"] = "not_prohibited"
    event["findings"][0]["outcome"] = "exempt"
    event["findings"][0]["citation"] = "S/RES/9999 (2030) OP1"
    out.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run_cli("verify", str(out))
    assert result.returncode == 1
    eid, rid = event["id"], event["findings"][0]["rule_id"]
    assert f'events[id={eid}].verdict: the report says "not_prohibited", the re-run "violation"' in result.stdout
    assert f"events[id={eid}].findings[rule_id={rid}].outcome" in result.stdout
    assert f"events[id={eid}].findings[rule_id={rid}].citation" in result.stdout
    assert "not in the audit log" in result.stdout


def test_a_report_with_a_removed_finding_is_refuted(tmp_path: Path, sources_dir: Path) -> None:
    out = _report(tmp_path, sources_dir)
    data = json.loads(out.read_text(encoding="utf-8"))
    event = next(e for e in data["events"] if len(e["findings"]) > 1)
    gone = event["findings"].pop()["rule_id"]
    out.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("verify", str(out), "--format", "json")
    assert result.returncode == 1
    found = json.loads(result.stdout)
    assert found["identical"] is False
    assert (
        f"events[id={event['id']}].findings[rule_id={gone}]: in the re-run, not in the report" in found["differences"]
    )


def test_a_changed_input_cannot_be_verified(tmp_path: Path, sources_dir: Path) -> None:
    scenario = tmp_path / "s.yaml"
    shutil.copy(ARTICLE, scenario)
    out = tmp_path / "r.json"
    run_cli("evaluate", str(scenario), "--sources", str(sources_dir), "--format", "json", "-o", str(out), "--no-lists")
    scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = run_cli("verify", str(out))
    assert result.returncode == 2
    assert "source-mismatch: the scenario is missing or has changed since the report" in result.stderr


def test_a_report_moved_elsewhere_is_verified_with_base(tmp_path: Path, sources_dir: Path) -> None:
    out = _report(tmp_path, sources_dir)
    elsewhere = tmp_path / "case-file"
    elsewhere.mkdir()
    moved = elsewhere / "report.json"
    shutil.move(out, moved)
    repo = Path(__file__).resolve().parent.parent
    result = run_cli("verify", str(moved), "--base", str(repo), cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr


def test_not_a_report_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"a": 1}')
    result = run_cli("verify", str(bad))
    assert result.returncode == 2 and "not a sanctionsengine JSON report" in result.stderr
    broken = tmp_path / "y.json"
    broken.write_text('{\n  "a": \n}')
    result = run_cli("verify", str(broken))
    assert result.returncode == 2 and f"{broken}:3:1: bad-file: not a JSON report" in result.stderr
    assert "Traceback" not in result.stderr
