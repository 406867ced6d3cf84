"""The command-line side of ``lists diff``, ``rescreen`` and ``lists add/fetch --rescreen``.

``register`` adds the commands to the main command group and its ``lists`` group.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..cli_common import diag_option, guard, text_or_json_option


def register(main: click.Group, lists_group: click.Group) -> None:
    """Add ``lists diff`` and ``rescreen`` to the command groups."""

    @lists_group.command("diff")
    @click.argument("old", type=click.Path(path_type=Path))
    @click.argument("new", type=click.Path(path_type=Path))
    @click.option(
        "--kind",
        type=click.Choice(["un", "vessels"]),
        help="Which list both files are (default: .xml is the UN list, .json/.csv the vessels list).",
    )
    @text_or_json_option
    @diag_option
    @guard
    def lists_diff(old: Path, new: Path, kind: str | None, fmt: str, diagnostics_format: str) -> None:
        """Entries added, removed and changed (names, aliases, identifiers, dates, measures) from OLD to NEW.

        Exit 0 when the two lists hold the same entries, 1 when any differs, 2 on bad input.
        """
        from .listdiff import diff_lists, diff_text

        d = diff_lists(old, new, kind)
        if fmt == "json":
            click.echo(json.dumps(d.model_dump(mode="json"), indent=2, ensure_ascii=False, sort_keys=True))
        else:
            click.echo(diff_text(d), nl=False)
        if not d.identical:
            sys.exit(1)

    @main.command("rescreen")
    @click.argument("runs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="RUN.json...")
    @click.option("--list", "un_lists", multiple=True, type=click.Path(path_type=Path), help="The new UN list.")
    @click.option(
        "--vessels", "vessel_lists", multiple=True, type=click.Path(path_type=Path), help="The new vessels list."
    )
    @click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="The new rulebook directory.")
    @text_or_json_option
    @click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report here instead of stdout.")
    @diag_option
    @guard
    def rescreen_command(
        runs: tuple[Path, ...],
        un_lists: tuple[Path, ...],
        vessel_lists: tuple[Path, ...],
        rules_dir: Path | None,
        fmt: str,
        output: Path | None,
        diagnostics_format: str,
    ) -> None:
        """Re-judge only what changed since each earlier bulk screening RUN.json (its summary, from
        `screen FILE --format json`) and list every verdict that changed, row by row, with why.

        The new lists are those given, or else the cached ones; the rulebook is --rules or the
        bundled one. Exit 0 when no verdict worsened, 1 when any did, 2 on bad input.
        """
        from .watch import rescreen_runs

        code = rescreen_runs(list(runs), list(un_lists), list(vessel_lists), rules_dir, fmt, output)
        if code:
            sys.exit(code)
