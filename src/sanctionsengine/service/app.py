"""The HTTP application: FastAPI routes over :mod:`.work`, wrapped in one ASGI guard.

FastAPI rather than bare Starlette (which it is built on): the project's contracts are all
pydantic models, and FastAPI writes the OpenAPI document from them, so ``/openapi.json`` and
``docs/openapi.json`` cannot drift from the code; the cost is a thin layer over Starlette.

The guard (:class:`Guard`), around every request, in this order: give it an id; refuse a body
over the size limit (413); check the API key on ``/v1/`` (401); run the route; add the
rulebook hash, the list versions and the last refresh to the headers; record the request and
its answer in the audit log and wait for the record to be written, answering 503 instead when
it cannot be. No exception text or stack trace reaches a response: an unexpected error is a 500
with the request id, to find it in the server's log.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..audit import AuditError
from ..errors import Diagnostic, InputError, SourceLocation
from ..report import Tools
from ..scenario import Scenario
from ..vocabulary import Verdict
from ..yamlfile import format_loc
from . import work
from .auditing import AuditWriter, request_record
from .config import ServiceConfig
from .keys import KeyRing, from_environment, read_key_file
from .models import (
    EvaluateResponse,
    Health,
    ListsResponse,
    Problem,
    RulebookInfo,
    RuleInfo,
    RulesResponse,
    ScreenRequest,
    ScreenResponse,
    ServedBy,
)
from .state import Snapshot, State

log = logging.getLogger("sanctionsengine.service")

#: Routes that answer without a key and are not recorded (probes and the API's own description).
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json"})
_TOOLS = Tools.current()
_VERSIONS = {"sanctionsengine": _TOOLS.sanctionsengine, "durable_rules": _TOOLS.durable_rules, "python": _TOOLS.python}


def _served_by(snapshot: Snapshot, refresh: str, request_id: str) -> ServedBy:
    book = snapshot.book
    return ServedBy(
        rulebook=RulebookInfo(
            hash=snapshot.rulebook_hash, path=book.root if book else None, rules=len(book.rules) if book else 0
        ),
        lists=snapshot.statuses(),
        list_refresh=refresh,
        name_threshold=snapshot.threshold,
        request_id=request_id,
    )


def _problem(
    status: int, error: str, diagnostics: list[Diagnostic] | None = None, served: ServedBy | None = None
) -> JSONResponse:
    diags = sorted(diagnostics or [], key=Diagnostic.sort_key)
    body = Problem(
        error=error,
        problems=[str(d) for d in diags],
        diagnostics=[d.as_dict() for d in diags],
        provenance=served,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status)


class Guard:
    """Ids, size limit, keys, provenance headers and the audit record, around the application."""

    def __init__(self, app: ASGIApp, service: Service):
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        service = self.service
        request_id = uuid.uuid4().hex
        snapshot = service.state.snapshot
        scope.setdefault("state", {})
        scope["state"].update(request_id=request_id, snapshot=snapshot, audit={})
        path: str = scope["path"]
        method: str = scope["method"]
        recorded = path not in OPEN_PATHS
        headers = dict(scope["headers"])
        limit = service.config.max_body_bytes
        received = hashlib.sha256()
        key_name: str | None = None

        started: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        too_big = False
        size = 0

        async def limited() -> Message:
            nonlocal size, too_big
            message = await receive()
            if message["type"] == "http.request":
                data = message.get("body", b"")
                size += len(data)
                received.update(data)
                if size > limit:
                    too_big = True
                    raise _TooBig
            return message

        served = _served_by(snapshot, service.state.refresh_header(), request_id)
        response: JSONResponse | None = None
        length = headers.get(b"content-length", b"")
        if length and (not length.isdigit() or int(length) > limit):
            response = _problem(413, f"the request body is over the {limit:,} bytes this service takes", served=served)
        elif path.startswith("/v1/") and service.config.auth:
            key_name = service.keys.who(_presented(headers))
            if key_name is None:
                response = _problem(
                    401, "a valid API key is required (header X-API-Key, or Authorization: Bearer KEY)", served=served
                )
        if response is None:
            try:
                await self.app(scope, limited, capture)
            except _TooBig:
                response = _problem(
                    413, f"the request body is over the {limit:,} bytes this service takes", served=served
                )
            except Exception:  # a bug: logged with its id, never shown
                log.exception("request %s failed", request_id)
                response = _problem(
                    500, f"internal error (request {request_id}); the server's log has the details", served=served
                )
        if response is not None:
            started = None
            chunks = [bytes(response.body)]
            status = response.status_code
            raw_headers = list(response.raw_headers)
        else:
            assert started is not None
            status = int(started["status"])
            raw_headers = list(started.get("headers", []))
        if too_big and status != 413:  # the route read a short body: it must not be answered
            response = _problem(413, f"the request body is over the {limit:,} bytes this service takes", served=served)
            chunks, status, raw_headers = [bytes(response.body)], 413, list(response.raw_headers)
        answer = b"".join(chunks)
        snapshot = scope["state"]["snapshot"]  # a list refresh answers with the new lists
        if recorded:
            audit: dict[str, Any] = scope["state"]["audit"]
            record = request_record(
                request_id=request_id,
                key_name=key_name,
                client=str((scope.get("client") or ("?", 0))[0]),
                method=method,
                path=path,
                status=status,
                body_sha256=received.hexdigest(),
                answer_sha256=hashlib.sha256(answer).hexdigest(),
                rulebook={"path": snapshot.book.root if snapshot.book else "", "hash": snapshot.rulebook_hash},
                lists=[{"title": x.title, "generated": x.generated, "sha256": x.sha256} for x in snapshot.lists],
                as_of=audit.get("as_of"),
                versions=_VERSIONS,
                verdicts=audit.get("verdicts", {}),
            )
            try:
                await asyncio.wrap_future(service.writer.submit(record))
            except AuditError as exc:
                log.error("request %s not answered: the audit log cannot be written: %s", request_id, exc)
                response = _problem(
                    503, "the audit log cannot be written, so the request is not answered", served=served
                )
                chunks, status, raw_headers = [bytes(response.body)], 503, list(response.raw_headers)
                answer = bytes(response.body)
        raw_headers = [(k, v) for k, v in raw_headers if k.lower() != b"content-length"]
        raw_headers += [
            (b"content-length", str(len(answer)).encode()),
            (b"x-request-id", request_id.encode()),
            (b"x-rulebook-hash", snapshot.rulebook_hash.encode()),
            (b"x-lists", snapshot.list_versions().encode()),
            (b"x-list-refresh", service.state.refresh_header().encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": answer})


class _TooBig(Exception):
    pass


def _presented(headers: dict[bytes, bytes]) -> str | None:
    key = headers.get(b"x-api-key")
    if key:
        return key.decode("latin-1")
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return None


class Service:
    """The state, the keys and the audit writer an application serves with."""

    def __init__(self, config: ServiceConfig, state: State | None = None, writer: AuditWriter | None = None):
        self.config = config
        hashes = list(config.api_key_hashes) + from_environment()
        if config.api_keys_file is not None:
            hashes += read_key_file(config.api_keys_file)
        self.keys = KeyRing(hashes)
        self.state = state or State(config)
        self.writer = writer or AuditWriter(config.audit_db, config.audit_batch)


def _snapshot(request: Request) -> Snapshot:
    snap: Snapshot = request.state.snapshot
    return snap


def _served(request: Request, service: Service) -> ServedBy:
    return _served_by(request.state.snapshot, service.state.refresh_header(), request.state.request_id)


def _schema_ref(openapi: dict[str, Any], model: Any) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    name = schema.get("title", model.__name__)
    components.setdefault(name, schema)
    return {"$ref": f"#/components/schemas/{name}"}


def create_app(config: ServiceConfig, *, service: Service | None = None) -> FastAPI:
    """The application; ``service`` lets a test give its own state or audit writer."""
    service = service or Service(config)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(service.writer.close)  # what is waiting is written before the process ends

    app = FastAPI(
        lifespan=lifespan,
        title="sanctionsengine",
        version=__version__,
        description="UN Security Council DPRK (1718) sanctions screening: every answer names the rulebook "
        "hash and the list versions that produced it (body and X-Rulebook-Hash / X-Lists headers).",
        docs_url=None,
        redoc_url=None,
        debug=False,
    )
    app.state.service = service

    def unready(request: Request, need_lists: bool = True) -> JSONResponse | None:
        snap = _snapshot(request)
        reasons = snap.not_ready() if need_lists else [f"the rulebook failed to load: {p}" for p in snap.book_problems]
        if reasons:
            return _problem(503, "not ready: " + "; ".join(reasons), served=_served(request, service))
        return None

    def bad_input(request: Request, exc: InputError) -> JSONResponse:
        return _problem(422, "bad input", list(exc.diagnostics), served=_served(request, service))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        diags = []
        for err in exc.errors():
            loc = tuple(str(p) if not isinstance(p, int) else p for p in err.get("loc", ()))
            diags.append(
                Diagnostic(
                    SourceLocation(work.REQUEST), "bad-value", str(err.get("msg", "invalid")), path=format_loc(loc)
                )
            )
        return _problem(422, "bad input", diags, served=_served(request, service))

    @app.get("/healthz", response_model=Health, tags=["health"])
    async def healthz(request: Request) -> Health:
        """The process is alive (it says nothing of the lists: see /readyz)."""
        return Health(status="ok", provenance=_served(request, service))

    @app.get("/readyz", response_model=Health, responses={503: {"model": Health}}, tags=["health"])
    async def readyz(request: Request) -> Any:
        """Ready to screen: a rulebook loaded, lists loaded and none older than the maximum age."""
        reasons = _snapshot(request).not_ready()
        body = Health(status="not-ready" if reasons else "ready", reasons=reasons, provenance=_served(request, service))
        return JSONResponse(body.model_dump(mode="json"), status_code=503 if reasons else 200)

    # Descriptions given here, not taken from Python's http.HTTPStatus, whose phrases change between
    # versions (413 is "Request Entity Too Large" in 3.11, "Content Too Large" in 3.13).
    errors: dict[int | str, dict[str, Any]] = {
        401: {"model": Problem, "description": "No API key, or one this service does not hold"},
        413: {"model": Problem, "description": "The request body is over the size limit"},
        422: {"model": Problem, "description": "Bad input, with located messages"},
        503: {"model": Problem, "description": "Not ready (lists or rulebook), or the audit log cannot be written"},
    }

    @app.post(
        "/v1/screen",
        response_model=ScreenResponse,
        responses=errors,
        tags=["screening"],
        openapi_extra={"x-body-model": "ScreenRequest"},
    )
    async def screen(request: Request) -> Any:
        """Screen one transaction or a batch (bulk ledger field names): verdict, findings, citations, list matches."""
        refused = unready(request)
        if refused:
            return refused
        body = await request.body()
        try:
            judged, parsed = await run_in_threadpool(work.screen, _snapshot(request), body)
        except InputError as exc:
            return bad_input(request, exc)
        counts = {v.value: 0 for v in Verdict}
        for v in judged:
            counts[v.verdict.value] += 1
        request.state.audit.update(verdicts={k: n for k, n in counts.items() if n}, as_of=parsed.as_of)
        worst = min((v.verdict for v in judged), key=lambda v: v.rank)
        return ScreenResponse(verdict=worst, by_verdict=counts, results=judged, provenance=_served(request, service))

    @app.post(
        "/v1/evaluate",
        response_model=EvaluateResponse,
        responses=errors,
        tags=["screening"],
        openapi_extra={"x-body-model": "Scenario"},
    )
    async def evaluate(
        request: Request, as_of: Annotated[date | None, Query(description="Judge by the law of this day")] = None
    ) -> Any:
        """Evaluate a scenario document (YAML or JSON, as `sanctionsengine evaluate` reads): the report JSON."""
        refused = unready(request)
        if refused:
            return refused
        body = await request.body()
        try:
            report = await run_in_threadpool(work.evaluate, _snapshot(request), body, as_of, request.state.request_id)
        except InputError as exc:
            return bad_input(request, exc)
        request.state.audit.update(
            verdicts={k: n for k, n in report.summary.by_verdict.items() if n}, as_of=str(as_of) if as_of else None
        )
        return EvaluateResponse(report=report, provenance=_served(request, service))

    @app.get("/v1/rules", response_model=RulesResponse, responses=errors, tags=["rulebook"])
    async def rules(request: Request) -> Any:
        """Every rule: id, kind, family, and each version's citation and in-force dates."""
        refused = unready(request, need_lists=False)
        if refused:
            return refused
        book = _snapshot(request).book
        assert book is not None
        return RulesResponse(rules=[RuleInfo(**r) for r in work.rules(book)], provenance=_served(request, service))

    @app.get("/v1/lists", response_model=ListsResponse, responses=errors, tags=["lists"])
    async def lists(request: Request) -> ListsResponse:
        """The lists screened against: versions, their own dates, ages; and the last refresh."""
        return ListsResponse(
            max_age_days=config.max_list_age_days,
            refresh=service.state.refresh_status,
            provenance=_served(request, service),
        )

    @app.post("/v1/lists", response_model=ListsResponse, responses=errors, tags=["lists"])
    async def refresh_lists(request: Request) -> Any:
        """Load the configured lists again and swap them in atomically; on failure keep the previous ones (422)."""
        result = await run_in_threadpool(service.state.refresh)
        request.state.snapshot = service.state.snapshot
        if not result.ok:
            return JSONResponse(
                Problem(
                    error=f"the lists could not be loaded; still serving those loaded {service.state.snapshot.loaded_at}",
                    problems=result.problems,
                    provenance=_served(request, service),
                ).model_dump(mode="json"),
                status_code=422,
            )
        return ListsResponse(
            max_age_days=config.max_list_age_days,
            refresh=result,
            provenance=_served(request, service),
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        bodies = {"ScreenRequest": ScreenRequest, "Scenario": Scenario}
        for item in doc["paths"].values():
            for op in item.values():
                model = op.pop("x-body-model", None)
                if model:
                    ref = _schema_ref(doc, bodies[model])
                    content: dict[str, Any] = {"application/json": {"schema": ref}}
                    if model == "Scenario":
                        content["application/yaml"] = {"schema": {"type": "string"}}
                    op["requestBody"] = {"required": True, "content": content}
                if op.get("tags", [""])[0] != "health":
                    op["security"] = [{"ApiKey": []}, {"Bearer": []}]
        doc["components"]["securitySchemes"] = {
            "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "Bearer": {"type": "http", "scheme": "bearer"},
        }
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(Guard, service=service)
    return app


def openapi_document() -> str:
    """The OpenAPI document as docs/openapi.json holds it (independent of lists and keys)."""
    config = ServiceConfig(un_lists=(), vessel_lists=(), use_cache=False, auth=False)
    state = State.of(config, Snapshot(None, (), (), "", 0.0, config))  # the document depends on neither
    service = Service(config, state=state, writer=AuditWriter())
    doc = create_app(config, service=service).openapi()
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def app_from_environment() -> FastAPI:
    """For ``serve --workers N``: each worker process builds the app from the settings the parent left."""
    import os

    return create_app(ServiceConfig.model_validate_json(os.environ["SANCTIONSENGINE_SERVE_CONFIG"]))
