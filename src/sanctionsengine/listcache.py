"""The local cache of screening lists: filled by ``lists fetch`` or ``lists add``, read by the rest.

The UN's terms do not allow us to redistribute its list, so nothing is bundled: a user downloads
the official consolidated XML (``lists fetch``) or stores a copy they already hold (``lists add``,
which also takes the Committee's designated-vessels list as JSON or CSV). A file is only stored
after it loads cleanly, and is replaced atomically, so a failed download never leaves a broken
cache behind. The cache lives in ``$SANCTIONSENGINE_CACHE`` or the platform's user cache folder.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from . import package_version
from .errors import Diagnostic, InputError, SanctionsEngineError, SourceLocation
from .screening import ScreeningList, load_un_list, load_vessel_list

OFFICIAL_UN_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
ListKind = Literal["un", "vessels"]
_FILES: dict[ListKind, str] = {"un": "un-consolidated.xml", "vessels": "designated-vessels"}


class CachedList(BaseModel):
    """One stored list and where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ListKind
    file: str
    origin: str
    stored_at: datetime
    sha256: str


class CacheIndex(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lists: list[CachedList] = []


def cache_dir() -> Path:
    env = os.environ.get("SANCTIONSENGINE_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sanctionsengine"))


def _index_path(root: Path) -> Path:
    return root / "lists" / "index.json"


def read_index(root: Path | None = None) -> CacheIndex:
    path = _index_path(root or cache_dir())
    if not path.exists():
        return CacheIndex()
    try:
        return CacheIndex.model_validate_json(path.read_bytes())
    except ValueError:
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(str(path)), "bad-file", "the list cache's index is damaged; delete it and re-add"
                )
            ]
        ) from None


def _loader(kind: ListKind) -> Callable[[Path], ScreeningList]:
    return load_un_list if kind == "un" else load_vessel_list


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(kind: ListKind, data: bytes, suffix: str, origin: str, root: Path | None = None) -> ScreeningList:
    """Check that ``data`` loads as a ``kind`` list, then put it in the cache in place of the last one."""
    root = root or cache_dir()
    folder = root / "lists"
    folder.mkdir(parents=True, exist_ok=True)
    name = _FILES[kind] if kind == "un" else _FILES[kind] + suffix.lower()
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        probe = Path(tmp) / name
        probe.write_bytes(data)
        _loader(kind)(probe)  # raises InputError, naming the temporary file: say where it came from instead
    index = read_index(root)
    for old in index.lists:
        if old.kind == kind and old.file != name:
            (folder / old.file).unlink(missing_ok=True)
    _atomic_write(folder / name, data)
    entry = CachedList(
        kind=kind,
        file=name,
        origin=origin,
        stored_at=datetime.now(UTC).replace(microsecond=0),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    index.lists = [e for e in index.lists if e.kind != kind] + [entry]
    _atomic_write(_index_path(root), index.model_dump_json(indent=2).encode())
    return _loader(kind)(folder / name)


def add(path: Path, kind: ListKind | None = None, root: Path | None = None) -> ScreeningList:
    """Store a list file the user already has (the UN XML, or the vessels list as JSON or CSV)."""
    suffix = path.suffix.lower()
    if kind is None and suffix not in (".xml", ".json", ".csv"):
        raise InputError(
            [
                Diagnostic(
                    SourceLocation(str(path)),
                    "bad-file",
                    "not a UN list XML or a vessels list (JSON/CSV): "
                    + (f"a {suffix} file" if suffix else "the file name has no ending"),
                    hint="give the UN consolidated list (.xml) or the 1718 designated vessels list (.json or .csv)",
                )
            ]
        )
    kind = kind or ("un" if suffix == ".xml" else "vessels")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            [Diagnostic(SourceLocation(str(path)), "file-not-found", exc.strerror or "cannot read the file")]
        ) from None
    try:
        return store(kind, data, path.suffix, str(path.resolve()), root)
    except InputError as exc:
        raise InputError(
            [Diagnostic(SourceLocation(str(path)), d.code, d.message, hint=d.hint) for d in exc.diagnostics]
        ) from None


def fetch(url: str = OFFICIAL_UN_URL, timeout: float = 60.0, root: Path | None = None) -> ScreeningList:
    """Download the UN consolidated list from ``url`` and store it."""
    if not url.startswith(("https://", "http://", "file://")):
        raise InputError([Diagnostic(SourceLocation(url), "bad-value", "expected an https:// URL")])
    request = urllib.request.Request(url, headers={"User-Agent": f"sanctionsengine/{package_version()}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise SanctionsEngineError(
            f"could not download the list from {url}: {reason}. Without network access, download it "
            "elsewhere and store it with `sanctionsengine lists add FILE`"
        ) from None
    try:
        return store("un", data, ".xml", url, root)
    except InputError as exc:
        raise InputError(
            [Diagnostic(SourceLocation(url), d.code, d.message, hint=d.hint) for d in exc.diagnostics]
        ) from None


def cached_paths(root: Path | None = None) -> tuple[list[Path], list[Path]]:
    """The cached UN list and vessel list files, as (UN lists, vessel lists)."""
    root = root or cache_dir()
    index = read_index(root)
    un = [root / "lists" / e.file for e in index.lists if e.kind == "un"]
    vessels = [root / "lists" / e.file for e in index.lists if e.kind == "vessels"]
    return un, vessels
