"""The coverage matrix: complete against the reference's sections 1-5, consistent with the rules.

The reference (../shared/reference/unsc-dprk.md) is read the way an analyst reads it: a
resolution number followed by the operative paragraphs named after it ("2397 OP5", "2375 OPs
9-15", "OP34-35"), within one bullet, table row or paragraph; a resolution named in brackets
("(replacing 2270 OP29)") does not change the resolution of what follows the bracket.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sanctionsengine.errors import InputError
from sanctionsengine.generate import coverage_matrix
from sanctionsengine.rulebook import Rulebook, load_rulebook

from .conftest import RULES, SHARED

REFERENCE = SHARED / "reference" / "unsc-dprk.md"
_TOKEN = re.compile(
    r"(?P<res>\b(?:1[5-9]\d\d|2[0-7]\d\d)\b)"
    r"|\bOPs?\s?(?P<a>\d+)(?:\s*[–-]\s*(?P<b>\d+))?"
    r"|\bparagraphs?\s+(?P<c>\d+)(?:\s*[–-]\s*(?P<d>\d+))?"
    r"|(?P<open>\()|(?P<close>\))"
)
_BLOCK_START = ("#", "- ", "|")


def reference_paragraphs(text: str, resolutions: set[int]) -> dict[tuple[int, int], str]:
    """(resolution, paragraph) → the reference's tags on the blocks that mention it ('V', 'V?'...)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## 1."))
    end = next(i for i, line in enumerate(lines) if line.startswith("## 6."))
    blocks: list[list[str]] = []
    for line in lines[start:end]:
        if not line.strip() or line.startswith(_BLOCK_START) or not blocks:
            blocks.append([])
        if line.strip():
            blocks[-1].append(line.replace("**", ""))
    found: dict[tuple[int, int], set[str]] = {}
    for block in blocks:
        resolution = None
        rows = block if block and block[0].startswith("|") else [" ".join(block)]
        for row in rows:
            if block and block[0].startswith("|"):
                resolution = None
            tags = set(re.findall(r"\[(V|B|\?)\]", row))
            saved: list[int | None] = []
            for m in _TOKEN.finditer(row):
                if m.group("open"):
                    saved.append(resolution)
                elif m.group("close"):
                    resolution = saved.pop() if saved else resolution
                elif m.group("res"):
                    number = int(m.group("res"))
                    resolution = number if number in resolutions else resolution
                elif resolution is not None:
                    a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
                    for n in range(int(a), int(b or a) + 1):
                        found.setdefault((resolution, n), set()).update(tags)
    return {k: "".join(t for t in "VB?" if t in v) or "-" for k, v in found.items()}


@pytest.fixture(scope="module")
def mentioned(book: Rulebook) -> dict[tuple[int, int], str]:
    if not REFERENCE.exists():
        pytest.fail(f"the reference is expected at {REFERENCE} (set SANCTIONSENGINE_SHARED)")
    return reference_paragraphs(REFERENCE.read_text(encoding="utf-8"), set(book.resolutions))


def test_every_paragraph_of_the_reference_is_in_the_matrix(book: Rulebook, mentioned: dict) -> None:
    listed = {e.key for e in book.coverage}
    missing = sorted(k for k in mentioned if k not in listed)
    assert not missing, f"paragraphs of the reference missing from coverage.yaml: {missing}"
    assert len(mentioned) >= 85  # the reader still finds what it should


def test_the_matrix_carries_the_references_tags(book: Rulebook, mentioned: dict) -> None:
    wrong = [
        (e.paragraph, e.tag, mentioned.get(e.key, "-")) for e in book.coverage if e.tag != mentioned.get(e.key, "-")
    ]
    assert not wrong, f"(paragraph, tag in coverage.yaml, tag in the reference): {wrong}"


def test_the_reader_keeps_a_bracketed_resolution_to_its_bracket() -> None:
    row = "| 2321 OP26 (replacing 2270 OP29), OP28, OP29 | statues | [V] |"
    assert set(reference_paragraphs(f"## 1.\n{row}\n## 6.\n", {2270, 2321})) == {
        (2321, 26),
        (2270, 29),
        (2321, 28),
        (2321, 29),
    }


def test_the_reader_expands_ranges_and_follows_a_bullet_over_lines() -> None:
    text = "## 1.\n- 2397 OPs 9–11 are maritime\n  and OP14 [V]\n- 2270 OP34–35 [B]\n## 6.\n"
    assert reference_paragraphs(text, {2270, 2397}) == {
        (2397, 9): "V",
        (2397, 10): "V",
        (2397, 11): "V",
        (2397, 14): "V",
        (2270, 34): "B",
        (2270, 35): "B",
    }


def test_every_paragraph_has_rules_or_a_reason(book: Rulebook) -> None:
    text = coverage_matrix(book)
    assert "| OP5 | refined petroleum capped" in text and "`dprk.oil.refined-petroleum` (cap;" in text
    assert "*none*: a political commitment of the Council" in text
    assert text.count("\n| OP") == len(book.coverage)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    return root


def test_a_cited_paragraph_missing_from_the_matrix_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "coverage.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- paragraph: 2375 OP13\n")
    end = text.index("- paragraph:", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rulebook(root)
    assert "2375 OP13 is cited by dprk.oil.condensates-ngl but is not in the coverage matrix" in str(
        "\n".join(exc.value.diagnostics.lines())
    )


def test_a_stale_reason_and_a_missing_reason_are_errors(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "coverage.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("- paragraph: 2375 OP13\n", "- paragraph: 2375 OP13\n  reason: none needed\n", 1).replace(
        "  reason: a political commitment of the Council, not a measure in force\n", "", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rulebook(root)
    lines = "\n".join(exc.value.diagnostics.lines())
    assert "coverage.yaml:" in lines
    assert "2375 OP13 is cited by dprk.oil.condensates-ngl; a reason for having no rule is stale" in lines
    assert "no rule cites 2397 OP28; say why in 'reason', or write the rule" in lines
