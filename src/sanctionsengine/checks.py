"""Checks that run after the schema: what one file cannot tell about itself.

Each check is a named function from a :class:`Rulebook` to diagnostics, run in the order of
:data:`CHECKS` (Open Policy Agent's compiler works through named stages the same way). All of
them run; their problems are reported together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta

from .errors import Diagnostic, Diagnostics, did_you_mean
from .rulebook import Rulebook
from .rules import Rule, RuleVersion
from .vocabulary import RuleKind


def _rule_diag(
    book: Rulebook, rule: Rule, sub: tuple[str | int, ...], code: str, message: str, hint: str = ""
) -> Diagnostic:
    place = book.places[rule.id]
    path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in sub).replace(".[", "[")
    return Diagnostic(place.location(*sub), code, message, path=path, context=f"rule {rule.id}", hint=hint)


def check_group_references(book: Rulebook) -> Iterator[Diagnostic]:
    known = list(book.groups.groups)
    for rule in book.rules:
        for vi, version in enumerate(rule.versions):
            for field in ("commodities", "exclude_commodities"):
                for gi, gid in enumerate(getattr(version.scope, field)):
                    if gid not in book.groups:
                        yield _rule_diag(
                            book,
                            rule,
                            ("versions", vi, "scope", field, gi),
                            "dangling-reference",
                            f"no commodity group '{gid}'",
                            did_you_mean(gid, known),
                        )
            for ri, related in enumerate(version.related):
                for gi, gid in enumerate(related.commodities):
                    if gid not in book.groups:
                        yield _rule_diag(
                            book,
                            rule,
                            ("versions", vi, "related", ri, "commodities", gi),
                            "dangling-reference",
                            f"no commodity group '{gid}'",
                            did_you_mean(gid, known),
                        )
        for i, gid in enumerate(rule.near_commodities):
            if gid not in book.groups:
                yield _rule_diag(
                    book,
                    rule,
                    ("near_commodities", i),
                    "dangling-reference",
                    f"no commodity group '{gid}'",
                    did_you_mean(gid, known),
                )
    for gid, group in book.groups.groups.items():
        place = book.places[f"group:{gid}"]
        for i, inc in enumerate(group.includes):
            if inc not in book.groups:
                yield Diagnostic(
                    place.location("includes", i),
                    "dangling-reference",
                    f"group '{gid}' includes unknown group '{inc}'",
                    hint=did_you_mean(inc, known),
                )
        if _cycles(book, gid):
            yield Diagnostic(
                place.location("includes"), "bad-value", f"group '{gid}' includes itself through its 'includes'"
            )


def _cycles(book: Rulebook, start: str) -> bool:
    stack = list(book.groups.groups[start].includes)
    seen: set[str] = set()
    while stack:
        gid = stack.pop()
        if gid == start:
            return True
        if gid in seen or gid not in book.groups:
            continue
        seen.add(gid)
        stack.extend(book.groups.groups[gid].includes)
    return False


def check_exemption_targets(book: Rulebook) -> Iterator[Diagnostic]:
    ids = [r.id for r in book.rules]
    for rule in book.rules:
        for i, target in enumerate(rule.excepts):
            if target == "*":
                continue
            if not book.has_rule(target):
                yield _rule_diag(
                    book,
                    rule,
                    ("excepts", i),
                    "dangling-reference",
                    f"no rule '{target}' to except",
                    did_you_mean(target, ids),
                )
            elif book.rule(target).kind == RuleKind.EXEMPTION:
                yield _rule_diag(
                    book,
                    rule,
                    ("excepts", i),
                    "bad-value",
                    f"'{target}' is itself an exemption; an exemption softens a measure",
                )


def check_version_dates(book: Rulebook) -> Iterator[Diagnostic]:
    for rule in book.rules:
        labels: set[str] = set()
        for vi, v in enumerate(rule.versions):
            if v.version in labels:
                yield _rule_diag(
                    book,
                    rule,
                    ("versions", vi, "version"),
                    "duplicate-id",
                    f"version label '{v.version}' is used twice in this rule",
                )
            labels.add(v.version)
        for vi, (a, b) in enumerate(zip(rule.versions, rule.versions[1:], strict=False), start=1):
            if b.in_force_from < a.in_force_from:
                yield _rule_diag(
                    book,
                    rule,
                    ("versions", vi, "in_force_from"),
                    "bad-date",
                    f"versions must be listed oldest first: {b.in_force_from} is before {a.in_force_from}",
                )
        for vi, b in enumerate(rule.versions):
            for a in rule.versions[:vi]:
                if _overlap(a.in_force_from, a.in_force_until, b.in_force_from, b.in_force_until) and _law_overlap(
                    a, b
                ):
                    yield _rule_diag(
                        book,
                        rule,
                        ("versions", vi, "in_force_from"),
                        "overlapping-versions",
                        f"versions '{a.version}' and '{b.version}' both govern conduct on "
                        f"{max(a.in_force_from, b.in_force_from)} and are the law at the same time; "
                        f"end '{a.version}' (in_force_until) or mark it repealed",
                    )


def _overlap(a0: date, a1: date | None, b0: date, b1: date | None) -> bool:
    return (a1 is None or b0 <= a1) and (b1 is None or a0 <= b1)


def _law_overlap(a: RuleVersion, b: RuleVersion) -> bool:
    last_a = None if a.repealed is None else a.repealed - timedelta(days=1)
    last_b = None if b.repealed is None else b.repealed - timedelta(days=1)
    return _overlap(a.enacted_on, last_a, b.enacted_on, last_b)


def check_citations(book: Rulebook) -> Iterator[Diagnostic]:
    for rule in book.rules:
        for vi, v in enumerate(rule.versions):
            cites = [("citation",), *[("related", i) for i in range(len(v.related))]]
            for sub, citation in zip(cites, (v.citation, *v.related), strict=False):
                yield from _citation_problems(book, rule, ("versions", vi, *sub), citation)
            if v.in_force_from < v.enacted_on:
                yield _rule_diag(
                    book,
                    rule,
                    ("versions", vi, "in_force_from"),
                    "bad-date",
                    f"governs conduct from {v.in_force_from}, before it became law on {v.enacted_on}",
                )
            if v.enacted is not None and v.enacted not in {c.adopted for c in (v.citation, *v.related)}:
                yield _rule_diag(
                    book,
                    rule,
                    ("versions", vi, "enacted"),
                    "bad-date",
                    f"enacted {v.enacted} is not the adoption date of any paragraph this version cites",
                )


def _citation_problems(
    book: Rulebook, rule: Rule, sub: tuple[str | int, ...], citation: object
) -> Iterable[Diagnostic]:
    from .citations import Citation

    assert isinstance(citation, Citation)
    known = book.resolutions.get(citation.resolution)
    if known is None:
        yield _rule_diag(
            book,
            rule,
            (*sub, "resolution"),
            "bad-citation",
            f"resolution {citation.resolution} is not in the rulebook's table of resolutions; "
            "add it to resolutions.yaml with its adoption date and source",
        )
        return
    if citation.year != known.year:
        yield _rule_diag(
            book,
            rule,
            (*sub, "year"),
            "bad-citation",
            f"S/RES/{citation.resolution} is of {known.year}, not {citation.year}",
        )
    if citation.adopted != known.adopted:
        yield _rule_diag(
            book,
            rule,
            (*sub, "adopted"),
            "bad-citation",
            f"S/RES/{citation.resolution} was adopted on {known.adopted}, not {citation.adopted}",
        )


def check_regime(book: Rulebook) -> Iterator[Diagnostic]:
    regime = book.regime
    known = book.resolutions.get(regime.citation.resolution)
    place = book.places["regime"]
    if known is None or known.adopted != regime.citation.adopted:
        yield Diagnostic(
            place.location("citation"),
            "bad-citation",
            "the regime's citation does not agree with the table of resolutions",
        )


def check_conversions(book: Rulebook) -> Iterator[Diagnostic]:
    known = list(book.groups.groups)
    for tid, table in book.conversions.items():
        place = book.places[f"conversion:{tid}"]
        products = [f.product for f in table.factors]
        if table.default_product not in products:
            yield Diagnostic(
                place.location("default_product"),
                "dangling-reference",
                f"default product '{table.default_product}' has no factor in this table",
            )
        for i, product in enumerate(products):
            if product not in book.groups:
                yield Diagnostic(
                    place.location("factors", i, "product"),
                    "dangling-reference",
                    f"no commodity group '{product}'",
                    hint=did_you_mean(product, known),
                )
    for rule in book.rules:
        for vi, v in enumerate(rule.versions):
            if v.cap and v.cap.convert_with and v.cap.convert_with not in book.conversions:
                yield _rule_diag(
                    book,
                    rule,
                    ("versions", vi, "cap", "convert_with"),
                    "dangling-reference",
                    f"no conversion table '{v.cap.convert_with}'",
                    did_you_mean(v.cap.convert_with, list(book.conversions)),
                )


def check_coverage(book: Rulebook) -> Iterator[Diagnostic]:
    """With a coverage matrix: every cited paragraph listed, every listed one cited or explained."""
    if not book.coverage:
        return
    from .coverage import citing

    cited = citing(book.rules)
    listed = {e.key for e in book.coverage}
    for entry in book.coverage:
        place = book.places[f"coverage:{entry.paragraph}"]
        resolution = entry.key[0]
        if resolution not in book.resolutions:
            yield Diagnostic(
                place.location("paragraph"),
                "dangling-reference",
                f"resolution {resolution} is not in resolutions.yaml",
            )
        citations = cited.get(entry.key, [])
        rules = sorted({c.rule.id for c in citations if c.main})  # the rules that encode it
        related = sorted({c.rule.id for c in citations if not c.main})
        if rules and entry.reason:
            yield Diagnostic(
                place.location("reason"),
                "bad-value",
                f"{entry.paragraph} is cited by {', '.join(rules)}; a reason for having no rule is stale",
                hint="remove 'reason'",
            )
        if not rules and related and not entry.reason:
            yield Diagnostic(
                place.location("paragraph"),
                "missing",
                f"{entry.paragraph} is cited only as related by {', '.join(related)}, which does not make it "
                "covered; say in 'reason' what those rules take from it, or write the rule",
            )
        elif not rules and not entry.reason:
            yield Diagnostic(
                place.location("paragraph"),
                "missing",
                f"no rule cites {entry.paragraph}; say why in 'reason', or write the rule",
            )
    first = book.places[f"coverage:{book.coverage[0].paragraph}"]
    for (resolution, number), items in sorted(cited.items()):
        if (resolution, number) not in listed:
            names = ", ".join(sorted({c.rule.id for c in items}))
            yield Diagnostic(
                first.location(),
                "missing",
                f"{resolution} OP{number} is cited by {names} but is not in the coverage matrix",
                hint="add it to coverage.yaml with its subject and tag",
            )


CHECKS: list[tuple[str, Callable[[Rulebook], Iterable[Diagnostic]]]] = [
    ("group-references", check_group_references),
    ("exemption-targets", check_exemption_targets),
    ("version-dates", check_version_dates),
    ("citations", check_citations),
    ("regime", check_regime),
    ("conversions", check_conversions),
    ("coverage", check_coverage),
]


#: The checks that need the whole rulebook (a rule or group that could not be read would make
#: them report what is only missing because of it); the others check each rule on its own.
WHOLE_BOOK = {"group-references", "exemption-targets", "coverage"}


def check_rulebook(book: Rulebook, *, partial: bool = False) -> Diagnostics:
    """Every check of the rulebook; ``partial`` (some file had problems): only the checks that
    judge each rule by itself, so that they are reported in the same pass as the file problems."""
    diags = Diagnostics()
    for name, check in CHECKS:
        if partial and name in WHOLE_BOOK:
            continue
        diags.extend(check(book))
    return diags
