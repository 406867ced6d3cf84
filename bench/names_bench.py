"""Name matching as trade documents write names: recall and false positives at thresholds 80-95.

The labelled set is built from the loaded lists themselves (the UN list's DPRK records and the
1718 vessels list, read from ../shared/data): every listed name and every alias that may match
on resemblance (weak aliases and bracketed acronyms count only when exact, so they are tested
as written), each with systematic variants:

- legal form changed (Corporation → Corp, Company → Co, Limited → Ltd, "Co Ltd" added to an
  entity name that has none, Korean "hoesa" for "company");
- spacing (a person's two-syllable given name written as one word, an entity's or vessel's first
  two words run together, a one-word name split in two);
- hyphenation (the same two words joined with a hyphen);
- transliteration (one McCune-Reischauer / Revised Romanisation swap in a romanised word, not in
  an English one: ch↔j, k↔g, p↔b, t↔d, o↔eo, u↔eu, ri↔li, sh↔s);
- one typo (one letter replaced, dropped, doubled or swapped with its neighbour, seeded);
- word order (the first word of the name, without its legal form, moved to the end: family name
  last).

A variant counts as found when the entry it came from is among the matches at the threshold.

The negative set is of unlisted names of the same style and length: company names from Faker
(en_US, en_GB; seeded), vessel-style names (Faker words with a number) and romanised Korean
names built from the syllables of Korean names and places with the list's kinds of suffix
("Trading Corporation", "General Bureau", "Shipping Co Ltd"...), all seeded; plus every name and
alias of the consolidated list's entries that are *not* DPRK records. A negative that is a listed
name up to word order and romanisation (same words of the skeleton form) is dropped: it is that
name, written another way. A negative counts as a false
positive when anything at all matches it at the threshold.

Scores are computed exactly as ``sanctionsengine.lookup.name_score`` does (checked on a sample),
in batch with rapidfuzz's ``cdist``. Run from the repository root:

    pip install -e '.[bench]'           # Faker
    python bench/names_bench.py          # prints the table; --json for machine-readable figures
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from sanctionsengine.lookup import GENERIC, batch_scores, comparison_form, name_score, skeleton  # noqa: E402
from sanctionsengine.screening import (  # noqa: E402
    DEFAULT_THRESHOLD,
    EXACT_ONLY,
    EntryKind,
    entry_names,
    load_un_list,
    load_vessel_list,
)

DATA = Path(ROOT.parent / "shared" / "data" / "un-1718")
THRESHOLDS = (80, 85, 88, 90, 92, 95)
SEED = 1718

_LEGAL_SWAPS = (
    ("corporation", "corp"),
    ("company limited", "co ltd"),
    ("company, limited", "co ltd"),
    ("company", "co"),
    ("limited", "ltd"),
    ("co. ltd", "company limited"),
    ("co ltd", "company limited"),
)
_TRANSLIT = (
    ("ch", "j"),
    ("j", "ch"),
    ("k", "g"),
    ("g", "k"),
    ("p", "b"),
    ("b", "p"),
    ("t", "d"),
    ("eo", "o"),
    ("o", "eo"),
    ("eu", "u"),
    ("u", "eu"),
    ("ri ", "li "),
    ("sh", "s"),
)
_SYLLABLES = (
    "an bong chang chol chon chong chu hae ham han ho hong hwa hwang hyok hyon il jang je jin jo ju kang "
    "kil kim ko kuk kum kwang kyong mi min mun myong nam ok pae paek pak pong pyong ra rak ri rim ro ryo "
    "ryong ryu sam se si sin so sok son song su sun tae tok ton u ul un won yang yo yon yong yu"
).split()
_ENTITY_SUFFIXES = (
    "Trading Corporation",
    "General Corporation",
    "General Trading Company",
    "Shipping Co Ltd",
    "Commercial Bank",
    "General Bureau",
    "Industrial Group",
    "Technology Company",
    "Joint Venture Company",
    "Trading Co",
)


@dataclass(frozen=True)
class Target:
    form: str
    reference: str
    exact_only: bool


def variants(name: str, kind: EntryKind, rng: random.Random) -> dict[str, str]:
    """The systematic variants of one listed name, by kind of variation."""
    out: dict[str, str] = {}
    low = name.lower()
    words = name.split()
    if kind == EntryKind.ENTITY:
        swapped = next((low.replace(a, b) for a, b in _LEGAL_SWAPS if a in low), None)
        out["legal form"] = swapped if swapped else name + " Co Ltd"
        if "company" in low:
            out["legal form (korean)"] = low.replace("company", "hoesa")
    core = comparison_form(name).split()  # the name without its legal form
    if kind == EntryKind.INDIVIDUAL and len(words) >= 3:
        # a Korean given name of two syllables, written as one word or hyphenated
        out["spacing"] = " ".join(words[:-2] + ["".join(words[-2:])])
        out["hyphenation"] = " ".join(words[:-2] + ["-".join(words[-2:])])
    elif len(core) >= 2 and not (set(core[:2]) & GENERIC):
        # the first two (romanised) words run together or hyphenated: Chong Chon Gang, Chongchon Gang
        out["spacing"] = " ".join(["".join(core[:2])] + core[2:])
        out["hyphenation"] = " ".join(["-".join(core[:2])] + core[2:])
    elif core and len(core[0]) >= 6 and core[0] not in GENERIC:
        out["spacing"] = " ".join([core[0][: len(core[0]) // 2] + " " + core[0][len(core[0]) // 2 :]] + core[1:])
    if len(core) >= 2:
        out["word order"] = " ".join(core[1:] + core[:1])
    romanised = [w for w in low.split() if w not in GENERIC and w.isascii()]
    for a, b in _TRANSLIT:
        word = next((w for w in romanised if a in w), None)
        if word is not None:  # one swap in a romanised word (not in "bank" or "trading")
            out["transliteration"] = " ".join(w.replace(a, b, 1) if w == word else w for w in low.split())
            break
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) >= 4:
        i = rng.choice(letters[1:-1])
        kinds = ("replace", "drop", "double", "swap")
        how = rng.choice(kinds)
        c = name[i]
        repl = rng.choice([x for x in "abcdefghijklmnopqrstuvwxyz" if x != c.lower()])
        typo = {
            "replace": name[:i] + repl + name[i + 1 :],
            "drop": name[:i] + name[i + 1 :],
            "double": name[:i] + c + name[i:],
            "swap": name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :],
        }[how]
        out["one typo"] = typo
    return out


def negatives(listed_forms: set[str], rng: random.Random) -> dict[str, list[str]]:
    """Unlisted names of the same style, by source; none equal to a listed name's compared form."""
    out: dict[str, list[str]] = {}
    try:
        from faker import Faker

        fake = Faker(["en_US", "en_GB"])
        fake.seed_instance(SEED)
        out["faker companies"] = [fake.company() for _ in range(3000)]
        out["faker vessel names"] = [
            f"{fake.word().upper()} {fake.word().upper()} {rng.randint(1, 20)}" for _ in range(1000)
        ]
    except ImportError:
        print("(Faker not installed: `pip install -e '.[bench]'`; its negatives are left out)", file=sys.stderr)

    def korean(n: int) -> str:
        return " ".join(rng.choice(_SYLLABLES).capitalize() for _ in range(n))

    out["romanised korean entities"] = [
        f"{rng.choice(['Korea', 'Pyongyang', 'Chosun', ''])} {korean(rng.randint(1, 2))} {rng.choice(_ENTITY_SUFFIXES)}".strip()
        for _ in range(2500)
    ]
    out["romanised korean people"] = [korean(3) for _ in range(2500)]
    out["romanised korean vessels"] = [f"{korean(rng.randint(1, 3)).upper()} {rng.randint(1, 12)}" for _ in range(1000)]
    consolidated = DATA / "consolidated.xml"
    others: list[str] = []
    from defusedxml import ElementTree

    root = ElementTree.fromstring(consolidated.read_bytes(), forbid_dtd=True)
    for section, item, alias_tag in (
        ("INDIVIDUALS", "INDIVIDUAL", "INDIVIDUAL_ALIAS"),
        ("ENTITIES", "ENTITY", "ENTITY_ALIAS"),
    ):
        for rec in root.findall(f"{section}/{item}"):
            if (rec.findtext("UN_LIST_TYPE") or "").strip() == "DPRK":
                continue
            parts = [
                (rec.findtext(t) or "").strip() for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            ]
            name = " ".join(p for p in parts if p)
            if name:
                others.append(name)
            for al in rec.findall(alias_tag):
                alias = (al.findtext("ALIAS_NAME") or "").strip()
                if alias and (al.findtext("QUALITY") or "").strip().lower() != "low":
                    others.append(alias)
    out["consolidated list, non-DPRK entries"] = others

    def same(n: str) -> bool:  # a listed name, up to word order and romanisation
        return " ".join(sorted(skeleton(comparison_form(n)).split())) in listed_forms

    return {k: sorted({n for n in v if comparison_form(n) and not same(n)}) for k, v in out.items()}


def best_scores(queries: list[str], targets: list[Target]) -> np.ndarray:
    """queries × targets: name_score (batch_scores), with exact-only targets at 0 unless equal."""
    scores = np.array(batch_scores(queries, [x.form for x in targets]), dtype=float)
    exact = np.array([x.exact_only for x in targets])
    scores[:, exact] = np.where(scores[:, exact] >= 100.0, 100.0, 0.0)
    return scores


def main() -> None:
    rng = random.Random(SEED)
    lists = [load_un_list(DATA / "dprk-1718-list.xml"), load_vessel_list(DATA / "dprk-1718-vessels.json")]
    targets: list[Target] = []
    positives: list[tuple[str, str, str]] = []  # (query, reference, variation)
    for lst in lists:
        for entry in lst.entries:
            for name, method in entry_names(entry):
                exact_only = method in EXACT_ONLY
                targets.append(Target(comparison_form(name), entry.reference, exact_only))
                positives.append((name, entry.reference, "as listed"))
                if exact_only:
                    continue
                for variation, text in variants(name, entry.kind, rng).items():
                    positives.append((text, entry.reference, variation))
    listed_forms = {" ".join(sorted(skeleton(t.form).split())) for t in targets}
    negative_sets = negatives(listed_forms, rng)
    refs = np.array([t.reference for t in targets])

    # the batch scores are name_score's
    sample = rng.sample(positives, 200)
    check = best_scores([s[0] for s in sample], targets)
    for i, (query, _, _) in enumerate(sample):
        for j in rng.sample(range(len(targets)), 5):
            if not targets[j].exact_only:
                assert abs(check[i, j] - name_score(query, targets[j].form)) < 1e-6, (query, targets[j].form)

    pos = best_scores([p[0] for p in positives], targets)
    neg_names = [n for names in negative_sets.values() for n in names]
    neg_source = [k for k, names in negative_sets.items() for _ in names]
    neg = best_scores(neg_names, targets)
    neg_best = neg.max(axis=1) if len(neg_names) else np.zeros(0)
    own = np.array([[refs[j] == p[1] for j in range(len(targets))] for p in positives])
    pos_own_best = np.where(own, pos, 0.0).max(axis=1)

    figures: dict[str, object] = {
        "positives": len(positives),
        "negatives": len(neg_names),
        "negative_sources": {k: len(v) for k, v in negative_sets.items()},
        "thresholds": {},
    }
    print(f"labelled set: {len(positives)} names and variants of {len(targets)} listed names and aliases")
    print("negative set: " + ", ".join(f"{len(v)} {k}" for k, v in negative_sets.items()))
    print()
    print("threshold   recall    false positives")
    for t in THRESHOLDS:
        recall = float((pos_own_best >= t).mean())
        fp = int((neg_best >= t).sum())
        rate = fp / len(neg_names) if neg_names else 0.0
        figures["thresholds"][str(t)] = {"recall": recall, "false_positives": fp, "fp_rate": rate}  # type: ignore[index]
        mark = "  (default)" if t == DEFAULT_THRESHOLD else ""
        print(f"{t:>9}   {recall:7.2%}   {rate:7.3%} ({fp}/{len(neg_names)}){mark}")
    t = DEFAULT_THRESHOLD
    print()
    print(f"at the default threshold {t:g}:")
    by_variation: dict[str, list[bool]] = {}
    for i, p in enumerate(positives):
        by_variation.setdefault(p[2], []).append(bool(pos_own_best[i] >= t))
    for variation, found in sorted(by_variation.items()):
        print(f"  recall, {variation:<20} {sum(found) / len(found):7.2%} of {len(found)}")
    missed = [(p[0], p[1], p[2], float(pos_own_best[i])) for i, p in enumerate(positives) if pos_own_best[i] < t]
    for query, ref, variation, score in missed[:25]:
        print(f"  missed: {query!r} ({ref}, {variation}, best {score:.1f})")
    for i in np.flatnonzero(neg_best >= t)[:25]:
        j = int(neg[i].argmax())
        print(
            f"  false positive: {neg_names[i]!r} ({neg_source[i]}) ~ {targets[j].form!r} {targets[j].reference} {neg_best[i]:.1f}"
        )
    if "--json" in sys.argv:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
