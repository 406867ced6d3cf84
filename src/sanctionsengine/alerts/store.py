"""The dispositions file: YAML under version control, read with every problem placed at file:line:col.

Why a file and not a table in the audit database: a decision that stops an alert from failing a
run deserves the same review as a rule change. Kept in the repository beside the rules, each new
decision arrives as a reviewed pull request (four eyes), and ``git log -p`` / ``git blame`` show
who added or changed which decision and when: git's own hash chain (every commit hashes its
content and its parent) plays the part the audit log's chain plays for runs. The audit database
lives in one user's data folder by default, so a team would not share it. Auditors read the file
as it is, or as JSON/CSV through ``sanctionsengine alerts export``.

``sanctionsengine alerts decide`` appends an entry (it never rewrites the earlier ones); a later
entry for the same alert supersedes an earlier one, so the file is its own history.

Which file: ``--dispositions PATH``, else ``$SANCTIONSENGINE_DISPOSITIONS``; with neither, no
decision is applied and every alert is open. Which day: ``$SANCTIONSENGINE_TODAY`` (YYYY-MM-DD,
for tests and replays), else today's date in UTC.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import Diagnostic, InputError, SourceLocation
from ..yamlfile import display_path, parse_yaml, read_text, validate
from .models import Disposition, DispositionFile

ENV_FILE = "SANCTIONSENGINE_DISPOSITIONS"
HEADER = (
    "# sanctionsengine dispositions: one reviewer decision per alert, oldest first.\n"
    "# A later entry for the same alert supersedes an earlier one. Dates are UTC days;\n"
    "# 'expires' is the last day the decision is valid (inclusive).\n"
    "dispositions:\n"
)


def default_file() -> Path | None:
    env = os.environ.get(ENV_FILE)
    return Path(env) if env else None


def today() -> date:
    """The day expiry dates are compared with: ``$SANCTIONSENGINE_TODAY`` or today in UTC (the
    same day list ages are counted to)."""
    from ..listcoverage import today as run_day

    return run_day()


class LoadedDispositions:
    """The decisions of one file, with the file's name and SHA-256 (both go into the report)."""

    def __init__(
        self,
        dispositions: list[Disposition],
        file: str | None,
        sha256: str | None,
        locations: list[SourceLocation] | None = None,
    ) -> None:
        self.dispositions = dispositions
        self.file = file
        self.sha256 = sha256
        self.locations = locations or []  # where each entry starts in the file

    @classmethod
    def none(cls) -> LoadedDispositions:
        return cls([], None, None)


def load_dispositions(path: Path) -> LoadedDispositions:
    """Read and check a dispositions file; raise :class:`InputError` with every problem at once."""
    name = display_path(path)
    if not path.is_file():
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(name),
                    "file-not-found",
                    "no dispositions file here",
                    hint="record a first decision with `sanctionsengine alerts decide`, which creates it",
                )
            ]
        )
    text, raw, name = read_text(path, name)
    doc = parse_yaml(text, name)
    data: Any = doc.data if doc.data is not None else {}
    if isinstance(data, dict) and data.get("dispositions") is None and "dispositions" in data:
        data = {**data, "dispositions": []}
    parsed, problems = validate(DispositionFile, data, doc)
    if problems:
        raise InputError(problems)
    assert isinstance(parsed, DispositionFile)
    places = [doc.location(("dispositions", i)) for i in range(len(parsed.dispositions))]
    return LoadedDispositions(list(parsed.dispositions), name, hashlib.sha256(raw).hexdigest(), places)


def disposition_yaml(d: Disposition) -> str:
    """One entry as the YAML block appended to the file."""
    body = d.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump([body], sort_keys=False, allow_unicode=True, width=100)


def append_disposition(path: Path, d: Disposition) -> LoadedDispositions:
    """Append one decision to the file (creating it), then re-read it; on any problem leave it as it was."""
    before = path.read_bytes() if path.exists() else None
    if before is not None:
        load_dispositions(path)  # a broken file is fixed by hand first, never appended to
    text = (before.decode("utf-8") if before is not None else HEADER).rstrip("\n") + "\n"
    if text.rstrip().endswith("dispositions: []"):
        text = text.rstrip()[: -len("[]")].rstrip() + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + disposition_yaml(d), encoding="utf-8")
        return load_dispositions(path)
    except InputError:
        _restore(path, before)
        raise
    except OSError as exc:
        _restore(path, before)
        raise InputError(
            [Diagnostic(SourceLocation(display_path(path)), "bad-file", f"cannot write: {exc.strerror or exc}")]
        ) from None


def _restore(path: Path, before: bytes | None) -> None:
    try:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)
    except OSError:
        pass
