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

from .errors import Diagnostic, EvaluationError, InputError, SanctionsEngineError, SourceLocation, printable

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

#: The exit status of a command whose output pipe was closed early (``| head``): 128 + SIGPIPE.
BROKEN_PIPE = 141

#: Set when --timeout abandoned a run still going in its thread: the process then exits at once.
ABANDONED = False


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2
    FAILURE = 3


EXIT_HELP = """\b
Exit codes:
  0    no event reached the --fail-on verdict (default: no violation)
  1    at least one event did
  2    bad input (every problem is listed as file:line:col: code: message), including a
       missing output folder, a missing or damaged audit log, a missing audit record
  3    the evaluation could not be completed (engine failure, --timeout, a failed write)
  141  the output pipe was closed early (e.g. `| head`); nothing more is printed"""


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
            rv = self._main(args, prog_name, complete_var, **extra)
        except SystemExit as exc:
            if ABANDONED and args is None:  # a real process: do not wait for the abandoned run at exit
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(exc.code if isinstance(exc.code, int) else 1)
            raise
        sys.exit(rv if isinstance(rv, int) else 0)

    def _main(self, args: Any, prog_name: str | None, complete_var: str | None, **extra: Any) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, as click shows it
                exc.show()
                sys.exit(exc.exit_code)
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
        return rv


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


class _FailOn(click.Choice):  # type: ignore[type-arg]
    """A --fail-on verdict: shown and accepted with hyphens, underscores accepted too; the
    value passed on is the verdict's own name (``potential_violation``)."""

    def __init__(self) -> None:
        super().__init__(["violation", "potential-violation", "never"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = value.replace("_", "-") if isinstance(value, str) else value
        return str(super().convert(text, param, ctx)).replace("-", "_")


FAIL_ON = _FailOn()

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
#: ``--format text|json`` of the commands that print an answer (verify, lists show/diff, rescreen).
text_or_json_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
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


# --- evaluate's run: bounded in time, its report written before it is recorded -------------------


def strict_env() -> bool:
    from .audit import strict_from_env

    return strict_from_env()


def output_problem(output: Path, option: str = "-o") -> Diagnostic | None:
    """Why ``output`` cannot be written (its folder is missing, or it names a folder), or None."""
    from .yamlfile import display_path

    parent = output.parent if str(output.parent) else Path(".")
    problem = ""
    if output.is_dir():
        problem = "is a folder; give a file name"
    elif not parent.is_dir():
        problem = f"cannot be written: the folder {display_path(parent)} does not exist"
    elif not os.access(parent, os.W_OK):
        problem = f"cannot be written: the folder {display_path(parent)} is read-only; give {option} FILE elsewhere"
    return (
        Diagnostic(SourceLocation(display_path(output)), "file-not-found", f"{option} {problem}") if problem else None
    )


def check_output_path(output: Path, option: str = "-o") -> None:
    """Refuse, before any work, a report path that cannot be written."""
    problem = output_problem(output, option)
    if problem is not None:
        raise InputError([problem])


def stage_report(output: Path, data: bytes) -> Path:
    """Write the report beside its place under a temporary name; a failed write is exit 3, and
    nothing is recorded in the audit log for it."""
    from .errors import ReportError

    tmp = output.with_name(f".{output.name}.{uuid4_hex()}.partial")
    try:
        tmp.write_bytes(data)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"cannot write {output}: {exc.strerror or exc}; nothing was recorded") from None
    return tmp


def commit_report(tmp: Path, output: Path) -> None:
    import os

    from .errors import ReportError

    try:
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"cannot write {output}: {exc.strerror or exc}") from None


def uuid4_hex() -> str:
    import uuid

    return uuid.uuid4().hex[:12]


def within(timeout: float, work: Callable[[], T]) -> T:
    """Run ``work`` and return its result, or raise EngineTimeout after ``timeout`` seconds: the
    bound covers the whole run (reading the lists and the scenario, screening, the engine)."""
    import threading

    from .errors import EngineTimeout

    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=run, name="sanctionsengine-run", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        global ABANDONED
        ABANDONED = True
        raise EngineTimeout(
            f"the run did not finish within --timeout {timeout:g} s (reading, screening and the engine "
            "together); nothing was written or recorded",
            seconds=timeout,
        )
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]
