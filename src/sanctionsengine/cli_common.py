"""What every command of the ``sanctionsengine`` CLI shares: exit codes, the error guard, the
group that prints every error with one prefix (``error:``), and the common options."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import EvaluationError, InputError, SanctionsEngineError, printable

F = TypeVar("F", bound=Callable[..., Any])

#: The exit status of a command whose output pipe was closed early (``| head``): 128 + SIGPIPE.
BROKEN_PIPE = 141


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2
    FAILURE = 3


EXIT_HELP = """\b
Exit codes:
  0  no event reached the --fail-on verdict (default: no violation)
  1  at least one event did
  2  bad input (every problem is listed as file:line:col: code: message), including a
     missing output folder, a missing or damaged audit log, a missing audit record
  3  the evaluation could not be completed (engine failure, --timeout, a failed write)
  141 the output pipe was closed early (e.g. `| head`); nothing more is printed"""


def error(message: str) -> None:
    """Print one free-form error on stderr, with the CLI's one prefix."""
    click.echo(f"error: {printable(message)}", err=True)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _quiet_broken_pipe() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, Exception):  # no real stdout (a test runner)
        pass


class EngineGroup(click.Group):
    """A click group that prints click's own errors (usage, bad option values) as ``error: ...``,
    like ours, and ends quietly on a closed output pipe."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.UsageError as exc:
            if exc.ctx is not None:
                click.echo(exc.ctx.get_usage(), err=True)
                if exc.ctx.command.get_help_option(exc.ctx) is not None:
                    click.echo(f"Try '{exc.ctx.command_path} -h' for help.\n", err=True)
            error(_lower_first(exc.format_message()))
            sys.exit(ExitCode.BAD_INPUT)
        except click.ClickException as exc:
            error(_lower_first(exc.format_message()))
            sys.exit(exc.exit_code)
        except click.Abort:
            error("aborted")
            sys.exit(ExitCode.FINDINGS)
        except BrokenPipeError:
            _quiet_broken_pipe()
            sys.exit(BROKEN_PIPE)
        sys.exit(rv if isinstance(rv, int) else 0)


def guard(func: F) -> F:
    """Map our errors to exit codes and messages; never let a traceback reach the user."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fmt = kwargs.get("diagnostics_format", "text")
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            if fmt == "json":
                click.echo(exc.diagnostics.to_json(), err=True)
            else:
                for line in exc.diagnostics.lines():
                    click.echo(line, err=True)
                if len(exc.diagnostics) > 1:
                    click.echo(exc.diagnostics.summary(), err=True)
            sys.exit(ExitCode.BAD_INPUT)
        except (EvaluationError, SanctionsEngineError) as exc:
            error(str(exc))
            sys.exit(ExitCode.FAILURE)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except OSError as exc:
            if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
                _quiet_broken_pipe()
                sys.exit(BROKEN_PIPE)
            error(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
            sys.exit(ExitCode.FAILURE)
        except Exception as exc:  # a bug: say so plainly, without a traceback
            error(f"internal error: {type(exc).__name__}: {exc} (please report this with the command you ran)")
            sys.exit(ExitCode.FAILURE)

    return wrapper  # type: ignore[return-value]


class _Date(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date; expected YYYY-MM-DD, e.g. 2024-06-19", param, ctx)


DATE = _Date()

rules_option = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path),
    help="Rulebook directory (default: the rulebook shipped with sanctionsengine).",
)
diag_option = click.option(
    "--diagnostics-format",
    "diagnostics_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print input problems on stderr.",
)
audit_db_option = click.option(
    "--audit-db",
    "audit_db",
    type=click.Path(path_type=Path),
    help="The audit log [default: $SANCTIONSENGINE_AUDIT_DB, or the user data folder].",
)
audit_strict_option = click.option(
    "--audit-strict",
    "audit_strict",
    is_flag=True,
    help="Refuse (exit 2) to append to an audit log whose chain fails verification, instead of "
    "warning [default: $SANCTIONSENGINE_AUDIT_STRICT=1 sets it].",
)
