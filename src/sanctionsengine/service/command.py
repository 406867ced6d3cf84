"""`sanctionsengine serve`: options → :class:`ServiceConfig` → uvicorn (imported only here and in .app)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .config import MAX_BATCH, MAX_BODY_BYTES, ServiceConfig


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless told otherwise)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Server processes.")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="Rulebook directory (default: shipped).")
@click.option("--list", "un_lists", multiple=True, type=click.Path(path_type=Path), help="A UN list XML; repeatable.")
@click.option(
    "--vessels", "vessel_lists", multiple=True, type=click.Path(path_type=Path), help="A vessels list; repeatable."
)
@click.option("--no-cached-lists", "no_cache", is_flag=True, help="Do not fall back to the cached lists.")
@click.option(
    "--max-list-age", "max_list_age", type=click.IntRange(min=0), help="Not ready when a list is older (days)."
)
@click.option("--name-threshold", type=click.FloatRange(min=1, max=100), help="Name match score [default: 90].")
@click.option(
    "--max-batch",
    type=click.IntRange(1, MAX_BATCH),
    default=MAX_BATCH,
    show_default=True,
    help="Most transactions in one POST /v1/screen (more: 422).",
)
@click.option(
    "--max-body",
    "max_body",
    type=click.IntRange(1024, MAX_BODY_BYTES),
    default=MAX_BODY_BYTES,
    show_default=True,
    help="Largest request body in bytes (more: 413).",
)
@click.option("--api-keys", "api_keys", type=click.Path(path_type=Path), help="File of 'NAME sha256:HEX' lines.")
@click.option("--no-auth", "no_auth", is_flag=True, help="Answer without API keys (only on a loopback address).")
@click.option("--audit-db", "audit_db", type=click.Path(path_type=Path), help="The audit log to record requests in.")
@click.option("--new-key", "new_key", metavar="NAME", help="Print a new API key and its line for --api-keys, and exit.")
def serve(
    host: str,
    port: int,
    workers: int,
    rules_dir: Path | None,
    un_lists: tuple[Path, ...],
    vessel_lists: tuple[Path, ...],
    no_cache: bool,
    max_list_age: int | None,
    name_threshold: float | None,
    max_batch: int,
    max_body: int,
    api_keys: Path | None,
    no_auth: bool,
    audit_db: Path | None,
    new_key: str | None,
) -> None:
    """Screen over HTTP: POST /v1/screen, /v1/evaluate; GET /v1/rules, /v1/lists, /healthz, /readyz.

    Needs the serve extra: pip install 'sanctionsengine[serve]'. Every request and its answer is
    recorded in the audit log before the answer is sent."""
    from .keys import KEY_ENV
    from .keys import new_key as make_key

    if new_key is not None:
        key, line = make_key(new_key)
        click.echo(f"key (give it to the client; it is not stored): {key}")
        click.echo(f"line for the --api-keys file: {line}")
        return
    if no_auth and host not in ("127.0.0.1", "::1", "localhost"):
        raise click.UsageError("--no-auth is only allowed on a loopback address")
    import os

    if not no_auth and api_keys is None and not os.environ.get(KEY_ENV):
        raise click.UsageError(f"give --api-keys FILE or ${KEY_ENV} (make a key with --new-key NAME), or --no-auth")
    try:
        import uvicorn

        from .app import create_app
    except ImportError:
        click.echo("error: the service needs its extra: pip install 'sanctionsengine[serve]'", err=True)
        sys.exit(3)
    config = ServiceConfig(
        rules_dir=rules_dir,
        un_lists=un_lists,
        vessel_lists=vessel_lists,
        use_cache=not no_cache,
        max_list_age_days=max_list_age,
        name_threshold=name_threshold,
        max_batch=max_batch,
        max_body_bytes=max_body,
        api_keys_file=api_keys,
        auth=not no_auth,
        audit_db=audit_db,
    )
    if workers > 1:  # each worker process builds its own app from the same settings
        os.environ["SANCTIONSENGINE_SERVE_CONFIG"] = config.model_dump_json()
        uvicorn.run(
            "sanctionsengine.service.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )
        return
    app = create_app(config)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
