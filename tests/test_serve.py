"""`sanctionsengine serve`: the HTTP API, run in-process through httpx's ASGI transport (no sockets).

Readiness fails closed (no list, a stale list, a rulebook that failed to load), every answer
names the rulebook hash and list versions, bad input is answered 422 with the CLI's located
messages, keys are checked against hashes, every request is in the audit log before it is
answered (503 when it cannot be), and a failed list refresh keeps the previous lists.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

pytest.importorskip("fastapi", reason="the serve extra is part of the test extra")

from sanctionsengine.audit import entries, verify_chain
from sanctionsengine.cli import main
from sanctionsengine.errors import InputError
from sanctionsengine.evaluation import evaluate as library_evaluate
from sanctionsengine.evaluation import load_lists
from sanctionsengine.rulebook import Rulebook
from sanctionsengine.scenario import load_scenario
from sanctionsengine.service import work
from sanctionsengine.service.app import Service, create_app, openapi_document
from sanctionsengine.service.auditing import AuditWriter
from sanctionsengine.service.config import ServiceConfig
from sanctionsengine.service.keys import KeyRing, digest, new_key, read_key_file
from sanctionsengine.service.state import Snapshot, State

from .conftest import ARTICLE, CONSOLIDATED, ROOT, RULES, UN_LIST, VESSELS_JSON

ARMS = {"date": "2024-06-19", "supplier": "KP", "recipient": "RU", "hs": ["9306"], "quantity": 100, "unit": "piece"}
ELSEWHERE = {"date": "2024-06-19", "supplier": "CN", "recipient": "FR", "hs": "8703", "quantity": 1, "unit": "vehicle"}
KEY = "se_test-key-for-the-suite"


class Client:
    """A synchronous face on httpx's ASGI transport: each call runs on its own event loop."""

    def __init__(self, app: Any):
        self.app = app

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.request(method, url, **kw)

        return asyncio.run(go())

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)


def _service(
    config: ServiceConfig, book: Rulebook | None, lists: tuple[Any, ...] = (), problems: tuple[str, ...] = ()
) -> Service:
    snap = Snapshot(book, problems, lists, "2026-01-01T00:00:00+00:00", 90.0, config)
    return Service(config, state=State.of(config, snap), writer=AuditWriter(config.audit_db))


@pytest.fixture(scope="module")
def lists() -> tuple[Any, ...]:
    return tuple(load_lists([UN_LIST], [VESSELS_JSON]))


@pytest.fixture
def audit_db(tmp_path: Path) -> Path:
    return tmp_path / "audit.sqlite"


@pytest.fixture
def make(book: Rulebook, lists: tuple[Any, ...], audit_db: Path) -> Iterator[Any]:
    made: list[Service] = []

    def build(**settings: Any) -> tuple[Client, Service]:
        with_lists = settings.pop("with_lists", True)
        settings.setdefault("audit_db", audit_db)
        settings.setdefault("api_key_hashes", (("suite", digest(KEY)),))
        config = ServiceConfig(un_lists=(UN_LIST,), vessel_lists=(VESSELS_JSON,), **settings)
        service = _service(config, book, lists if with_lists else ())
        made.append(service)
        return Client(create_app(config, service=service)), service

    yield build
    for service in made:
        service.writer.close()


AUTH = {"X-API-Key": KEY}


# --- readiness: fail closed ---------------------------------------------------------------------


def test_ready_with_a_rulebook_and_fresh_lists_and_every_answer_names_them(make: Any, book: Rulebook) -> None:
    client, _ = make()
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"
    assert r.headers["x-rulebook-hash"] == book.hash
    versions = r.headers["x-lists"].split(", ")
    assert [v.split(":")[0] for v in versions] == ["un", "vessels"]
    assert versions[0].startswith("un:2026-05-08:")
    body = r.json()["provenance"]
    assert body["rulebook"]["hash"] == book.hash
    assert [x["version"] for x in body["lists"]] == versions
    assert all(x["age_days"] is not None and x["age_days"] > 0 for x in body["lists"])
    assert r.headers["x-request-id"] == body["request_id"]


def test_not_ready_without_a_list_and_screening_is_refused(make: Any) -> None:
    client, _ = make(with_lists=False)
    r = client.get("/readyz")
    assert r.status_code == 503
    assert any("no screening list" in reason for reason in r.json()["reasons"])
    assert r.headers["x-lists"] == "none"
    refused = client.post("/v1/screen", json={"transaction": ARMS}, headers=AUTH)
    assert refused.status_code == 503 and "no screening list" in refused.json()["error"]
    assert client.get("/healthz").status_code == 200  # alive, though not ready


def test_not_ready_with_a_list_older_than_the_maximum_age(make: Any) -> None:
    client, _ = make(max_list_age_days=30)
    r = client.get("/readyz")
    assert r.status_code == 503
    reasons = r.json()["reasons"]
    assert any("dprk-1718-list.xml" in x and "older than the 30 days allowed" in x for x in reasons), reasons
    assert client.post("/v1/screen", json={"transaction": ARMS}, headers=AUTH).status_code == 503
    fresh, _ = make(max_list_age_days=100_000)
    assert fresh.get("/readyz").status_code == 200


def test_not_ready_after_a_failed_rulebook_load(tmp_path: Path, audit_db: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "arms.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    config = ServiceConfig(rules_dir=rules, un_lists=(UN_LIST,), auth=False, audit_db=audit_db)
    service = Service(config)
    try:
        client = Client(create_app(config, service=service))
        r = client.get("/readyz")
        assert r.status_code == 503
        assert any("rulebook failed to load" in x and "arms.yaml" in x for x in r.json()["reasons"])
        assert r.headers["x-rulebook-hash"] == "none"
        assert client.get("/v1/rules").status_code == 503
    finally:
        service.writer.close()


def test_list_ages_count_to_today_and_a_list_from_the_future_is_not_ready(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANCTIONSENGINE_TODAY", "2026-06-07")
    client, _ = make()
    r = client.get("/readyz")
    ages = {x["kind"]: (x["date"], x["age_days"]) for x in r.json()["provenance"]["lists"]}
    assert ages == {"un": ("2026-05-08", 30), "vessels": ("2020-06-04", 2194)}
    monkeypatch.setenv("SANCTIONSENGINE_TODAY", "2026-01-01")  # before the UN list's own date
    r = client.get("/readyz")
    assert r.status_code == 503
    assert any("list-date" in x and "from the future" in x for x in r.json()["reasons"]), r.json()["reasons"]


# --- screening ----------------------------------------------------------------------------------


def test_one_transaction_gets_its_verdict_findings_and_citations(make: Any) -> None:
    client, _ = make()
    r = client.post("/v1/screen", json={"transaction": ARMS}, headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "violation"
    (result,) = body["results"]
    assert {f["rule_id"] for f in result["findings"]} >= {"dprk.arms.export"}
    assert all(f["citation"].startswith("S/RES/") and "OP" in f["citation"] for f in result["findings"])


def test_a_batch_keeps_its_order_and_every_transaction_is_accounted_for(make: Any) -> None:
    client, _ = make()
    batch = [ARMS, ELSEWHERE, {**ARMS, "id": "third"}]
    body = client.post("/v1/screen", json={"transactions": batch}, headers=AUTH).json()
    assert [r["row"] for r in body["results"]] == [0, 1, 2]
    assert [r["verdict"] for r in body["results"]] == ["violation", "out_of_scope", "violation"]
    assert body["results"][2]["id"] == "third"
    assert sum(body["by_verdict"].values()) == 3 and body["verdict"] == "violation"


def test_the_verdicts_are_those_the_bulk_path_gives_the_same_rows(
    make: Any, book: Rulebook, lists: Any, tmp_path: Path
) -> None:
    from sanctionsengine.bulk.mapping import ColumnMapping
    from sanctionsengine.bulk.run import screen_file

    rows = [
        {**ARMS, "id": "a"},
        {**ELSEWHERE, "id": "b"},
        {"id": "c", "date": "2024-03-01", "supplier": "RU", "recipient": "KP", "recipient_name": "BANK OF EAST LAND"},
    ]
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text(
        "".join(json.dumps({k: (";".join(v) if isinstance(v, list) else v) for k, v in r.items()}) + "\n" for r in rows)
    )
    _, flagged = screen_file(ledger, ColumnMapping(), book, list(lists), threshold=90.0, findings=None, rejects=None)
    client, _ = make()
    served = client.post("/v1/screen", json={"transactions": rows}, headers=AUTH).json()["results"]
    by_id = {v.id: v for v in flagged}
    assert set(by_id) == {"a", "c"}  # the bulk path flags the arms row and the listed recipient
    for r in served:
        if r["id"] in by_id:
            assert r["verdict"] == by_id[r["id"]].verdict.value
            assert [f["rule_id"] for f in r["findings"]] == [f.rule_id for f in by_id[r["id"]].findings]
            assert [m["reference"] for m in r["matches"]] == [m.reference for m in by_id[r["id"]].matches]
        else:
            assert r["verdict"] == "out_of_scope"


def test_a_transaction_naming_what_no_loaded_list_could_match_is_refused(
    book: Rulebook, lists: Any, audit_db: Path
) -> None:
    config = ServiceConfig(un_lists=(UN_LIST,), auth=False, audit_db=audit_db)
    service = _service(config, book, tuple(x for x in lists if x.kind == "un"))
    try:
        client = Client(create_app(config, service=service))
        r = client.post("/v1/screen", json={"transaction": {**ELSEWHERE, "vessel": "CHON MA SAN"}})
        assert r.status_code == 422
        (problem,) = r.json()["problems"]
        assert problem.startswith("request: list-missing: the request's vessel names can only be screened against")
        assert "POST /v1/lists" in problem and "--no-lists" not in problem
        assert client.post("/v1/screen", json={"transaction": ELSEWHERE}).status_code == 200
    finally:
        service.writer.close()


def test_each_result_says_whether_its_parties_were_screened(make: Any) -> None:
    client, _ = make()
    batch = [{**ELSEWHERE, "supplier_name": "Novanova Holdings Co"}, ELSEWHERE]
    results = client.post("/v1/screen", json={"transactions": batch}, headers=AUTH).json()["results"]
    assert [(r["verdict"], r["screening"]) for r in results] == [
        ("out_of_scope", "screened-clear"),
        ("out_of_scope", "nothing-to-screen"),
    ]


def test_a_listed_name_is_matched_with_its_score(make: Any) -> None:
    client, _ = make()
    tx = {"date": "2024-03-01", "supplier": "RU", "recipient": "KP", "recipient_name": "Bank of East Land"}
    (result,) = client.post("/v1/screen", json={"transaction": tx}, headers=AUTH).json()["results"]
    (match,) = [m for m in result["matches"] if m["reference"] == "KPe.013"]
    assert match["score"] >= 90 and match["definite"] is False and match["role"] == "recipient"


def test_a_batch_over_the_limit_is_refused_at_its_place(make: Any) -> None:
    client, _ = make(max_batch=2)
    r = client.post("/v1/screen", json={"transactions": [ARMS, ARMS, ARMS]}, headers=AUTH)
    assert r.status_code == 422
    (problem,) = r.json()["problems"]
    assert problem.startswith("request:1:") and ": limit: 3 transactions" in problem and "at most 2" in problem


def test_bad_input_is_422_with_every_problem_located_as_the_cli_locates_it(make: Any) -> None:
    client, _ = make()
    body = '{"transactions": [\n  {"date": "2024-13-01", "supplier": "KP"},\n  {"date": "2024-01-02", "supplier": "XX"}\n]}'
    r = client.post("/v1/screen", content=body, headers=AUTH)
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert len(problems) == 2
    assert problems[0].startswith("request:2:3: bad-value: date '2024-13-01'")
    assert problems[1].startswith("request:3:3: bad-value: supplier 'XX' is not an ISO 3166")
    typo = client.post("/v1/screen", content='{"transaction": {"date": "2024-01-02",\n "suplier": "KP"}}', headers=AUTH)
    (line,) = typo.json()["problems"]
    assert (
        line.startswith("request:2:2: unknown-key: transaction.suplier: unknown key 'suplier'") and "supplier" in line
    )
    garbage = client.post("/v1/screen", content="{not json", headers=AUTH)
    assert garbage.status_code == 422 and garbage.json()["problems"][0].startswith("request:")
    both = client.post("/v1/screen", json={"transaction": ARMS, "transactions": [ARMS]}, headers=AUTH)
    assert both.status_code == 422 and "exactly one of" in both.json()["problems"][0]


def test_an_internal_error_is_a_500_without_its_text_or_a_stack_trace(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(work, "screen", broken)
    client, _ = make()
    r = client.post("/v1/screen", json={"transaction": ARMS}, headers=AUTH)
    assert r.status_code == 500
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    assert r.json()["error"].startswith("internal error (request ")
    assert r.headers["x-rulebook-hash"].startswith("sha256:")


# --- evaluate and rules ---------------------------------------------------------------------------


def test_a_scenario_document_gets_the_report_the_cli_gives(make: Any, lists: Any) -> None:
    client, _ = make()
    r = client.post("/v1/evaluate", content=ARTICLE.read_bytes(), headers=AUTH)
    assert r.status_code == 200, r.text[:500]
    served = r.json()["report"]
    direct = library_evaluate(ARTICLE, lists=list(lists))
    assert served["summary"] == direct.summary.model_dump(mode="json")
    assert [e["verdict"] for e in served["events"]] == [e.verdict.value for e in direct.events]
    assert served["run"]["id"] == r.headers["x-request-id"]


def test_a_bad_scenario_gets_the_cli_messages_at_the_same_lines(make: Any, tmp_path: Path) -> None:
    text = ARTICLE.read_text(encoding="utf-8").replace("kind: transfer", "kind: tranfser", 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as cli:
        load_scenario(path)
    expected = [line.split(":", 1)[1] for line in cli.value.diagnostics.lines()]
    client, _ = make()
    r = client.post("/v1/evaluate", content=text.encode(), headers=AUTH)
    assert r.status_code == 422
    assert [line.split(":", 1)[1] for line in r.json()["problems"]] == expected
    assert all(line.startswith("request:") for line in r.json()["problems"])


def test_rules_name_each_version_with_its_citation_and_dates(make: Any, book: Rulebook) -> None:
    client, _ = make()
    rules = client.get("/v1/rules", headers=AUTH).json()["rules"]
    assert len(rules) == len(book.rules)
    arms = next(r for r in rules if r["id"] == "dprk.arms.export")
    assert all(
        v["resolution"] and v["paragraph"].startswith("OP") and v["adopted"] and v["in_force_from"]
        for v in arms["versions"]
    )


# --- keys, limits ---------------------------------------------------------------------------------


def test_api_keys_are_required_on_v1_and_checked_against_their_hashes(make: Any) -> None:
    client, _ = make()
    assert client.get("/v1/lists").status_code == 401
    assert client.get("/v1/lists", headers={"X-API-Key": KEY + "x"}).status_code == 401
    assert client.get("/v1/lists", headers=AUTH).status_code == 200
    assert client.get("/v1/lists", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200


def test_a_key_file_holds_hashes_and_a_bad_line_is_located(tmp_path: Path) -> None:
    key, line = new_key("ops")
    good = tmp_path / "keys"
    good.write_text(f"# service keys\n{line}\n", encoding="utf-8")
    ring = KeyRing(read_key_file(good))
    assert ring.who(key) == "ops" and ring.who(key[:-1]) is None and ring.who(None) is None
    assert key not in good.read_text()
    bad = tmp_path / "bad"
    bad.write_text(f"{line}\nops {key}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_key_file(bad)
    (problem,) = exc.value.diagnostics.lines()
    assert problem.startswith(f"{bad}:2:1: bad-value:") and key not in problem


def test_the_key_is_never_in_the_audit_log(make: Any, audit_db: Path) -> None:
    client, _ = make()
    client.post("/v1/screen", json={"transaction": ARMS}, headers=AUTH)
    client.get("/v1/lists", headers={"X-API-Key": "se_a-wrong-guess"})
    with closing(sqlite3.connect(audit_db)) as conn:
        dump = "\n".join(conn.iterdump())
    assert KEY not in dump and "se_a-wrong-guess" not in dump
    assert "api-key:suite" in dump


def test_a_body_over_the_size_limit_is_refused(make: Any) -> None:
    client, _ = make(max_body_bytes=1024)
    big = json.dumps({"transactions": [ARMS] * 40})
    r = client.post("/v1/screen", content=big, headers=AUTH)
    assert r.status_code == 413 and "1,024 bytes" in r.json()["error"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for i in range(0, len(big), 100):
            yield big[i : i + 100].encode()

    assert client.post("/v1/screen", content=chunks(), headers=AUTH).status_code == 413


# --- audit ---------------------------------------------------------------------------------------


def test_every_request_and_its_answer_is_in_the_audit_log(make: Any, audit_db: Path) -> None:
    client, _ = make()
    answers = [
        client.post("/v1/screen", json={"transaction": ARMS}, headers=AUTH),
        client.post("/v1/screen", content="{bad", headers=AUTH),
        client.get("/v1/lists"),
        client.get("/v1/rules", headers=AUTH),
    ]
    assert [a.status_code for a in answers] == [200, 422, 401, 200]
    records = {e.record.run_id: e.record for e in entries(audit_db)}
    for a in answers:
        rec = records[a.headers["x-request-id"]]
        assert rec.report["sha256"] == hashlib.sha256(a.content).hexdigest()
        assert rec.report["format"] == f"http-{a.status_code}"
    first = records[answers[0].headers["x-request-id"]]
    assert first.verdicts == {"violation": 1} and first.rulebook["hash"] == answers[0].headers["x-rulebook-hash"]
    assert first.scenario["sha256"] == hashlib.sha256(answers[0].request.content).hexdigest()
    assert verify_chain(audit_db).intact


def test_concurrent_requests_share_commits_and_none_is_lost(make: Any, audit_db: Path) -> None:
    client, _ = make()

    async def many() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await asyncio.gather(*(c.get("/v1/lists", headers=AUTH) for _ in range(40)))

    answers = asyncio.run(many())
    ids = {a.headers["x-request-id"] for a in answers if a.status_code == 200}
    assert len(ids) == 40
    assert ids <= {e.record.run_id for e in entries(audit_db)}
    check = verify_chain(audit_db)
    assert check.intact and check.records == 40


def test_when_the_audit_log_cannot_be_written_the_request_is_not_answered(make: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    client, _ = make(audit_db=blocker / "audit.sqlite")
    r = client.post("/v1/screen", json={"transaction": ARMS}, headers=AUTH)
    assert r.status_code == 503
    assert "audit log cannot be written" in r.json()["error"] and "violation" not in r.text


# --- list refresh --------------------------------------------------------------------------------


def test_a_refresh_swaps_the_lists_and_a_failed_one_keeps_the_previous(
    tmp_path: Path, audit_db: Path, book: Rulebook
) -> None:
    listed = tmp_path / "un.xml"
    shutil.copy(UN_LIST, listed)
    config = ServiceConfig(un_lists=(listed,), api_key_hashes=(("suite", digest(KEY)),), audit_db=audit_db)
    service = _service(config, book, tuple(load_lists([listed])))
    try:
        client = Client(create_app(config, service=service))
        before = client.get("/v1/lists", headers=AUTH).headers["x-lists"]
        assert client.post("/v1/lists").status_code == 401
        shutil.copy(CONSOLIDATED, listed)
        ok = client.post("/v1/lists", headers=AUTH)
        assert ok.status_code == 200 and ok.json()["refresh"]["ok"] is True
        after = ok.headers["x-lists"]
        assert after != before and after.startswith("un:") and ok.headers["x-list-refresh"].startswith("ok ")
        listed.write_text("<broken", encoding="utf-8")
        failed = client.post("/v1/lists", headers=AUTH)
        assert failed.status_code == 422
        assert "still serving" in failed.json()["error"] and failed.json()["problems"][0].startswith(str(listed))
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.headers["x-lists"] == after
        assert (
            ready.headers["x-list-refresh"].startswith("failed ")
            and "serving the lists loaded" in ready.headers["x-list-refresh"]
        )
        assert ready.json()["provenance"]["list_refresh"].startswith("failed ")
        screened = client.post("/v1/screen", json={"transaction": ARMS}, headers=AUTH)
        assert screened.status_code == 200 and screened.headers["x-lists"] == after
    finally:
        service.writer.close()


# --- OpenAPI, CLI ----------------------------------------------------------------------------------


def test_the_openapi_document_is_served_and_docs_holds_it_current(make: Any) -> None:
    client, _ = make()
    served = client.get("/openapi.json").json()
    assert set(served["paths"]) >= {"/v1/screen", "/v1/evaluate", "/v1/rules", "/v1/lists", "/healthz", "/readyz"}
    screen = served["paths"]["/v1/screen"]["post"]
    assert screen["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ScreenRequest"
    }
    assert "supplier_name" in served["components"]["schemas"]["Transaction"]["properties"]
    assert served == json.loads(openapi_document())
    assert (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8") == openapi_document()


def test_serve_refuses_to_answer_without_keys_or_off_loopback_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANCTIONSENGINE_API_KEY", raising=False)
    runner = CliRunner()
    no_keys = runner.invoke(main, ["serve"])
    assert no_keys.exit_code == 2 and "--api-keys" in no_keys.output
    open_net = runner.invoke(main, ["serve", "--no-auth", "--host", "0.0.0.0"])
    assert open_net.exit_code == 2 and "loopback" in open_net.output


def test_serve_new_key_prints_a_key_and_the_hash_line_that_accepts_it(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["serve", "--new-key", "ops"]).output.splitlines()
    key = out[0].rsplit(" ", 1)[1]
    line = out[1].split(": ", 1)[1]
    (tmp_path / "keys").write_text(line + "\n")
    assert KeyRing(read_key_file(tmp_path / "keys")).who(key) == "ops"


def test_a_fuzz_run_from_the_openapi_document_finds_no_server_error(make: Any) -> None:
    """schemathesis generates requests from docs/openapi.json (bounded: a few per operation);
    no answer may be a 5xx, and every answer must match the document (status, type, schema)."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    client, _ = make(auth=False)
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    checks = [
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.response_schema_conformance,
        schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
    ]
    seen: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call_and_validate(checks=checks)
            seen.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)

        call()
    assert len(seen) == 7 and all(code < 500 for codes in seen.values() for code in codes)
    assert 422 in seen["POST /v1/screen"]  # the fuzzer reached the input checks, not only the happy path


def _service_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Service\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```\n", 2)[1].splitlines()


def test_the_readme_curl_examples_work_as_written(audit_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Service section's commands, run in-process: the serve line's lists, each curl line's
    method, headers, body and URL, with the key from the environment as the README exports it."""
    import shlex

    lines = _service_block()
    (serve_line,) = [line for line in lines if line.startswith("sanctionsengine serve ")]
    words = shlex.split(serve_line.rstrip(" &"))
    un = [ROOT / words[i + 1] for i, w in enumerate(words) if w == "--list"]
    vessels = [ROOT / words[i + 1] for i, w in enumerate(words) if w == "--vessels"]
    assert un and vessels
    monkeypatch.setenv("SANCTIONSENGINE_API_KEY", KEY)
    config = ServiceConfig(un_lists=tuple(un), vessel_lists=tuple(vessels), audit_db=audit_db)
    service = Service(config)
    client = Client(create_app(config, service=service))
    curls = [line for line in lines if line.startswith("curl ")]
    assert len(curls) >= 6
    try:
        for line in curls:
            args = shlex.split(line.replace("$SANCTIONSENGINE_API_KEY", KEY))[1:]
            method, headers, body, url = "GET", {}, None, ""
            i = 0
            while i < len(args):
                a = args[i]
                if a == "-s":
                    pass
                elif a == "-X":
                    method, i = args[i + 1], i + 1
                elif a == "-H":
                    name, value = args[i + 1].split(": ", 1)
                    headers[name], i = value, i + 1
                elif a in ("-d", "--data-binary"):
                    data = args[i + 1]
                    body = (ROOT / data[1:]).read_bytes() if data.startswith("@") else data.encode()
                    method, i = "POST", i + 1
                else:
                    assert not a.startswith("-"), f"the test does not know curl's {a}"
                    url = a
                i += 1
            path = "/" + url.split("/", 1)[1]
            r = client.request(method, path, headers=headers, content=body)
            assert r.status_code == 200, (line, r.status_code, r.text[:300])
            assert r.json()["provenance"]["rulebook"]["hash"] == r.headers["x-rulebook-hash"]
    finally:
        service.writer.close()


def test_the_writer_and_the_cli_append_to_one_chain(make: Any, audit_db: Path) -> None:
    """Between two of the service's batches the CLI appends a record: the service notices that the
    log no longer ends where it left it, checks the chain again, and the chain stays whole."""
    from sanctionsengine.audit import append

    client, _ = make()
    first = client.get("/v1/lists", headers=AUTH)
    cli_record = entries(audit_db)[0].record.model_copy(update={"run_id": "from-the-cli"})
    append(cli_record, audit_db)
    second = client.get("/v1/lists", headers=AUTH)
    ids = [e.record.run_id for e in entries(audit_db)]
    assert ids == [first.headers["x-request-id"], "from-the-cli", second.headers["x-request-id"]]
    assert verify_chain(audit_db).intact


def test_the_head_file_is_written_only_after_the_records_are_committed(
    audit_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server killed mid-append must never leave a head file ahead of the log (which would read
    as records cut off, for good): when the head is written, another connection already sees the
    records; and a death right after the commit leaves a head that lags, and a chain that verifies."""
    from sanctionsengine import audit
    from sanctionsengine.service.auditing import request_record

    def record(n: int) -> Any:
        return request_record(
            request_id=f"r{n}", key_name="suite", client="127.0.0.1", method="GET", path="/v1/lists", status=200,
            body_sha256="0" * 64, answer_sha256="1" * 64, rulebook={"path": "", "hash": ""}, lists=[], as_of=None,
            versions={}, verdicts={},
        )  # fmt: skip

    audit.append_many([record(1)], audit_db)
    seen: list[int] = []
    real = audit._write_head

    def dies_after_commit(path: Path, head: Any) -> None:
        with closing(sqlite3.connect(audit_db)) as conn:
            seen.append(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
        raise KeyboardInterrupt  # the process ends here

    monkeypatch.setattr(audit, "_write_head", dies_after_commit)
    with pytest.raises(KeyboardInterrupt):
        audit.append_many([record(2), record(3)], audit_db)
    assert seen == [3]  # committed before the head was touched
    monkeypatch.setattr(audit, "_write_head", real)
    assert verify_chain(audit_db).intact and verify_chain(audit_db).records == 3
    audit.append_many([record(4)], audit_db)
    check = verify_chain(audit_db)
    assert check.intact and check.records == 4 and audit.read_head(audit_db).records == 4


def test_a_log_removed_under_the_running_service_fails_requests_instead_of_losing_them(
    make: Any, audit_db: Path
) -> None:
    """The writer keeps its connection open; when the file under it is removed, it opens the log
    again with every check, and a log gone while its head file remains is refused: 503."""
    client, _ = make()
    assert client.get("/v1/lists", headers=AUTH).status_code == 200
    for leftover in (audit_db, audit_db.with_name(audit_db.name + "-wal"), audit_db.with_name(audit_db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    r = client.get("/v1/lists", headers=AUTH)
    assert r.status_code == 503 and "audit log cannot be written" in r.json()["error"]
    assert not audit_db.exists()  # no new chain started in its place
