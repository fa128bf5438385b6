"""Static facts about a plugin, read from its distribution's metadata (no import).

A *plugin* is one entry point in the group ``lmms_magenta.plugins``: its name is the
plugin's name, its value the module (optionally ``module:attribute``) that holds the
hook implementations. Everything else comes from the distribution that declares it:

- ``kind`` from the dist's ``Keywords``: ``lmms-magenta-feature`` (default),
  ``lmms-magenta-backend``, ``lmms-magenta-models`` or ``lmms-magenta-ui``;
- requirements on other plugins from its own ``Requires-Dist``: unconditional ones
  are hard requirements, ``extra == "..."`` ones are optional.

These classes are plain ``__slots__`` classes rather than dataclasses: they are built
on every ``plugins list`` from the cached JSON index, and ``dataclasses`` costs ~10 ms
to import there.
"""

from __future__ import annotations

TYPE_CHECKING = False  # avoids importing typing (~4 ms); mypy understands the name
if TYPE_CHECKING:
    from typing import Any

KINDS = ("feature", "backend", "models", "ui")
KIND_KEYWORD_PREFIX = "lmms-magenta-"
KERNEL_DIST = "lmms-magenta"

ENABLED = "enabled"
DISABLED = "disabled"
BROKEN = "broken"


class Requirement:
    """One requirement of a plugin on another plugin's dist (or on the kernel).

    ``text`` is the requirement as written minus markers (``lmms-magenta-groove>=0.2``),
    ``dist`` the canonical dist name, ``spec`` its version specifier (``">=0.2"`` or
    ``""``), ``plugins`` the names of the plugins that dist provides (empty when it is
    not installed or is the kernel), ``extra`` the extra that makes it optional.
    """

    __slots__ = ("dist", "extra", "plugins", "spec", "text")

    def __init__(
        self,
        text: str,
        dist: str,
        spec: str = "",
        plugins: tuple[str, ...] = (),
        extra: str | None = None,
    ) -> None:
        self.text = text
        self.dist = dist
        self.spec = spec
        self.plugins = tuple(plugins)
        self.extra = extra

    @property
    def is_kernel(self) -> bool:
        """True for a requirement on the kernel dist ``lmms-magenta`` itself."""
        return self.dist == KERNEL_DIST

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "dist": self.dist,
            "spec": self.spec,
            "plugins": list(self.plugins),
            "extra": self.extra,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Requirement:
        return cls(data["text"], data["dist"], data["spec"], tuple(data["plugins"]), data["extra"])

    def __repr__(self) -> str:
        extra = f", extra={self.extra!r}" if self.extra else ""
        return f"Requirement({self.text!r}, plugins={list(self.plugins)}{extra})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Requirement) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.text, self.dist, self.extra))


class Manifest:
    """What the kernel knows about a plugin before importing it.

    ``error`` is set when the metadata itself is unusable (for instance an invalid
    ``Requires-Dist``); such a plugin is ``broken`` with that reason.
    """

    __slots__ = (
        "dist",
        "error",
        "kind",
        "module",
        "name",
        "optional",
        "requires",
        "summary",
        "version",
    )

    def __init__(
        self,
        name: str,
        *,
        dist: str,
        version: str,
        module: str,
        summary: str = "",
        kind: str = "feature",
        requires: tuple[Requirement, ...] = (),
        optional: tuple[Requirement, ...] = (),
        error: str | None = None,
    ) -> None:
        self.name = name
        self.dist = dist
        self.version = version
        self.module = module
        self.summary = summary
        self.kind = kind
        self.requires = tuple(requires)
        self.optional = tuple(optional)
        self.error = error

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dist": self.dist,
            "version": self.version,
            "module": self.module,
            "summary": self.summary,
            "kind": self.kind,
            "requires": [r.to_dict() for r in self.requires],
            "optional": [r.to_dict() for r in self.optional],
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            data["name"],
            dist=data["dist"],
            version=data["version"],
            module=data["module"],
            summary=data["summary"],
            kind=data["kind"],
            requires=tuple(Requirement.from_dict(r) for r in data["requires"]),
            optional=tuple(Requirement.from_dict(r) for r in data["optional"]),
            error=data["error"],
        )

    def __repr__(self) -> str:
        return f"Manifest({self.name!r}, dist={self.dist!r}, version={self.version!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Manifest) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.name, self.dist, self.version))


def kind_from_keywords(keywords: str | None) -> str:
    """The plugin kind named by a ``lmms-magenta-<kind>`` keyword ("feature" if none)."""
    for word in (keywords or "").replace(",", " ").split():
        word = word.strip().lower()
        if word.startswith(KIND_KEYWORD_PREFIX) and word[len(KIND_KEYWORD_PREFIX) :] in KINDS:
            return word[len(KIND_KEYWORD_PREFIX) :]
    return "feature"


class PluginInfo:
    """A plugin as the user sees it: its manifest plus its current state.

    ``state`` is ``"enabled"``, ``"disabled"`` or ``"broken"``; ``reason`` says why a
    plugin is not enabled, in words a person can act on. ``problem`` is True when the
    state is not the user's choice (broken, or disabled because of a requirement);
    strict mode turns those into errors. ``requires``/``optional`` are requirement
    strings (``"lmms-magenta-groove>=0.2"``).
    """

    __slots__ = ("loaded", "manifest", "problem", "reason", "state")

    def __init__(
        self,
        manifest: Manifest,
        state: str,
        reason: str = "",
        *,
        problem: bool = False,
        loaded: bool = False,
    ) -> None:
        self.manifest = manifest
        self.state = state
        self.reason = reason
        self.problem = problem
        self.loaded = loaded

    @property
    def name(self) -> str:
        """Plugin (entry-point) name."""
        return self.manifest.name

    @property
    def dist(self) -> str:
        """Distribution name."""
        return self.manifest.dist

    @property
    def version(self) -> str:
        """Distribution version."""
        return self.manifest.version

    @property
    def summary(self) -> str:
        """Distribution summary."""
        return self.manifest.summary

    @property
    def kind(self) -> str:
        """ "feature", "backend", "models" or "ui"."""
        return self.manifest.kind

    @property
    def module(self) -> str:
        """Entry-point value: ``module`` or ``module:attribute``."""
        return self.manifest.module

    @property
    def requires(self) -> tuple[str, ...]:
        """Hard requirements on plugins and on the kernel."""
        return tuple(r.text for r in self.manifest.requires)

    @property
    def optional(self) -> tuple[str, ...]:
        """Optional (extra) requirements, as ``"text [extra]"``."""
        return tuple(f"{r.text} [{r.extra}]" for r in self.manifest.optional)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``plugins list --json`` (one object per plugin)."""
        return {
            "name": self.name,
            "dist": self.dist,
            "version": self.version,
            "kind": self.kind,
            "state": self.state,
            "reason": self.reason,
            "summary": self.summary,
            "module": self.module,
            "requires": list(self.requires),
            "optional": list(self.optional),
        }

    def __repr__(self) -> str:
        reason = f", reason={self.reason!r}" if self.reason else ""
        return f"PluginInfo({self.name!r}, state={self.state!r}{reason})"
