"""``validate``: every check ``evaluate`` and ``screen --mapping`` make, on every file, in one pass.

The rulebook, each scenario (shape, references, exemption ids, categories, sources and their
quotes) and a column mapping (``bulk.command.mapping_problems``: fields, defaults, and columns
against the data file's header) are each checked even when another has failed, and all their
problems are gathered into one list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostics, InputError
from .vocabulary import RuleKind


@dataclass
class Validation:
    problems: Diagnostics = field(default_factory=Diagnostics)
    rules: int = 0
    rule_files: int = 0
    rulebook_hash: str = ""
    events: int = 0
    mapping: str = ""


def validate_all(
    rules_dir: Path | None,
    scenarios: tuple[Path, ...] | list[Path] = (),
    sources: Path | None = None,
    mapping_file: Path | None = None,
    data_file: Path | None = None,
) -> Validation:
    from .evidence import check_evidence
    from .rulebook import RulebookProblems, bundled_rules_path, load_rulebook
    from .scenario import check_scenario_file

    out = Validation()
    groups: list[str] | None = None
    exemptions: list[str] | None = None
    try:
        book = load_rulebook(rules_dir if rules_dir is not None else bundled_rules_path())
    except RulebookProblems as exc:  # the scenarios are still checked, against the ids the files name
        out.problems.extend(exc.diagnostics)
        groups, exemptions = exc.groups, exc.exemptions
    except InputError as exc:  # no rulebook at all: the scenarios are checked without its references
        out.problems.extend(exc.diagnostics)
    else:
        groups = list(book.groups.groups)
        exemptions = [r.id for r in book.rules if r.kind == RuleKind.EXEMPTION]
        out.rules, out.rule_files, out.rulebook_hash = len(book.rules), len(book.files), book.hash
    for path in scenarios:
        loaded, problems = check_scenario_file(path, groups=groups, exemptions=exemptions)
        out.problems.extend(problems)
        if loaded is None:
            continue
        out.events += len(loaded.scenario.events)
        _, diags = check_evidence(loaded, sources)
        out.problems.extend(diags)
    if mapping_file is not None:  # the checks screen makes of a mapping (and, with data_file, its columns)
        from .bulk.command import mapping_problems

        out.problems.extend(mapping_problems(mapping_file, data_file, rules_dir=rules_dir))
        out.mapping = f"mapping {mapping_file}" + (f" against {data_file}" if data_file else "")
    return out
