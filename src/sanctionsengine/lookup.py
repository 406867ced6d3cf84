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
   romanised ones a DPRK record carries (hoesa, chusik hoesa, gongsi, youxian gongsi). Forms
   are taken from either end of a name only, and rigour's forms of one to three letters that
   are also syllables of Korean names ("Se", "Yu", "Ku": Kim Se Gon) are left alone; a name that
   is nothing but legal forms keeps its last word, and a legal-form word misspelt by one letter
   ("Coropration") is still one. A trailing acronym in brackets ("(OMM)") is
   dropped from the full name and kept as a name of its own that only an exact match counts.
3. **Scored** with rapidfuzz as the best of: the names written without spaces (romanised Korean
   is spaced and hyphenated in many ways: "CHON MA SAN", "Chonmasan"), the word-order-free token
   score, and the names without spaces after folding the letters romanisation systems disagree
   on (Ch'oe / Choe / Joe, Kim / Gim, Pyongyang / Pyeongyang). One letter off in a name of six
   letters or more is a possible match (a typing error). Two rules keep common words from making
   a match: when both names have words outside a short list of words common in DPRK entity names
   (Korea, Trading, General, Shipping, Bank...), those words must resemble too ("Korea Kum
   Trading" is not "Korea Kumsan Trading"); and a name of common words only ("Korea Trading
   Bank") scores at most 80 against one with words of its own; so does a name of as many words
   as the other where one word has no counterpart at all. ``bench/names_bench.py``
   measures recall and false positives.

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
from typing import Any

from .errors import Diagnostic, InputError, SourceLocation

#: Words that are legal forms in company names but that rigour (rightly, for general text) does
#: not strip, because alone they are also ordinary words; and the romanised Korean and Chinese
#: words for "company".
_OWN_LEGAL_FORMS = frozenset(
    {"company", "corporation", "corp", "co", "incorporated", "hoesa", "chusik hoesa", "gongsi", "youxian gongsi"}
)
#: Short forms kept from rigour's table although they are three letters or fewer (shorter ones
#: are also syllables of romanised Korean names: rigour strips "Se", "Yu", "Ku", "Sa", "As").
_SHORT_FORMS = frozenset({"co", "ltd", "llc", "jsc", "inc", "ooo", "zao", "oao", "pao", "plc", "pte", "fze", "jv"})
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


@lru_cache(maxsize=4096)
def _is_legal_form(words: tuple[str, ...]) -> bool:
    from rigour.names import remove_org_types

    text = " ".join(words)
    if text in _OWN_LEGAL_FORMS:
        return True
    if len(words) == 1 and len(text) >= 6 and _misspelt_form(text):
        return True
    if len(words) == 1 and len(text) <= 3 and text not in _SHORT_FORMS:
        return False
    return not remove_org_types(text).strip()


#: Long legal-form words a trade document may misspell by one letter ("Coropration").
_LONG_FORMS = ("corporation", "company", "limited", "incorporated")


def _misspelt_form(word: str) -> bool:
    from rapidfuzz.distance import OSA

    return any(OSA.distance(word, form) <= 1 for form in _LONG_FORMS)


def _strip_legal_forms(words: list[str]) -> list[str]:
    """Legal forms removed from both ends of a name (up to three words each), never all of it."""
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in (3, 2, 1):
            if len(words) > n and _is_legal_form(tuple(words[-n:])):
                words, changed = words[:-n], True
                break
            if len(words) > n and _is_legal_form(tuple(words[:n])):
                words, changed = words[n:], True
                break
    return words


@lru_cache(maxsize=65536)
def comparison_form(name: str) -> str:
    """The form two names are scored on: cleaned, legal forms and a bracketed acronym removed."""
    text = clean(_ACRONYM.sub(" ", name)) or clean(name)
    return " ".join(_strip_legal_forms(text.split()))


def acronym(name: str) -> str | None:
    """The acronym a listed name carries in brackets at its end ("... LIMITED (OMM)" → "omm")."""
    found = _ACRONYM.search(name)
    return found.group(1).lower() if found else None


#: Romanised Korean is written in several systems (McCune-Reischauer, Revised Romanisation and
#: their informal mixes): Ch'oe / Choe / Joe, Pyongyang / Pyeongyang, Kim / Gim, Ri / Li / Yi.
#: The skeleton folds the letters they disagree on, in this order, on both names alike.
_SKELETON = (
    ("tch", "ch"),
    ("eo", "o"),
    ("eu", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("sh", "s"),
    ("ch", "j"),
    ("g", "k"),
    ("b", "p"),
    ("d", "t"),
    ("l", "r"),
)
_DOUBLE = re.compile(r"(.)\1+")
#: Words so common in the names of DPRK entities that two names sharing them are not alike for
#: it ("Korea Kum Trading" is not "Korea Kumryong Trading"): the rest must resemble too.
GENERIC = frozenset(
    "korea korean dprk pyongyang chosun choson trading trade general corporation company bank banking "
    "commercial shipping industrial industry group development technology bureau department international "
    "joint venture of the and for enterprise committee ministry association investment".split()
)
#: Below this, the words outside GENERIC differ too much for the shared ones to make a match.
DISTINCT_FLOOR = 85.0
#: A name of common words only ("Korea Trading Bank") against one with words of its own: at most this.
ONLY_GENERIC_SCORE = 80.0
#: One letter off (replaced, dropped, added, or two swapped) in names of at least this many
#: letters (without spaces) is a possible match: a typing error, scored 90.
ONE_EDIT_MIN_LETTERS = 6
ONE_EDIT_SCORE = 90.0


#: Two names of as many words, one of which has no counterpart at all in the other (Hwang An Sok,
#: Hwang Sok Ha): at most this score, however alike the rest.
UNPAIRED_SCORE = 80.0
UNPAIRED_BELOW = 40.0


@lru_cache(maxsize=262144)
def _unpaired(a: str, b: str) -> bool:
    """Same number of words (2+), and some word of one resembles no word of the other."""
    from rapidfuzz import fuzz

    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or len(wa) < 2:
        return False
    return any(max(fuzz.ratio(x, y) for y in wb) < UNPAIRED_BELOW for x in wa) or any(
        max(fuzz.ratio(y, x) for x in wa) < UNPAIRED_BELOW for y in wb
    )


@lru_cache(maxsize=65536)
def skeleton(form: str) -> str:
    """A comparison form with the letters romanisation systems disagree on folded together."""
    for a, b in _SKELETON:
        form = form.replace(a, b)
    return _DOUBLE.sub(r"\1", form)


@lru_cache(maxsize=65536)
def _is_generic(word: str) -> bool:
    from rapidfuzz.distance import OSA

    if word in GENERIC:
        return True
    return len(word) >= 7 and any(len(g) >= 7 and OSA.distance(word, g) <= 1 for g in GENERIC)


_GENERIC_INSIDE = re.compile("|".join(sorted((g for g in GENERIC if len(g) >= 5), key=len, reverse=True)))


@lru_cache(maxsize=65536)
def distinct_form(form: str) -> str:
    """The words of a comparison form outside :data:`GENERIC` (also inside words run together), as a skeleton."""
    words = [w for w in form.split() if not _is_generic(w)]
    return skeleton(" ".join(_GENERIC_INSIDE.sub("", w) or w for w in words))


@dataclass(frozen=True)
class _Forms:
    """What :func:`batch_scores` compares of one side's names, prepared once per side."""

    form: tuple[str, ...]  # comparison forms
    skel: tuple[str, ...]  # romanisation skeletons
    form_compact: tuple[str, ...]  # comparison forms without spaces
    skel_compact: tuple[str, ...]  # skeletons without spaces
    distinct: tuple[str, ...]  # words outside GENERIC, "-" for none
    long: Any  # numpy bool array: long enough for the one-edit allowance
    has_distinct: Any  # numpy bool array
    empty: Any  # numpy bool array: nothing left to compare


def _prepare(names: tuple[str, ...]) -> _Forms:
    import numpy as np

    form = tuple(comparison_form(n) for n in names)
    skel = tuple(skeleton(f) for f in form)
    skel_compact = tuple(x.replace(" ", "") for x in skel)
    distinct = tuple(distinct_form(f) for f in form)
    return _Forms(
        form=form,
        skel=skel,
        form_compact=tuple(x.replace(" ", "") for x in form),
        skel_compact=skel_compact,
        distinct=tuple(d or "-" for d in distinct),
        long=np.array([len(x) >= ONE_EDIT_MIN_LETTERS for x in skel_compact]),
        has_distinct=np.array([bool(d) for d in distinct]),
        empty=np.array([not f for f in form]),
    )


@lru_cache(maxsize=32)
def _prepared_targets(targets: tuple[str, ...]) -> _Forms:
    """The listed side, the same names on every query of a run: prepared once."""
    return _prepare(targets)


def batch_scores(queries: list[str], targets: list[str], workers: int = 1) -> Any:
    """queries × targets (numpy array, 0-100): :func:`name_score` of every pair, computed in C.

    The better of: the names without spaces (rapidfuzz ratio) and word-order-free (token sort)
    on the comparison forms, and the first on their romanisation skeletons; one letter off in a long name
    (:data:`ONE_EDIT_MIN_LETTERS`) scores :data:`ONE_EDIT_SCORE`. When both names have words
    outside :data:`GENERIC` and those resemble less than :data:`DISTINCT_FLOOR`, that lower
    score is the score; when only one has such words, the score is at most
    :data:`ONLY_GENERIC_SCORE`; two names of as many words where a word of one has no
    counterpart in the other score at most :data:`UNPAIRED_SCORE`.
    """
    import numpy as np
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

    q = _prepare(tuple(queries))
    t = _prepared_targets(tuple(targets))

    def ratio(a: tuple[str, ...], b: tuple[str, ...]) -> Any:
        return process.cdist(a, b, scorer=fuzz.ratio, workers=workers)

    def token_sort(a: tuple[str, ...], b: tuple[str, ...]) -> Any:
        return process.cdist(a, b, scorer=fuzz.token_sort_ratio, workers=workers)

    scores = np.maximum(
        np.maximum(ratio(q.form_compact, t.form_compact), token_sort(q.form, t.form)),
        ratio(q.skel_compact, t.skel_compact),
    )
    edits = process.cdist(q.skel_compact, t.skel_compact, scorer=OSA.distance, workers=workers)
    long_pair = q.long[:, None] & t.long[None, :]
    scores = np.where((edits <= 1) & long_pair, np.maximum(scores, ONE_EDIT_SCORE), scores)
    qd_compact = tuple(x.replace(" ", "") for x in q.distinct)
    td_compact = tuple(x.replace(" ", "") for x in t.distinct)
    distinct = np.maximum(ratio(qd_compact, td_compact), token_sort(q.distinct, t.distinct))
    has_q = q.has_distinct[:, None]
    has_t = t.has_distinct[None, :]
    scores = np.where(has_q & has_t & (distinct < DISTINCT_FLOOR), np.minimum(scores, distinct), scores)
    scores = np.where(has_q ^ has_t, np.minimum(scores, ONLY_GENERIC_SCORE), scores)
    for i, j in zip(*np.nonzero(scores > UNPAIRED_SCORE), strict=True):
        if _unpaired(q.skel[i], t.skel[j]):
            scores[i, j] = UNPAIRED_SCORE
    return np.where(q.empty[:, None] | t.empty[None, :], 0.0, scores)


def name_score(a: str, b: str) -> float:
    """0-100: how alike two names are (see :func:`batch_scores`, which computes the same)."""
    return float(batch_scores([a], [b])[0, 0])


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
        if target.strip():
            raise _command_line("bad-value", f"both a TARGET ({target}) and --name were given", hint="give one of them")
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


def _why(kind: str, what: str, target: Target, kinds: set[str] | None) -> str:
    """Why that list is needed; for a name of unknown kind, neutral about what the name is."""
    if target.kind != "name" or kinds:
        return f"{what} is looked up there"
    if kind == "vessels":
        return "a name may be a vessel's; the vessels list is where vessel names are looked up"
    return "a name may be a person's or an entity's; the consolidated list is where those are looked up"


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
        "list-missing",
        f"'{target.text}' cannot be screened: "
        + " and ".join(f"{titles[k]} is not loaded ({_why(k, what, target, kinds)})" for k, what in missing),
        hint="load it with "
        + " and ".join(how[k] for k, _ in missing)
        + " (or `sanctionsengine lists add`)"
        + restrict,
    )
