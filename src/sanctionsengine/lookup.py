"""Names as they are written in trade documents, and what a look-up can ask of the loaded lists.

Name comparison, in three steps, each visible in the report (``ListMatch.compared``):

1. **Clean**: case folded, accents dropped, and every quote mark, bracket and punctuation sign
   turned into a space, with rigour's ``normalize_name`` (the OpenSanctions name library) after
   apostrophes and hyphens inside a word are dropped, so that "Ryon-bong" and "Ryonbong" meet.
   The UN list stores some aliases in quote marks (``"KOMID"``); a trade document does not.
2. **Legal forms removed**: rigour's table of organisation types (LLC, JSC, Co Ltd, OOO, ZAO,
   GmbH, Inc and their transliterations) takes the legal forms it knows as such; a short table
   of our own adds the English words rigour leaves alone because they are also ordinary words
   when they stand alone (Company, Corporation, Corp, Limited, Co), and the Korean and Chinese
   romanised ones a DPRK record carries (hoesa, chusik hoesa, gongsi, youxian gongsi). A name
   that is nothing but legal forms keeps them. A trailing acronym in brackets ("(OMM)") is
   dropped from the full name and kept as a name of its own that only an exact match counts.
3. **Scored** with rapidfuzz as the better of two scores on those forms: the names written
   without spaces (romanised Korean is spaced and hyphenated in many ways: "CHON MA SAN",
   "Chonmasan") and the word-order-free token score.

A name match is only ever a *possible* match; identifiers (IMO numbers, UN reference numbers)
decide. This module also classifies a ``screen`` argument (a file, an identifier or a name) and
says which list a look-up needs, so that a list that cannot hold the answer is never asked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import Diagnostic, InputError, SourceLocation

#: Words that are legal forms in company names but that rigour (rightly, for general text) does
#: not strip when they stand alone; and the romanised Korean and Chinese words for "company".
#: Longest first, so that "chusik hoesa" goes before "hoesa".
_OWN_LEGAL_FORMS = (
    "limited liability company",
    "joint stock company",
    "youxian gongsi",
    "youxian zeren gongsi",
    "chusik hoesa",
    "corporation",
    "incorporated",
    "company",
    "limited",
    "gongsi",
    "hoesa",
    "corp",
    "ltd",
    "llc",
    "jsc",
    "inc",
    "co",
)
_OWN_FORMS = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in _OWN_LEGAL_FORMS) + r")\b")
_IN_WORD = re.compile(r"(?<=\w)['’`´ʼʻ‘\-‐‑](?=\w)")
_ACRONYM = re.compile(r"\(\s*([A-Za-z]{2,8})\s*\)\s*$")


@lru_cache(maxsize=65536)
def clean(name: str) -> str:
    """Case folded, accents dropped, punctuation and quotes as spaces, in-word hyphens joined."""
    from rigour.names import normalize_name

    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _IN_WORD.sub("", folded)
    return normalize_name(folded) or ""


@lru_cache(maxsize=65536)
def comparison_form(name: str) -> str:
    """The form two names are scored on: cleaned, legal forms and a bracketed acronym removed."""
    from rigour.names import remove_org_types

    text = clean(_ACRONYM.sub(" ", name))
    if not text:
        return clean(name)
    stripped = " ".join(_OWN_FORMS.sub(" ", remove_org_types(text)).split())
    return stripped or text


def acronym(name: str) -> str | None:
    """The acronym a listed name carries in brackets at its end ("... LIMITED (OMM)" → "omm")."""
    found = _ACRONYM.search(name)
    return found.group(1).lower() if found else None


def _scores(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    if not a or not b:
        return 0.0
    compact = float(fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))
    tokens = float(fuzz.token_sort_ratio(a, b))
    return max(compact, tokens)


def name_score(a: str, b: str) -> float:
    """0-100: how alike two names are, compared in their :func:`comparison_form`."""
    return _scores(comparison_form(a), comparison_form(b))


def compared(a: str, b: str) -> str:
    """The two forms a score was computed on, for the report."""
    return f"'{comparison_form(a)}' ~ '{comparison_form(b)}'"


# --- what a `screen` argument is -----------------------------------------------------------------

#: Endings that make an argument a file, never a name: the ledger formats and their neighbours.
FILE_SUFFIXES = frozenset(
    {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".pq", ".xlsx", ".xls", ".txt", ".gz", ".zip"}
)
IDENTIFIER = re.compile(r"(IMO\s*)?\d{7}|KP[ie]\.\d{3}", flags=re.IGNORECASE)
IMO = re.compile(r"(IMO\s*)?\d{7}", flags=re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """What ``screen ARG`` was given: ``file``, ``imo``, ``un-reference`` or ``name``."""

    kind: str
    text: str


def _command_line(code: str, message: str, hint: str = "") -> InputError:
    return InputError([Diagnostic(SourceLocation("<command line>"), code, message, hint=hint)])


def looks_like_path(target: str) -> bool:
    """A path separator or a known file ending: an argument the user meant as a file."""
    return "/" in target or "\\" in target or Path(target).suffix.lower() in FILE_SUFFIXES


def classify(target: str, *, file_options: bool, explicit_name: str | None) -> Target:
    """Decide what ``screen`` was asked; a path-like argument is a file, and must exist.

    ``file_options``: an option that only a file takes was given (``--mapping``, ``--map``,
    ``--input-format``...). ``explicit_name``: the value of ``--name``, which is always a name.
    """
    if explicit_name is not None:
        if not explicit_name.strip():
            raise _command_line("bad-value", "the name to look up is blank", hint="give the name to screen")
        return Target("name", explicit_name.strip())
    if not target.strip():
        raise _command_line(
            "bad-value", "the name to look up is blank", hint="give a name, an IMO number or a UN reference number"
        )
    if file_options or looks_like_path(target):
        if not Path(target).is_file():
            why = "an option for files was given" if file_options else "it looks like a file name"
            raise _command_line(
                "file-not-found",
                f"no such file: {target} ({why}, so it is not looked up as a name)",
                hint="check the path; to look up a name that looks like a file, use --name",
            )
        return Target("file", target)
    text = target.strip()
    if IDENTIFIER.fullmatch(text):
        return Target("imo" if IMO.fullmatch(text) else "un-reference", text)
    return Target("name", text)


def require_lists(target: Target, loaded: set[str], kinds: set[str] | None) -> None:
    """Refuse a look-up that no loaded list could answer (``loaded``: ``un``, ``vessels``).

    A UN reference or a person's or entity's name needs the consolidated list; an IMO number or
    a vessel's name needs the vessels list. A name without ``--kind`` may be any of them.
    """
    needs: list[tuple[str, str]] = []
    if target.kind == "un-reference":
        needs.append(("un", "a UN reference number"))
    elif target.kind == "imo":
        needs.append(("vessels", "an IMO number"))
    elif target.kind == "name":
        wanted = kinds or {"individual", "entity", "vessel"}
        if wanted & {"individual", "entity"}:
            needs.append(("un", "a person's or entity's name"))
        if "vessel" in wanted:
            needs.append(("vessels", "a vessel's name"))
    missing = [(k, what) for k, what in needs if k not in loaded]
    if not missing:
        return
    titles = {"un": "the consolidated list", "vessels": "the designated vessels list"}
    how = {"un": "--list consolidated.xml", "vessels": "--vessels dprk-1718-vessels.json"}
    restrict = ""
    if target.kind == "name" and not kinds and len(missing) < len(needs):
        restrict = "; or restrict the look-up with --kind " + (
            "vessel" if missing[0][0] == "un" else "entity / --kind individual"
        )
    raise _command_line(
        "list-not-loaded",
        f"'{target.text}' cannot be screened: "
        + " and ".join(f"{titles[k]} is not loaded ({what} is looked up there)" for k, what in missing),
        hint="load it with "
        + " and ".join(how[k] for k, _ in missing)
        + " (or `sanctionsengine lists add`)"
        + restrict,
    )
