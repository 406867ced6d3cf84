"""A disk cache of what is derived from a rulebook: loaded once per content hash, not once per call.

Loading the rulebook (24 YAML files, validated and cross-checked), compiling it and splitting it
into durable-rules rulesets takes over a second; every command pays it. Their results are stored
under ``<cache dir>/rulebooks/`` (``$SANCTIONSENGINE_CACHE`` or the platform's user cache folder,
as for the list cache) and read back when nothing they depend on has changed:

- the key is a SHA-256 over the rulebook's content hash (each file's path and bytes), its display
  root (positions in messages name files as the user gave them), the package version and a
  fingerprint of the package's own modules (name, size and modification time of each ``.py``),
  Python's and pydantic's versions, and the cache format: any change gives a new key;
- entries are written to a temporary file in the same folder and moved into place with
  :func:`os.replace`, so concurrent writers never leave a torn entry and readers see old or new;
- an entry holds a SHA-256 of its payload, checked before it is read; a damaged or unreadable
  entry, or one that another user owns or could have written, is ignored (and rebuilt), never
  trusted;
- only successful loads are stored: a rulebook with problems is always loaded afresh, so every
  diagnostic keeps its exact ``file:line:col``.

The payload is a pickle of our own data (pydantic models and dataclasses) written by this module
into the user's own cache folder, read only after its digest matches. ``SANCTIONSENGINE_RULEBOOK_CACHE=off``
turns the cache off. A cache that cannot be written (read-only home) is skipped silently: it
only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FORMAT = "1"
_MAGIC = b"sanctionsengine-rulecache-" + FORMAT.encode() + b"\n"
_ENV_SWITCH = "SANCTIONSENGINE_RULEBOOK_CACHE"


def cache_root() -> Path:
    """The cache folder shared with the list cache (``$SANCTIONSENGINE_CACHE`` first)."""
    env = os.environ.get("SANCTIONSENGINE_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sanctionsengine"))


def enabled() -> bool:
    return os.environ.get(_ENV_SWITCH, "").lower() not in ("0", "off", "no", "false")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The package version and each module's name, size and modification time: a new or edited
    module (a changed model, check or compiler) makes every stored entry stale."""
    from . import package_version

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    digest.update(package_version().encode())
    for path in sorted(here.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(here).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def entry_key(kind: str, parts: Sequence[str]) -> str:
    import pydantic

    digest = hashlib.sha256()
    for part in (FORMAT, kind, code_fingerprint(), sys.version, pydantic.VERSION, *parts):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _path(kind: str, key: str) -> Path:
    return cache_root() / "rulebooks" / f"{kind}-{key}.pickle"


def read(kind: str, key: str) -> object | None:
    """The stored value, or None when there is none, it is damaged, or it is not our own."""
    path = _path(kind, key)
    try:
        if not _ours(path.stat()) or not _ours(path.parent.stat()):
            return None
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC)
    if not data.startswith(_MAGIC) or len(data) < head + 64:
        return None
    digest, payload = data[head : head + 64], data[head + 64 :]
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    try:
        value: object = pickle.loads(payload)  # our own entry, its digest checked above
    except Exception:  # written by an older layout of our classes: rebuild
        return None
    return value


def _ours(st: os.stat_result) -> bool:
    """Written by this user and writable by no one else: only then is an entry unpickled (a
    cache folder shared with others, such as one under /tmp, is read as if empty)."""
    if not hasattr(os, "getuid"):  # Windows: the user's own profile folder
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def write(kind: str, key: str, value: object) -> None:
    """Store ``value`` atomically (temporary file, then :func:`os.replace`); never raises."""
    path = _path(kind, key)
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_MAGIC + hashlib.sha256(payload).hexdigest().encode() + payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:  # a read-only or full cache folder, an unpicklable value: run uncached
        return


def folder(name: str) -> Path | None:
    """A folder of the cache for another tool's own entries (Jinja's compiled templates), or None
    when the cache is off or cannot be created."""
    if not enabled():
        return None
    path = cache_root() / name
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path if _ours(path.stat()) else None  # compiled code is loaded from it
    except OSError:
        return None


def cached(kind: str, parts: Sequence[str], build: Callable[[], T], check: type | None = None) -> T:
    """``build()``'s result, from the cache when an entry for ``(kind, parts)`` exists.

    ``check``: the type the entry must have to be used (anything else is rebuilt)."""
    if not enabled():
        return build()
    key = entry_key(kind, parts)
    value = read(kind, key)
    if value is not None and (check is None or isinstance(value, check)):
        return value  # type: ignore[return-value]
    value = build()
    write(kind, key, value)
    return value


__all__ = ["cache_root", "cached", "code_fingerprint", "enabled", "entry_key", "folder", "read", "write"]
