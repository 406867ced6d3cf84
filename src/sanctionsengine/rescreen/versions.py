"""Every list version a run was screened against, kept by its SHA-256 so that a later
``rescreen`` can compare the list of that run with today's.

The list cache (:mod:`sanctionsengine.listcache`) keeps one file per kind, the newest. Before
``lists add`` or ``lists fetch --rescreen`` replaces it, the file in use is copied here, and so is
the new one: ``<cache>/lists/versions/<sha256><suffix>``. A run's list is found by the SHA-256 its
summary records: at the path the summary names, if that file still has it, or here.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ..errors import Diagnostic, InputError, SourceLocation
from ..listcache import cache_dir, read_index
from ..report import ListInput


def versions_dir(root: Path | None = None) -> Path:
    return (root or cache_dir()) / "lists" / "versions"


def keep(path: Path, root: Path | None = None) -> Path:
    """Copy a list file into the versions folder, named by its SHA-256 (once)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    target = versions_dir(root) / f"{digest}{path.suffix.lower()}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return target


def keep_cached(root: Path | None = None) -> list[Path]:
    """Keep the lists now in the cache (before they are replaced)."""
    base = root or cache_dir()
    return [keep(base / "lists" / e.file, root) for e in read_index(root).lists if (base / "lists" / e.file).exists()]


def find(recorded: ListInput, base: Path, root: Path | None = None) -> Path:
    """The file of a list a run recorded: at its recorded path (relative to ``base`` or the working
    directory) if it still has that SHA-256, or among the kept versions; else exit 2, saying so."""
    candidates = [Path(recorded.path), base / recorded.path]
    folder = versions_dir(root)
    if folder.is_dir():
        candidates += sorted(folder.glob(f"{recorded.sha256}.*"))
    for path in candidates:
        try:
            if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == recorded.sha256:
                return path
        except OSError:
            continue
    raise InputError(
        [
            Diagnostic(
                SourceLocation(recorded.path),
                "file-not-found",
                f"the run screened against {recorded.title}, {recorded.generated} (sha256 {recorded.sha256[:16]}…), "
                "and that version is neither at its path nor among the kept versions",
                hint=f"put that file back at {recorded.path}, or screen the file anew; versions are kept in {folder}",
            )
        ]
    )
