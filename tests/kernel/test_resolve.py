"""Resolution: states, actionable reasons and load order (pure function + real dists)."""

from __future__ import annotations

from fx_support import FxEnv
from hypothesis import given
from hypothesis import strategies as st

from lmms_magenta import Kernel, __version__
from lmms_magenta.manifest import Manifest, Requirement
from lmms_magenta.resolve import pip_arg, resolve

KERNEL = {"lmms-magenta": "0.1.0"}


def plugin(name: str, *requires: Requirement, optional: tuple[Requirement, ...] = ()) -> Manifest:
    return Manifest(
        name, dist=f"lmms-magenta-{name}", version="0.1.0", module=f"m_{name}",
        requires=requires, optional=optional,
    )  # fmt: skip


def on(name: str, spec: str = "", extra: str | None = None) -> Requirement:
    """A requirement on the installed plugin dist of ``name``."""
    return Requirement(f"lmms-magenta-{name}{spec}", f"lmms-magenta-{name}", spec, (name,), extra)


def run(*manifests: Manifest, disabled: dict[str, str] | None = None, **kw):
    installed = {**KERNEL, **{f"lmms-magenta-{m.name}": m.version for m in manifests}}
    installed.update(kw.pop("installed", {}))
    by_name = {m.name: m for m in manifests}
    return resolve(by_name, installed=installed, disabled_by=(disabled or {}).get, **kw)


def test_requirements_come_first_and_ties_are_alphabetical() -> None:
    res = run(plugin("c", on("a")), plugin("b"), plugin("a", on("b")), plugin("d"))
    assert res.order == ["b", "a", "c", "d"]
    assert res.enabled() == ["b", "a", "c", "d"]


def test_missing_requirement_says_what_to_install() -> None:
    missing = Requirement("lmms-magenta-pattern", "lmms-magenta-pattern")
    state = run(plugin("groove", missing)).states["groove"]
    assert (state.state, state.problem) == ("disabled", True)
    assert state.reason == (
        "requires lmms-magenta-pattern, which is not installed: pip install lmms-magenta-pattern"
    )


def test_wrong_version_says_how_to_upgrade() -> None:
    state = run(plugin("style", on("groove", ">=0.2")), plugin("groove")).states["style"]
    assert state.state == "disabled"
    assert state.reason == (
        "requires lmms-magenta-groove>=0.2, but lmms-magenta-groove 0.1.0 is installed: "
        "pip install -U 'lmms-magenta-groove>=0.2'"
    )


def test_prerelease_satisfies_a_lower_bound() -> None:
    groove = Manifest("groove", dist="lmms-magenta-groove", version="0.3.0rc1", module="m")
    res = run(plugin("style", on("groove", ">=0.2")), groove)
    assert res.states["style"].state == "enabled"


def test_kernel_version_is_checked() -> None:
    kernel_req = Requirement("lmms-magenta>=2", "lmms-magenta", ">=2")
    state = run(plugin("future", kernel_req)).states["future"]
    assert state.reason == (
        "requires lmms-magenta>=2, but the kernel 0.1.0 is installed: "
        "pip install -U 'lmms-magenta>=2'"
    )


def test_cycle_breaks_its_members_and_disables_dependents() -> None:
    res = run(plugin("a", on("b")), plugin("b", on("a")), plugin("c", on("a")), plugin("d"))
    assert res.states["a"].reason == "dependency cycle: a -> b -> a"
    assert res.states["b"].reason == "dependency cycle: b -> a -> b"
    assert res.states["a"].state == res.states["b"].state == "broken"
    assert res.states["c"].state == "disabled"
    assert res.states["c"].reason == "requires 'a', which is broken (dependency cycle: a -> b -> a)"
    assert res.enabled() == ["d"]


def test_self_requirement_is_a_cycle() -> None:
    assert run(plugin("a", on("a"))).states["a"].reason == "dependency cycle: a -> a"


def test_three_cycle_path() -> None:
    res = run(plugin("a", on("b")), plugin("b", on("c")), plugin("c", on("a")))
    assert res.states["b"].reason == "dependency cycle: b -> c -> a -> b"


def test_user_disabled_requirement_names_where() -> None:
    res = run(plugin("pattern"), plugin("groove", on("pattern")), plugin("style", on("groove")),
              disabled={"pattern": "LMMS_MAGENTA_DISABLE"})  # fmt: skip
    pattern, groove, style = (res.states[n] for n in ("pattern", "groove", "style"))
    assert (pattern.state, pattern.problem) == ("disabled", False)
    assert pattern.reason == "disabled by LMMS_MAGENTA_DISABLE"
    assert groove.reason == "requires 'pattern', which is disabled (LMMS_MAGENTA_DISABLE)"
    assert groove.problem
    assert style.reason == (
        "requires 'groove', which is disabled "
        "(requires 'pattern', which is disabled (LMMS_MAGENTA_DISABLE))"
    )


def test_broken_at_run_time_disables_dependents_transitively() -> None:
    res = run(plugin("a"), plugin("b", on("a")), plugin("c", on("b")), plugin("d"),
              broken={"a": "import failed: ImportError: x"})  # fmt: skip
    assert res.states["a"].state == "broken"
    assert res.states["c"].state == "disabled"
    assert "which is broken (import failed: ImportError: x)" in res.states["c"].reason
    assert res.enabled() == ["d"]


def test_metadata_error_is_broken() -> None:
    bad = Manifest("bad", dist="x", version="1", module="m", error="invalid requirement 'x>>'")
    assert run(bad).states["bad"].state == "broken"


def test_optional_requirement_never_disables_but_orders() -> None:
    melody = Requirement("lmms-magenta-melody", "lmms-magenta-melody", extra="melody")
    res = run(plugin("a", optional=(melody, on("z", extra="z"))), plugin("z"))
    assert res.states["a"].state == "enabled"
    assert res.order == ["z", "a"]
    # an optional requirement on a disabled plugin does not disable either
    res = run(plugin("a", optional=(on("z", extra="z"),)), plugin("z"), disabled={"z": "--disable"})
    assert res.states["a"].state == "enabled"


def test_optional_cycle_is_not_an_error() -> None:
    res = run(plugin("a", optional=(on("b", extra="b"),)), plugin("b", on("a")))
    assert res.order == ["a", "b"]
    assert res.enabled() == ["a", "b"]


def test_pip_arg_quotes_specifiers() -> None:
    assert pip_arg("lmms-magenta-x") == "lmms-magenta-x"
    assert pip_arg("lmms-magenta-x<2,>=1") == "'lmms-magenta-x<2,>=1'"


@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20))
def test_order_respects_every_hard_requirement(edges: list[tuple[int, int]]) -> None:
    names = [f"p{i}" for i in range(8)]
    reqs: dict[str, list[Requirement]] = {n: [] for n in names}
    for a, b in edges:
        reqs[names[a]].append(on(names[b]))
    res = run(*[plugin(n, *reqs[n]) for n in names])
    assert sorted(res.order) == names
    position = {n: i for i, n in enumerate(res.order)}
    for name in names:
        state = res.states[name]
        for req in reqs[name]:
            target = req.plugins[0]
            if state.state == "enabled":
                assert res.states[target].state == "enabled"
                assert position[target] < position[name]
        if state.state == "broken":
            assert state.reason.startswith("dependency cycle: ")


def test_real_dists_resolve_as_expected(fx_dists, fx_env: FxEnv) -> None:
    infos = Kernel(path=[fx_dists["good"], fx_dists["bad"]]).plugins
    got = {name: (info.state, info.reason) for name, info in infos.items()}
    cyc = "dependency cycle: fxcyca -> fxcycb -> fxcyca"
    assert got == {
        "fxbackend": ("enabled", ""),
        "fxcyca": ("broken", cyc),
        "fxcycb": ("broken", "dependency cycle: fxcycb -> fxcyca -> fxcycb"),
        "fxdependsfail": ("enabled", ""),  # until fximportfail is actually imported
        "fxgroove": ("enabled", ""),  # its optional fxmelody is missing: still enabled
        "fximportfail": ("enabled", ""),
        "fxneedscycle": ("disabled", f"requires 'fxcyca', which is broken ({cyc})"),
        "fxneedsmissing": (
            "disabled",
            "requires lmms-magenta-fxabsent, which is not installed: "
            "pip install lmms-magenta-fxabsent",
        ),
        "fxnewkernel": (
            "disabled",
            f"requires lmms-magenta>=99, but the kernel {__version__} is installed: "
            "pip install -U 'lmms-magenta>=99'",
        ),
        "fxoldgroove": (
            "disabled",
            "requires lmms-magenta-fxgroove>=0.2, but lmms-magenta-fxgroove 0.1.0 is installed: "
            "pip install -U 'lmms-magenta-fxgroove>=0.2'",
        ),
        "fxpattern": ("enabled", ""),
        "fxraises": ("enabled", ""),
        "fxraisesdep": ("enabled", ""),
        "fxtools": ("enabled", ""),
    }


def test_user_disabling_a_cycle_member_ends_the_cycle() -> None:
    res = run(plugin("a", on("b")), plugin("b", on("a")), disabled={"a": "/cfg/config.toml"})
    assert res.states["a"].reason == "disabled by /cfg/config.toml"
    assert res.states["b"].reason == "requires 'a', which is disabled (/cfg/config.toml)"
