"""What a service is started with: the rulebook, the lists, the limits, the keys, the audit log."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

#: The most transactions one ``POST /v1/screen`` may carry (a request past it is refused, 422).
MAX_BATCH = 10_000
#: The largest request body accepted, in bytes (a larger one is refused, 413).
MAX_BODY_BYTES = 8 * 1024 * 1024


class ServiceConfig(BaseModel):
    """Everything :func:`~sanctionsengine.service.app.create_app` needs; the CLI fills it from options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules_dir: Path | None = Field(default=None, description="The rulebook; default: the one shipped")
    un_lists: tuple[Path, ...] = ()
    vessel_lists: tuple[Path, ...] = ()
    use_cache: bool = Field(default=True, description="With no list named, load the cached lists")
    max_list_age_days: int | None = Field(default=None, ge=0, description="Not ready when a list is older")
    name_threshold: float | None = Field(default=None, ge=1, le=100)
    max_batch: int = Field(default=MAX_BATCH, ge=1, le=MAX_BATCH)
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, ge=1024, le=MAX_BODY_BYTES)
    api_keys_file: Path | None = Field(default=None, description="Lines of 'NAME sha256:HEX'")
    api_key_hashes: tuple[tuple[str, str], ...] = Field(
        default=(), description="(name, SHA-256 hex) pairs, e.g. from the environment"
    )
    auth: bool = Field(default=True, description="False only for a loopback service without keys (--no-auth)")
    audit_db: Path | None = Field(default=None, description="Default: the audit log the CLI uses")
    audit_batch: int = Field(default=256, ge=1, description="Most records written in one transaction")
