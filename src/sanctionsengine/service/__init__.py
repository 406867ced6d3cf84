"""Screening as a service: ``sanctionsengine serve``, an HTTP API that payment and trade systems call.

The path is the command line's, behind HTTP: :mod:`.state` loads the rulebook and the lists
once (and swaps the lists atomically on refresh), :mod:`.work` screens transactions through
the bulk path (the same field names, checks and signatures) and evaluates scenario documents
through the scenario path, :mod:`.auditing` records every request and its answer in the audit
log before the answer leaves, :mod:`.keys` checks API keys against their SHA-256 hashes, and
:mod:`.app` is the FastAPI application, built by :func:`create_app` so tests run it in-process.

FastAPI is the only module here that imports FastAPI (``pip install 'sanctionsengine[serve]'``).
"""

from __future__ import annotations

from .config import ServiceConfig

__all__ = ["ServiceConfig"]
