"""pytest fixtures for plugin authors: an isolated kernel, the CLI in-process, MIDI files.

This module is a pytest plugin shipped with the kernel and registered through the
``pytest11`` entry point of the ``lmms-magenta`` distribution, so its fixtures are
available in every test of an environment where the kernel is installed; no
``conftest.py`` is needed. (With ``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set, load it with
``pytest -p lmms_magenta.testing``.)

Because pytest imports it in *every* run of such an environment, it imports only the
standard library and pytest at module level; the kernel, click and mido are imported
inside the fixtures that need them.

Fixtures:

``lmms_isolated_dirs``
    Fresh config, data and cache directories for the test, set through the
    ``LMMS_MAGENTA_*_DIR`` environment variables: the user's own configuration, models
    and caches are never read or written.
``make_lmms_kernel``
    A factory ``make_lmms_kernel(enable=[...], path=None, strict=True)`` for isolated
    kernels with exactly the chosen plugins enabled, loaded and shut down after the test.
``lmms_kernel``
    One such kernel; the plugins come from the ``@pytest.mark.lmms_plugins("name", ...)``
    marker (all installed plugins without it).
``lmms_cli``
    ``lmms_cli("plugins", "list", "--json")`` runs the ``lmms-magenta`` CLI in-process
    against the isolated directories and returns a :class:`CliResult`.
``lmms_midi_file``
    ``lmms_midi_file([MidiNote(60, 0, 1), ...])`` writes a MIDI clip into the test's
    temporary directory and returns its path.
``lmms_render``
    ``lmms_render(project) -> (samples, rate)`` renders an LMMS project with the real
    LMMS program (skips when it is not installed; :mod:`lmms_magenta.testing.render`).

Helpers :func:`write_midi_clip` and :func:`read_midi_notes` (from
:mod:`lmms_magenta.testing.midi`) write and read MIDI files with mido directly,
independently of the kernel's music model, so a test that checks a feature's output
with them does not trust the code it tests.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from .midi import MidiNote, read_midi_notes, write_midi_clip
from .render import RenderFn, lmms_render

if TYPE_CHECKING:
    from ..kernel import Kernel

__all__ = [
    "CliResult",
    "CliRunnerFn",
    "KernelFactory",
    "LmmsDirs",
    "MidiFileFactory",
    "MidiNote",
    "RenderFn",
    "lmms_render",
    "read_midi_notes",
    "write_midi_clip",
]

_MARKER = "lmms_plugins"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``lmms_plugins`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(*names): plugins the lmms_kernel fixture enables (default: all installed)",
    )


# --- isolated directories ----------------------------------------------------------------


@dataclass(frozen=True)
class LmmsDirs:
    """The config, data and cache directories of one test (all exist and start empty)."""

    config: Path
    data: Path
    cache: Path

    @property
    def env(self) -> dict[str, str]:
        """The environment variables that select these directories (for subprocesses)."""
        from .. import config

        return {
            config.ENV_CONFIG_DIR: str(self.config),
            config.ENV_DATA_DIR: str(self.data),
            config.ENV_CACHE_DIR: str(self.cache),
        }

    @property
    def config_file(self) -> Path:
        """The kernel's ``config.toml`` in these directories (absent until written)."""
        from ..config import CONFIG_FILE_NAME

        return self.config / CONFIG_FILE_NAME


@pytest.fixture
def lmms_isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LmmsDirs:
    """Point the kernel at fresh config/data/cache directories for this test.

    Also removes the ``LMMS_MAGENTA_*`` settings variables (enable, disable, strict,
    trace, backend) the developer may have set, so a test sees only what it sets.
    """
    root = tmp_path / "lmms-magenta-home"
    dirs = LmmsDirs(config=root / "config", data=root / "data", cache=root / "cache")
    for path in (dirs.config, dirs.data, dirs.cache):
        path.mkdir(parents=True)
    for name, value in dirs.env.items():
        monkeypatch.setenv(name, value)
    from .. import config

    for name in (
        config.ENV_ENABLE,
        config.ENV_DISABLE,
        config.ENV_STRICT,
        config.ENV_TRACE,
        config.ENV_BACKEND,
    ):
        monkeypatch.delenv(name, raising=False)
    return dirs


# --- kernels -------------------------------------------------------------------------------


class KernelFactory(Protocol):
    """Type of the ``make_lmms_kernel`` fixture."""

    def __call__(
        self,
        enable: Iterable[str] | None = None,
        *,
        path: Sequence[str | os.PathLike[str]] | None = None,
        strict: bool = True,
        load: bool = True,
    ) -> Kernel: ...


def _only(names: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(enable, disable) lists that enable exactly ``names`` ("*" disables the rest)."""
    return tuple(names), ("*",)


@pytest.fixture
def make_lmms_kernel(lmms_isolated_dirs: LmmsDirs) -> Iterator[KernelFactory]:
    """A factory for isolated kernels; every kernel made is shut down after the test.

    ``make_lmms_kernel(enable=["arpeggio"])`` enables exactly those plugins (list a
    plugin's requirements too) and disables every other installed one; ``enable=None``
    keeps all installed plugins. ``path`` replaces ``sys.path`` as the directories
    searched for plugin distributions (e.g. a ``pip install --target`` folder).
    ``strict=True`` (the default) raises :class:`~lmms_magenta.errors.PluginError` as
    soon as a chosen plugin fails to import or is disabled by a requirement, instead
    of quietly skipping it. ``load=True`` imports the plugins (and runs their
    ``lmms_magenta_configure``) before the kernel is returned.

    After the test, besides the shutdown, ``sys.path`` is restored (a kernel made
    with ``path`` puts those directories on it) and plugin modules first imported by
    these kernels are forgotten, so the next test imports them afresh.
    """
    from ..kernel import Kernel

    made: list[Kernel] = []

    def make(
        enable: Iterable[str] | None = None,
        *,
        path: Sequence[str | os.PathLike[str]] | None = None,
        strict: bool = True,
        load: bool = True,
    ) -> Kernel:
        only, rest = _only(enable) if enable is not None else ((), ())
        kernel = Kernel(enable=only, disable=rest, strict=strict, path=path)
        made.append(kernel)
        if load:
            kernel.load()
        return kernel

    saved_path = list(sys.path)
    saved_modules = set(sys.modules)
    try:
        yield make
        for kernel in reversed(made):
            kernel.shutdown()
    finally:
        sys.path[:] = saved_path
        _forget_plugin_modules(made, saved_modules)


def _forget_plugin_modules(kernels: Iterable[Kernel], keep: set[str]) -> None:
    """Drop the loaded plugins' packages from ``sys.modules`` unless imported before."""
    packages = {
        info.module.partition(":")[0].strip().split(".")[0]
        for kernel in kernels
        for info in kernel.plugins.values()
        if info.loaded
    }
    packages.discard("lmms_magenta")
    for name in [m for m in sys.modules if m.split(".")[0] in packages and m not in keep]:
        del sys.modules[name]


@pytest.fixture
def lmms_kernel(request: pytest.FixtureRequest, make_lmms_kernel: KernelFactory) -> Kernel:
    """An isolated, strict, loaded kernel with the plugins named by the marker.

    ``@pytest.mark.lmms_plugins("arpeggio")`` on the test (or its module/class) picks
    the plugins; without the marker every installed plugin is enabled.
    """
    marker = request.node.get_closest_marker(_MARKER)
    names = None if marker is None else [str(name) for name in marker.args]
    return make_lmms_kernel(names)


# --- MIDI clips ----------------------------------------------------------------------------


class MidiFileFactory(Protocol):
    """Type of the ``lmms_midi_file`` fixture."""

    def __call__(
        self,
        notes: Iterable[MidiNote | tuple[Any, ...]],
        *,
        name: str = ...,
        ppq: int = ...,
        bpm: float = ...,
        meter: tuple[int, int] = ...,
    ) -> Path: ...


@pytest.fixture
def lmms_midi_file(tmp_path: Path) -> MidiFileFactory:
    """A factory that writes a MIDI clip into the test's temporary directory.

    ``lmms_midi_file([(60, 0, 1), (64, 0, 1)], name="chords")`` returns
    ``tmp_path / "chords.mid"``.
    """

    def make(
        notes: Iterable[MidiNote | tuple[Any, ...]],
        *,
        name: str = "clip",
        ppq: int = 480,
        bpm: float = 120.0,
        meter: tuple[int, int] = (4, 4),
    ) -> Path:
        return write_midi_clip(
            tmp_path / f"{name}.mid", notes, ppq=ppq, bpm=bpm, meter=meter, name=name
        )

    return make


# --- the CLI ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    """What one ``lmms-magenta`` run printed and returned."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """True when the command exited with code 0."""
        return self.exit_code == 0

    def json(self) -> Any:
        """stdout parsed as JSON (for ``--json`` commands)."""
        import json

        return json.loads(self.stdout)

    def __str__(self) -> str:
        """A readable account for assertion messages."""
        return (
            f"lmms-magenta {' '.join(self.args)} -> exit {self.exit_code}\n"
            f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"
        )


class CliRunnerFn(Protocol):
    """Type of the ``lmms_cli`` fixture."""

    def __call__(
        self,
        *args: str | os.PathLike[str],
        enable: Iterable[str] | None = None,
        strict: bool = True,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> CliResult: ...


@pytest.fixture
def lmms_cli(lmms_isolated_dirs: LmmsDirs) -> CliRunnerFn:
    """Run the ``lmms-magenta`` command line in-process against the isolated directories.

    ``lmms_cli("arpeggio", "arpeggiate", clip, "-o", out, enable=["arpeggio"])`` calls the
    console-script function itself (:func:`lmms_magenta.cli.main`, so exit codes and
    error lines are exactly what a user gets) inside click's ``CliRunner`` isolation,
    which captures stdout and stderr separately and applies ``env``/``input``.
    ``enable`` works as in ``make_lmms_kernel`` (through ``LMMS_MAGENTA_ENABLE`` /
    ``LMMS_MAGENTA_DISABLE``); ``strict`` sets ``LMMS_MAGENTA_STRICT``.
    """
    from click.testing import CliRunner

    from .. import config
    from ..cli import main

    def run(
        *args: str | os.PathLike[str],
        enable: Iterable[str] | None = None,
        strict: bool = True,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> CliResult:
        argv = [os.fspath(arg) for arg in args]
        overrides: dict[str, str | None] = {config.ENV_STRICT: "1" if strict else "0"}
        if enable is not None:
            only, rest = _only(enable)
            overrides[config.ENV_ENABLE] = ",".join(only)
            overrides[config.ENV_DISABLE] = ",".join(rest)
        overrides.update(env or {})
        runner = CliRunner()
        with runner.isolation(input=input, env=overrides) as streams:
            try:
                code = main(argv)
            except SystemExit as exc:  # a command may still exit through click
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            stdout, stderr = (stream.getvalue().decode(runner.charset) for stream in streams[:2])
        return CliResult(tuple(argv), code, stdout, stderr)

    return run
