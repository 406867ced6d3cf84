"""Source texts found by SHA-256, and evidence quotes checked verbatim against them.

The project never copies a source: a scenario records each source's SHA-256, and the text is
looked up at run time in a directory the user names (``--sources DIR``), by content hash, so a
renamed file is still found and an edited one is not mistaken for the original. A quote must
appear in its source exactly, apart from runs of white space (line wrapping) and Unicode
normalization (NFC); anything else is a different text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .errors import Diagnostic, Diagnostics, SourceLocation
from .scenario import LoadedScenario
from .yamlfile import display_path


class QuoteStatus(StrEnum):
    VERIFIED = "verified"  # found verbatim in the source text
    NOT_CHECKED = "not_checked"  # the source text was not at hand


@dataclass(frozen=True)
class SourceCheck:
    source_id: str
    sha256: str | None
    found_at: str | None
    status: str  # "at-hand", "not-at-hand", "no-hash", "not-looked-for"


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _hash_files(directory: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        found.setdefault(digest, path)
    return found


@dataclass(frozen=True)
class EvidenceCheck:
    sources: tuple[SourceCheck, ...]
    quotes: dict[tuple[str, int], QuoteStatus]

    def source(self, source_id: str) -> SourceCheck:
        for s in self.sources:
            if s.source_id == source_id:
                return s
        raise KeyError(source_id)


def check_evidence(loaded: LoadedScenario, directory: Path | None) -> tuple[EvidenceCheck, Diagnostics]:
    """Find each source's text in ``directory`` and check every quote that cites it."""
    diags = Diagnostics()
    scn = loaded.scenario
    texts: dict[str, str] = {}
    checks: list[SourceCheck] = []
    by_hash: dict[str, Path] = {}
    if directory is not None:
        if not directory.is_dir():
            diags.add(
                Diagnostic(
                    SourceLocation(display_path(directory)),
                    "file-not-found",
                    "sources directory not found; expected a directory holding the source texts",
                )
            )
            return EvidenceCheck((), {}), diags
        by_hash = _hash_files(directory)
    for i, src in enumerate(scn.sources):
        if directory is None:
            checks.append(SourceCheck(src.id, src.sha256, None, "not-looked-for"))
            continue
        if src.sha256 is None:
            checks.append(SourceCheck(src.id, None, None, "no-hash"))
            continue
        path = by_hash.get(src.sha256)
        if path is None:
            named = directory / src.file if src.file else None
            if named is not None and named.is_file():
                actual = hashlib.sha256(named.read_bytes()).hexdigest()
                diags.add(
                    Diagnostic(
                        loaded.doc.location(("sources", i, "sha256")),
                        "source-mismatch",
                        f"{display_path(named)} has SHA-256 {actual[:12]}…, not the "
                        f"{src.sha256[:12]}… this scenario records: the text differs from the one "
                        "the evidence was taken from",
                        path="sha256",
                        context=f"source {src.id}",
                    )
                )
            checks.append(SourceCheck(src.id, src.sha256, None, "not-at-hand"))
            continue
        raw = path.read_bytes()
        try:
            texts[src.id] = _normalize(raw.decode("utf-8"))
        except UnicodeDecodeError:
            diags.add(Diagnostic(SourceLocation(display_path(path)), "bad-file", "source text is not UTF-8"))
            continue
        checks.append(SourceCheck(src.id, src.sha256, display_path(path), "at-hand"))
    quotes: dict[tuple[str, int], QuoteStatus] = {}
    for ei, ev in enumerate(scn.events):
        for qi, e in enumerate(ev.evidence):
            text = texts.get(e.source)
            if text is None:
                quotes[(ev.id, qi)] = QuoteStatus.NOT_CHECKED
            elif _normalize(e.quote) in text:
                quotes[(ev.id, qi)] = QuoteStatus.VERIFIED
            else:
                diags.add(
                    Diagnostic(
                        loaded.doc.location(("events", ei, "evidence", qi, "quote")),
                        "quote-not-in-source",
                        f"not found verbatim in source '{e.source}' (sha256:{(scn.source(e.source).sha256 or '')[:12]}…); "
                        "copy the passage exactly as the source writes it",
                        path=f"evidence[{qi}].quote",
                        context=f"event {ev.id}",
                    )
                )
    return EvidenceCheck(tuple(checks), quotes), diags
