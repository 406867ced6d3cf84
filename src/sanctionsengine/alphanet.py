"""A model of durable-rules' alpha network, used to split a compiled rulebook into safe rulesets.

durable-rules 2.0.28 has fixed limits (src/rules/rules.h and events.c of its source):

- an event walks the alpha network depth first with a stack of 64 nodes (``MAX_STACK_SIZE``);
  overflowing it fails the assert with error 303, after which the session can crash the process;
- a node holds at most 512 tested children (``NEXT_BUCKET_LENGTH``), 128 absence tests
  (``NEXT_LIST_LENGTH``) and 256 rule endings (``BETA_LIST_LENGTH``).

Rules sharing their first tests share nodes. The worst walk is the one in which every test
passes; when a node is left, all its children are on the stack, and the first one taken
leaves its siblings waiting, so the deepest the stack gets below node ``v`` is
``G(v) = max(c(v), c(v) - 1 + max G(child))``, with ``c(v)`` the number of children. Rules are
added to a ruleset while ``G(root)`` stays within a margin of the limit, so no fact, however
many keys it has, can overflow it. Only plain conjunctions are modelled: compile.py turns
every ``$or`` into separate rules first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

STACK_LIMIT = 64
SAFE_STACK = 56  # below the limit, for the catch-all rules every ruleset also holds
MAX_CHILDREN = 400  # of 512
MAX_ABSENCE_CHILDREN = 100  # of 128
MAX_ENDINGS = 200  # of 256


@dataclass
class _Node:
    parent: _Node | None = None
    children: dict[str, _Node] = field(default_factory=dict)
    endings: int = 0
    deepest: int = 0  # G(v) above

    def update(self) -> None:
        c = len(self.children)
        below = max((n.deepest for n in self.children.values()), default=0)
        self.deepest = max(c, c - 1 + below) if c else 0


def _refers(term: dict[str, Any]) -> bool:
    """A test against another fact's field (a join) or a computed value: durable never shares its node."""
    ((op, arg),) = term.items()
    if not op.startswith("$"):
        return isinstance(arg, dict)
    if op in ("$ex", "$nex"):
        return False
    return any(isinstance(v, dict) for v in arg.values()) if isinstance(arg, dict) else False


def _paths(condition: dict[str, Any], name: str = "") -> list[list[str]]:
    """One path of tests per binding (``m``, ``r``...) of a durable rule."""
    out = []
    for n, binding in enumerate(condition["all"]):
        ((_, expr),) = binding.items()
        terms = expr["$and"] if set(expr) == {"$and"} else [expr]
        out.append([json.dumps(t, sort_keys=True) + (f"#{name}#{n}" if _refers(t) else "") for t in terms])
    return out


class AlphaNetwork:
    """The alpha network of one ruleset, as far as its limits are concerned."""

    def __init__(self) -> None:
        self.root = _Node()
        self.rules: list[str] = []

    def try_add(self, name: str, condition: dict[str, Any]) -> bool:
        """Add the rule if the network stays within durable's limits; otherwise leave it unchanged."""
        created: list[_Node] = []
        ends: list[_Node] = []
        for path in _paths(condition, name):
            node = self.root
            for test in path:
                child = node.children.get(test)
                if child is None:
                    child = _Node(parent=node)
                    node.children[test] = child
                    created.append(child)
                node = child
            node.endings += 1
            ends.append(node)
            self._refresh(node)
        if self._within_limits(ends):
            self.rules.append(name)
            return True
        for node in ends:
            node.endings -= 1
        for node in reversed(created):
            assert node.parent is not None
            parent = node.parent
            del parent.children[next(k for k, v in parent.children.items() if v is node)]
            self._refresh(parent)
        return False

    @property
    def worst_stack(self) -> int:
        return self.root.deepest

    def _refresh(self, node: _Node | None) -> None:
        while node is not None:
            node.update()
            node = node.parent

    def _within_limits(self, ends: list[_Node]) -> bool:
        if self.root.deepest > SAFE_STACK:
            return False
        for end in ends:
            if end.endings > MAX_ENDINGS:
                return False
            node: _Node | None = end
            while node is not None:
                absent = sum(1 for t in node.children if t.startswith('{"$nex"'))
                if absent > MAX_ABSENCE_CHILDREN or len(node.children) - absent > MAX_CHILDREN:
                    return False
                node = node.parent
        return True


def split(conditions: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Rule names grouped into rulesets that durable can walk safely, similar rules together.

    Rules are taken in the order of their tests, so that rules sharing tests share a ruleset
    (fewer, denser rulesets); the result depends only on the conditions, never on dict order.
    """
    order = sorted(conditions, key=lambda n: (_paths(conditions[n]), n))
    nets = [AlphaNetwork()]
    for name in order:
        if not nets[-1].try_add(name, conditions[name]):
            nets.append(AlphaNetwork())
            if not nets[-1].try_add(name, conditions[name]):
                raise ValueError(f"rule {name} alone exceeds durable-rules' alpha network limits")
    return [net.rules for net in nets if net.rules]
