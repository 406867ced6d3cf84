"""API keys: only their SHA-256 hashes are kept (in a file, the environment or memory), never a key.

A key file has one key per line, ``NAME sha256:HEX`` (``#`` starts a comment);
``sanctionsengine serve --new-key NAME`` prints a fresh key once and the line to store. A
presented key is hashed and compared with every stored hash by :func:`hmac.compare_digest`,
so neither the comparison's time nor an early exit tells how close a guess was. Keys never
reach the log: the audit record names the key's NAME, not the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from ..errors import Diagnostic, InputError, SourceLocation

#: One plain-text key in the environment; it is hashed at start and the text not kept.
KEY_ENV = "SANCTIONSENGINE_API_KEY"
_LINE = re.compile(r"^(?P<name>[A-Za-z0-9_.@-]{1,64})\s+sha256:(?P<hex>[0-9a-f]{64})$")


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(name: str) -> tuple[str, str]:
    """A fresh random key and the line to store for it."""
    key = "se_" + secrets.token_urlsafe(32)
    return key, f"{name} sha256:{digest(key)}"


def read_key_file(path: Path) -> list[tuple[str, str]]:
    """(name, hash) of every line; every bad line located, all at once."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            [Diagnostic(SourceLocation(str(path)), "file-not-found", exc.strerror or "cannot read the key file")]
        ) from None
    found, problems = [], []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = _LINE.match(line)
        if m is None:
            problems.append(
                Diagnostic(
                    SourceLocation(str(path), n, 1),
                    "bad-value",
                    "expected 'NAME sha256:HEX' (64 lower-case hex digits); the file holds hashes, never keys",
                    hint="make one with `sanctionsengine serve --new-key NAME`",
                )
            )
            continue
        found.append((m["name"], m["hex"]))
    if problems:
        raise InputError(problems)
    return found


def from_environment() -> list[tuple[str, str]]:
    key = os.environ.get(KEY_ENV)
    return [("env", digest(key))] if key else []


class KeyRing:
    """The stored hashes; :meth:`who` names the key a request presented, or None."""

    def __init__(self, hashes: list[tuple[str, str]]):
        self._hashes = [(name, bytes.fromhex(h)) for name, h in hashes]

    def __len__(self) -> int:
        return len(self._hashes)

    def who(self, presented: str | None) -> str | None:
        if not presented:
            return None
        given = hashlib.sha256(presented.encode("utf-8")).digest()
        found = None
        for name, stored in self._hashes:  # no early exit: every hash is compared
            if hmac.compare_digest(given, stored) and found is None:
                found = name
        return found
