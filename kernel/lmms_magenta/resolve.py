"""Dependency resolution between plugins: states, reasons and load order.

A pure function of the manifests, the user's enable/disable choices, the installed
versions and any failures seen at run time. It decides for every plugin:

- ``broken``: the plugin itself is unusable (bad metadata, part of a dependency
  cycle, failed to import, raised in a hook);
- ``disabled``: the user disabled it (``problem`` False), or a hard requirement is
  missing, of the wrong version, or not enabled itself (``problem`` True);
- ``enabled`` otherwise,

each with a reason a person can act on, and a topological load order in which every
plugin comes after its hard requirements and after its optional requirements when
those are installed (optional requirements never disable anything).
"""

from __future__ import annotations

import heapq

from .errors import PluginError, UserError
from .manifest import BROKEN, DISABLED, ENABLED, KERNEL_DIST

TYPE_CHECKING = False  # avoids importing typing (~4 ms); mypy understands the name
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from .manifest import Manifest, Requirement


class State:
    """The resolved state of one plugin (see the module docstring)."""

    __slots__ = ("problem", "reason", "short", "state")

    def __init__(self, state: str, reason: str = "", *, problem: bool = False, short: str = ""):
        self.state = state
        self.reason = reason
        self.problem = problem
        #: what a dependent quotes in parentheses ("LMMS_MAGENTA_DISABLE" for a user
        #: choice, the full reason otherwise)
        self.short = short or reason

    def __repr__(self) -> str:
        return f"State({self.state!r}, {self.reason!r}, problem={self.problem!r})"


class Resolution:
    """Result of :func:`resolve`: ``states`` by plugin name and the full load ``order``."""

    __slots__ = ("order", "states")

    def __init__(self, states: dict[str, State], order: list[str]) -> None:
        self.states = states
        self.order = order

    def enabled(self) -> list[str]:
        """Enabled plugins in load order."""
        return [n for n in self.order if self.states[n].state == ENABLED]


def default_check(spec: str, version: str) -> bool:
    """True if ``version`` satisfies ``spec`` (pre-releases count, as pip's check does)."""
    if not spec:
        return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        return SpecifierSet(spec).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False


def pip_arg(text: str) -> str:
    """``text`` quoted for a POSIX shell when it holds characters such as ``>`` or ``<``."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    return text if set(text) <= safe else "'" + text.replace("'", "'\"'\"'") + "'"


def resolve(
    manifests: Mapping[str, Manifest],
    *,
    installed: Mapping[str, str],
    disabled_by: Callable[[str], str | None] = lambda name: None,
    broken: Mapping[str, str] | None = None,
    check: Callable[[str, str], bool] = default_check,
) -> Resolution:
    """Resolve states and load order.

    ``installed`` maps canonical dist names to installed versions (the kernel dist
    ``lmms-magenta`` maps to the running kernel's version); ``disabled_by(name)``
    says where the user disabled a plugin (or None); ``broken`` holds failures seen
    at run time (import errors, raising hooks) by plugin name; ``check(spec,
    version)`` decides version matches.
    """
    broken = broken or {}
    hard = {name: _targets(m.requires, manifests) for name, m in manifests.items()}
    soft = {name: _targets(m.optional, manifests) for name, m in manifests.items()}
    # the user's choice comes first: a disabled plugin closes no cycle
    off = {name for name in manifests if disabled_by(name)}
    cycles = _cycles({n: [d for d in hard[n] if d not in off] for n in hard if n not in off})
    order = _order(manifests, hard, soft, set(cycles))

    states: dict[str, State] = {}
    # cycle members first: they are broken whatever their requirements, and their
    # dependents (ordered before them) must see that
    for name in [*sorted(cycles), *order]:
        if name in states:
            continue
        states[name] = _state_of(
            manifests[name], states, installed, disabled_by, broken, cycles, check
        )
    return Resolution(states, order)


def _targets(reqs: tuple[Requirement, ...], manifests: Mapping[str, Manifest]) -> list[str]:
    return [p for r in reqs for p in r.plugins if p in manifests]


def _state_of(
    manifest: Manifest,
    states: Mapping[str, State],
    installed: Mapping[str, str],
    disabled_by: Callable[[str], str | None],
    broken: Mapping[str, str],
    cycles: Mapping[str, str],
    check: Callable[[str, str], bool],
) -> State:
    name = manifest.name
    where = disabled_by(name)
    if where:  # the user's choice wins over any problem the plugin has
        return State(DISABLED, f"disabled by {where}", short=where)
    if name in broken:
        return State(BROKEN, broken[name], problem=True)
    if manifest.error:
        return State(BROKEN, manifest.error, problem=True)
    if name in cycles:
        return State(BROKEN, cycles[name], problem=True)
    for req in manifest.requires:
        reason = _unmet(req, states, installed, check)
        if reason:
            return State(DISABLED, reason, problem=True)
    return State(ENABLED)


def _unmet(
    req: Requirement,
    states: Mapping[str, State],
    installed: Mapping[str, str],
    check: Callable[[str, str], bool],
) -> str:
    """Why ``req`` is not met ("" if it is)."""
    version = installed.get(req.dist)
    if version is None:
        return f"requires {req.text}, which is not installed: pip install {pip_arg(req.text)}"
    if not check(req.spec, version):
        what = "the kernel" if req.dist == KERNEL_DIST else req.dist
        return (
            f"requires {req.text}, but {what} {version} is installed: "
            f"pip install -U {pip_arg(req.text)}"
        )
    for target in req.plugins:
        state = states.get(target)
        if state is not None and state.state != ENABLED:
            return f"requires '{target}', which is {state.state} ({state.short})"
    return ""


def _cycles(graph: Mapping[str, list[str]]) -> dict[str, str]:
    """Reason text for every plugin on a hard-requirement cycle (Tarjan's SCC)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(root: str) -> None:
        # iterative Tarjan: (node, iterator position)
        work = [(root, 0)]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pos = work[-1]
            succ = sorted(graph.get(node, ()))
            if pos < len(succ):
                work[-1] = (node, pos + 1)
                nxt = succ[pos]
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                components.append(comp)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    reasons: dict[str, str] = {}
    for comp in components:
        members = set(comp)
        if len(comp) == 1 and comp[0] not in graph.get(comp[0], ()):
            continue
        for start in comp:
            path = _cycle_path(start, graph, members)
            reasons[start] = "dependency cycle: " + " -> ".join(path)
    return reasons


def _cycle_path(start: str, graph: Mapping[str, list[str]], members: set[str]) -> list[str]:
    """Shortest path start -> ... -> start inside one strongly connected component."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for succ in sorted(graph.get(node, ())):
                if succ not in members:
                    continue
                if succ == start:
                    chain = []
                    while node != start:
                        chain.append(node)
                        node = previous[node]
                    return [start, *reversed(chain), start]
                if succ not in previous:
                    previous[succ] = node
                    nxt_frontier.append(succ)
        frontier = nxt_frontier
    return [start, start]  # pragma: no cover - a component always closes


def _order(
    manifests: Mapping[str, Manifest],
    hard: Mapping[str, list[str]],
    soft: Mapping[str, list[str]],
    cyclic: set[str],
) -> list[str]:
    """Kahn's algorithm, ties broken by name; cycle members go last.

    Optional edges that would close a cycle (through two optional requirements, or
    an optional one against a hard one) are dropped: they only express a preference.
    """
    nodes = [n for n in manifests if n not in cyclic]
    deps = {n: {d for d in hard[n] if d not in cyclic and d != n} for n in nodes}
    optional = {n: {d for d in soft[n] if d not in cyclic and d != n} for n in nodes}
    for n in nodes:
        deps[n] |= optional[n]
    dependents: dict[str, set[str]] = {n: set() for n in nodes}
    for n in nodes:
        for d in deps[n]:
            dependents[d].add(n)

    order: list[str] = []
    remaining = set(nodes)
    ready = [n for n in nodes if not deps[n]]
    heapq.heapify(ready)
    while remaining:
        if not ready:
            # only optional edges can still form a cycle here: drop them
            for n in sorted(remaining):
                for d in optional[n] & deps[n]:
                    if d in remaining:
                        deps[n].discard(d)
                        dependents[d].discard(n)
                if not deps[n]:
                    heapq.heappush(ready, n)
            if not ready:  # pragma: no cover - hard cycles were removed before
                ready = sorted(remaining)
        node = heapq.heappop(ready)
        if node not in remaining:
            continue
        remaining.discard(node)
        order.append(node)
        for m in sorted(dependents[node]):
            deps[m].discard(node)
            if not deps[m] and m in remaining:
                heapq.heappush(ready, m)
    return order + sorted(cyclic)


def requirement_closure(
    manifests: Mapping[str, Manifest], names: Iterable[str], res: Resolution
) -> tuple[set[str], set[str]]:
    """What loading ``names`` takes: (names + all their requirements, names + hard ones).

    Optional requirements are loaded too when installed (they order loading) but only
    hard ones must be usable. Raises UserError for an unknown name and PluginError
    for a requested plugin that is not enabled.
    """
    names = list(names)
    for name in names:
        if name not in manifests:
            known = ", ".join(sorted(manifests)) or "none installed"
            raise UserError(f"unknown plugin '{name}' (installed plugins: {known})")
    for name in names:
        state = res.states[name]
        if state.state != ENABLED:
            raise PluginError(f"plugin '{name}' is {state.state}: {state.reason}")

    def reach(hard_only: bool) -> set[str]:
        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in manifests and name not in seen:
                seen.add(name)
                manifest = manifests[name]
                reqs = manifest.requires if hard_only else (*manifest.requires, *manifest.optional)
                todo.extend(p for r in reqs for p in r.plugins)
        return seen

    return reach(hard_only=False), reach(hard_only=True)
