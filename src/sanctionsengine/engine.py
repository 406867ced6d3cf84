"""The durable-rules binding: the only module that imports ``durable``.

durable-rules (2.0.28, unmaintained since 2020) is a Rete engine with sharp edges, each owned here:

- **State-document loops.** A ruleset's state document is matched like any message; a rule that
  it satisfies re-fires on every update and the call never returns. :mod:`.compile` guards every
  rule with a key only our facts carry, and each run here has a deadline and a match budget:
  a run that exceeds either raises :class:`EngineTimeout` / :class:`EngineFailure`, never hangs.
- **Posted events are consumed by the first matching rule.** Facts are seen by every matching
  rule, so events are *asserted* as facts: a car that is both a luxury good and a vehicle gets
  both findings.
- **Duplicate ids are refused.** Fact ids are ``<run id>-<index>``: unique within and across runs.
- **Unmatched messages raise**, and in a batch abort the call while the matched actions wait
  for durable's timer thread. A catch-all rule (``__seen__``) matches every fact, so nothing is
  unmatched; the timer threads are not started, so every action runs inside our call, in order.
- **Two-parameter actions are asynchronous** and stall the session unless completed: every
  action here takes one parameter.
- **Rulesets declared after the host exists are never registered**: one host is built per
  compiled rulebook, with all its rulesets, before any fact is asserted.
- **A fact of 255 or more properties crashes the process** (SIGSEGV in the C engine). A fact
  keeps only the keys some rule tests (:func:`.compile.trim_fact`: an event that concerns 247
  countries carries the one country rules test), and a fact still past
  :data:`.limits.MAX_FACT_PROPERTIES` is refused before anything is asserted
  (:func:`.compile.fact_overflow`, which the scenario and bulk paths call first).
- **The alpha network is walked with a fixed stack of 64 nodes** (``MAX_STACK_SIZE`` in
  durable's events.c): a fact that passes the first tests of more rules than that under one
  node fails with error 303, and the session may then crash the process. :mod:`.compile` spells
  every ``$or`` out as separate rules (each rule is one path), and :mod:`.alphanet` splits the
  rules into rulesets whose worst walk fits the stack. A fact is asserted only into the
  rulesets holding a rule that can fire in the run and whose constant equality tests the fact
  passes (:meth:`Engine.rulesets_for`; elsewhere nothing can match it); each ruleset has its
  own catch-all.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .alphanet import split
from .compile import RECORD_MARKER, SEEN, SEEN_RECORD, CompiledRulebook, fact_overflow, tested_keys, trim_fact
from .errors import EngineFailure, EngineTimeout, EngineUnavailable

#: Pinned in pyproject.toml; reported in every report.
REMEDY = (
    "durable-rules could not be imported: {error}. It ships only as source and is compiled on install, "
    "which needs a C compiler and the Python headers (Debian: apt install gcc python3-dev). "
    "On Python 3.13 it builds but needs a renamed C API call: reinstall with "
    "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install --force-reinstall --no-binary :all: "
    "durable-rules==2.0.28"
)

DEFAULT_TIMEOUT = 60.0
BATCH = 2000
#: Runs of at most this many facts (a screening service's one event) run in the caller's thread:
#: starting and joining a thread costs more than matching them, and milliseconds on a busy
#: machine. Their deadline is still enforced, by every action (a state-document loop is actions
#: firing); larger runs also have a worker thread that the caller stops waiting for.
INLINE_FACTS = 32
#: Small runs sharing one session before it is deleted and a new one started.
SESSION_RUNS = 1000


def _durable() -> Any:
    # durable calls datetime.utcfromtimestamp() on every action, deprecated since Python 3.12;
    # the warning is about durable's code, not ours or the user's, so it is silenced at the source
    warnings.filterwarnings(
        "ignore",
        message=r"datetime\.datetime\.utcfromtimestamp",
        category=DeprecationWarning,
        module=r"durable\.engine",
    )
    try:
        from durable import engine as durable_engine
    except ImportError as exc:  # missing, or built against a removed C API (Python 3.13)
        raise EngineUnavailable(REMEDY.format(error=exc)) from None
    # durable logs the errors it swallows to stderr; we turn them into our own errors instead
    log = logging.getLogger("durable")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
    log.propagate = False
    return durable_engine


def durable_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("durable-rules")
    except PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class Match:
    """durable-rules matched compiled rule ``name`` against the event at ``index``.

    For a join with a record, ``record`` is the index of the event that made the record.
    """

    index: int
    name: str
    record: int | None = None


def _ignore(c: Any) -> None:
    """The action of the extra catch-alls: the first ruleset's reports each fact once."""


@dataclass(frozen=True)
class _Binding:
    """One binding of one durable rule, as far as choosing rulesets is concerned."""

    ruleset: int
    rule: int
    guard: tuple[tuple[str, Any], ...]  # its tests of a key against a constant
    negated: bool  # a ``$not``: the rule fires when no fact matches it


def _bindings(conditions: dict[str, dict[str, Any]], groups: Sequence[Sequence[str]]) -> list[_Binding]:
    """Every binding of every rule, with its constant equality tests (``{"to": "KP"}``,
    ``{"hs_2710": 1}``): a fact that fails one of them cannot match that binding. Facts and
    conditions both come from :mod:`.compile`, which gives a key the same type of value in both
    (country codes and record kinds as text, flags as 1 or 0), so equal means equal in Python."""
    out = []
    rule = 0
    for n, names in enumerate(groups):
        for name in names:
            for binding in conditions[name]["all"]:
                ((label, expr),) = binding.items()
                terms = expr["$and"] if set(expr) == {"$and"} else [expr]
                guard = []
                for term in terms:
                    ((k, v),) = term.items()
                    if not k.startswith("$") and isinstance(v, (str, int, float)) and not isinstance(v, bool):
                        guard.append((k, v))
                out.append(_Binding(n, rule, tuple(guard), "$not" in label))
            rule += 1
    return out


class Engine:
    """One durable-rules host for one compiled rulebook; each :meth:`run` is its own session."""

    def __init__(
        self,
        compiled: CompiledRulebook,
        timeout: float = DEFAULT_TIMEOUT,
        max_matches: int | None = None,
        _conditions: dict[str, dict[str, Any]] | None = None,
        rulesets: Sequence[Sequence[str]] | None = None,
    ):
        """``rulesets``: the rule names of each ruleset, as :func:`.alphanet.split` gave them for
        these conditions (kept in the rulebook cache); computed here when not given."""
        durable_engine = _durable()
        self.compiled = compiled
        self.timeout = timeout
        self.max_matches = max_matches
        self._lock = threading.Lock()
        self._matches: list[Match] = []
        self._deadline = 0.0
        self._budget = 0
        self._abort: str | None = None
        self._broken = False
        conditions = _conditions if _conditions is not None else compiled.conditions
        self._host_conditions = conditions
        self.fact_keys = compiled.fact_keys if _conditions is None else tested_keys(conditions)
        self._rulesets: dict[str, dict[str, Any]] = {}
        groups = split(conditions) if rulesets is None or _conditions is not None else rulesets
        if sorted(name for names in groups for name in names) != sorted(conditions):
            raise EngineFailure("the rulesets given do not hold each compiled rule exactly once")
        for n, names in enumerate(groups):
            ruleset = {name: {**conditions[name], "run": self._action(name)} for name in names}
            for catch_all in (SEEN, SEEN_RECORD):  # every ruleset must match every fact
                if catch_all in conditions and catch_all not in ruleset:
                    ruleset[catch_all] = {**conditions[catch_all], "run": _ignore}
            self._rulesets[f"{compiled.ruleset_name}-{n}"] = ruleset
        # which rulesets a fact can match anything in (see rulesets_for)
        self._bindings = _bindings(conditions, groups)
        self._guard_keys = frozenset(k for b in self._bindings for k, _ in b.guard)
        self._guard_sets = [frozenset(b.guard) for b in self._bindings]
        positive: dict[int, list[int]] = {}
        for i, b in enumerate(self._bindings):
            positive.setdefault(b.rule, [])
            if not b.negated:
                positive[b.rule].append(i)
        self._positive = positive
        self._passes: dict[frozenset[tuple[str, Any]], frozenset[int]] = {}
        self._live: dict[frozenset[frozenset[tuple[str, Any]]], frozenset[int]] = {}
        self._session: str | None = None  # the emptied session small runs share
        self._session_rulesets: set[int] = set()
        self._session_runs = 0

        class _Host(durable_engine.Host):  # type: ignore[misc, name-defined]
            def _run(self) -> None:  # no timer threads: actions run inside our calls, in order
                return None

        try:
            self._host = _Host(self._rulesets)
        except Exception as exc:  # the C engine refuses a malformed ruleset
            raise EngineFailure(f"durable-rules refused the compiled ruleset: {exc}") from None
        self._errors = (durable_engine.MessageNotHandledException, durable_engine.MessageObservedException)

    def _signature(self, fact: dict[str, Any]) -> frozenset[tuple[str, Any]]:
        return frozenset((k, fact[k]) for k in fact.keys() & self._guard_keys)

    def _passed(self, signature: frozenset[tuple[str, Any]]) -> frozenset[int]:
        """The bindings whose constant tests a fact of this signature passes."""
        found = self._passes.get(signature)
        if found is None:
            found = frozenset(i for i, guard in enumerate(self._guard_sets) if guard <= signature)
            if len(self._passes) >= 50_000:  # a long-lived service sees ever more kinds of fact
                self._passes.clear()
            self._passes[signature] = found
        return found

    def rulesets_for(self, facts: Sequence[dict[str, Any]]) -> list[tuple[int, ...]]:
        """For each fact of one run, the rulesets (by position) it is asserted into.

        A rule can fire in a run only if each of its (non-negated) bindings is passed by some
        fact of the run; a fact is asserted into the rulesets holding such a rule with a binding
        it passes (a dealing, or a record that a join or an absence reads). Anywhere else no
        rule can match it, since durable-rules matches an equality only on a fact that has the
        key with that value, so asserting it there is work with no possible result."""
        signatures = [self._signature(f) for f in facts]
        distinct = frozenset(signatures)
        live = self._live.get(distinct)
        if live is None:
            seen: set[int] = set()
            for sig in distinct:
                seen |= self._passed(sig)
            live = frozenset(r for r, ids in self._positive.items() if all(i in seen for i in ids))
            if len(self._live) < 256:
                self._live[distinct] = live
        per_signature = {
            sig: tuple(sorted({self._bindings[i].ruleset for i in self._passed(sig) if self._bindings[i].rule in live}))
            for sig in distinct
        }
        return [per_signature[sig] for sig in signatures]

    def _action(self, name: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:  # one parameter: synchronous
            if self._abort is None:
                self._budget -= 1
                if time.monotonic() > self._deadline:
                    self._abort = f"no result within {self.timeout:g} s"
                elif self._budget < 0:
                    self._abort = "more matches than rules times events: a rule is re-firing on its own state"
            if self._abort is not None:
                # durable swallows exceptions raised in actions; deleting the session state is
                # what ends a re-firing loop (the pending call then returns with an error)
                c.delete_state()
                return
            if c.m is None:  # the catch-all for record facts: nothing to record
                return
            r = c.r  # the joined record, if the rule has one (durable gives None otherwise)
            self._matches.append(Match(int(c.m["ix"]), name, int(r["rx"]) if r is not None else None))

        return action

    def run(self, facts: Sequence[dict[str, Any]], *, one_by_one: bool = False) -> list[Match]:
        """Assert every fact in a fresh session and return all matches, in a stable order.

        ``one_by_one`` asserts each fact on its own (``assert_fact``), as a service posting events
        would; the benchmarks use it as the baseline. The matches are the same either way."""
        with self._lock:
            if self._broken:
                raise EngineFailure("this engine was stopped by an earlier failed run; build a new one")
            for fact in facts:  # durable's C engine crashes the process on a fact that is too large
                problem = fact_overflow(fact, self.fact_keys)
                if problem is not None:
                    ix = fact.get("ix", fact.get("rx"))
                    raise EngineFailure(f"not asserted: {problem}", event_id=None if ix is None else str(ix))
            # a small run reuses the last small run's session, emptied after it (see _reuse)
            small = len(facts) <= INLINE_FACTS
            sid = self._session if small and self._session is not None else uuid.uuid4().hex
            run_id = uuid.uuid4().hex
            keys = self.fact_keys
            # records first: an absence ($not) is judged when the dealing is asserted, against the
            # records already there, and a match made then is not withdrawn by a later record
            records = [
                {**trim_fact(f, keys), "sid": sid, "id": f"{run_id}-{f['id']}"} for f in facts if f.get(RECORD_MARKER)
            ]
            events = [
                {**trim_fact(f, keys), "sid": sid, "id": f"{run_id}-{f['id']}"}
                for f in facts
                if not f.get(RECORD_MARKER)
            ]
            facts = records + events
            self._matches = []
            self._abort = None
            self._deadline = time.monotonic() + self.timeout
            # each fact can match each rule once (each pair, for joins); more means a rule is re-firing
            pairs = len(events) * (1 + len(records)) + len(records)
            self._budget = self.max_matches or pairs * len(self._host_conditions) + 1
            outcome: dict[str, BaseException | None] = {"error": None}

            names = list(self._rulesets)
            targets = self.rulesets_for(facts)
            touched = sorted({n for t in targets for n in t})

            def work() -> None:
                try:
                    start = 0
                    for batch in (records, events):  # every record before any event
                        chunk_targets = targets[start : start + len(batch)]
                        start += len(batch)
                        if one_by_one:
                            for fact, where in zip(batch, chunk_targets, strict=True):
                                for n in where:
                                    self._host.assert_fact(names[n], fact)
                            continue
                        for first in range(0, len(batch), BATCH):
                            chunk = batch[first : first + BATCH]
                            where_of = chunk_targets[first : first + BATCH]
                            for n in touched:  # each ruleset gets its facts in their order
                                mine = [f for f, where in zip(chunk, where_of, strict=True) if n in where]
                                if mine:
                                    self._host.assert_facts(names[n], mine)
                except BaseException as exc:  # handed to the caller's thread below
                    outcome["error"] = exc

            worker = threading.Thread(target=work, name="sanctionsengine-durable", daemon=True)
            if small:
                work()  # a few facts: handing them to a thread would cost more than matching them
            else:
                worker.start()
                worker.join(self.timeout)
            if worker.is_alive():
                self._abort = f"no result within {self.timeout:g} s"
                worker.join(5.0)  # the next action ends the session; a hang in C code stays behind
                self._broken = True
                raise EngineTimeout(
                    f"durable-rules did not return within {self.timeout:g} s "
                    f"({len(facts)} events); the run was abandoned",
                    seconds=self.timeout,
                )
            error = outcome["error"]
            if self._abort is not None:  # the action deleted the session to stop the run
                self._broken = True
                if "within" in self._abort:
                    raise EngineTimeout(f"durable-rules run stopped: {self._abort}", seconds=self.timeout)
                raise EngineFailure(f"durable-rules run stopped: {self._abort}")
            if error is not None and not isinstance(error, self._errors):
                # durable's C side failed mid-assert; touching the session again can crash the process
                self._broken = True
                raise EngineFailure(f"durable-rules failed: {type(error).__name__}: {error}")
            matches = sorted(set(self._matches), key=lambda m: (m.index, m.name))
            if not (small and error is None and self._reuse(sid, facts, targets, names)):
                shared = sid == self._session
                for n in set(touched) | (self._session_rulesets if shared else set()):
                    try:
                        self._host.delete_state(names[n], sid)
                    except Exception:  # nothing was asserted in it
                        pass
                if shared:
                    self._session, self._session_rulesets = None, set()
            if isinstance(error, self._errors):
                message = error.args[0] if error.args else {}
                ix = message.get("ix") if isinstance(message, dict) else None
                raise EngineFailure(
                    f"durable-rules refused an event ({type(error).__name__})", event_id=None if ix is None else str(ix)
                )
            if error is not None:
                raise EngineFailure(f"durable-rules failed: {type(error).__name__}: {error}")
            return matches

    def _reuse(self, sid: str, facts: list[dict[str, Any]], targets: list[tuple[int, ...]], names: list[str]) -> bool:
        """Empty the session of a small run for the next one; False when it cannot be (then it is
        deleted). Creating a durable-rules session costs about a millisecond per ruleset, more
        than matching one event, so a screening service's calls share one, retracted after each
        run and checked empty: a session holding anything after its run is never used again.

        Dealings are retracted before records, so that no absence rule can fire on the way (and
        anything that fires while retracting is not part of the run's matches, taken before)."""
        self._session_runs += 1
        if self._session_runs > SESSION_RUNS:  # start afresh now and then all the same
            self._session_runs = 0
            return False
        try:
            order = sorted(range(len(facts)), key=lambda i: bool(facts[i].get(RECORD_MARKER)))
            for i in order:
                for n in targets[i]:
                    self._host.retract_fact(names[n], facts[i])
            used = self._session_rulesets | {n for t in targets for n in t}
            for n in used:
                if self._host.get_facts(names[n], sid):
                    return False
        except Exception:
            return False
        self._session = sid
        self._session_rulesets = used
        return True
