"""Features: the operations a musician runs (humanize a groove, generate a pattern ...).

A feature plugin returns :class:`Feature` objects from its ``lmms_magenta_features``
hook. The feature declares its parameters once, as a :class:`~lmms_magenta.params.Schema`;
the kernel validates user input against it before ``run`` is called, so ``run`` always
receives a complete, normalized mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .kernel import Kernel
    from .params import Schema


@dataclass(frozen=True)
class Feature:
    """One operation offered by a plugin.

    ``name`` is dotted, group first (``"groove.humanize"``); the CLI turns it into
    ``lmms-magenta groove humanize``. ``run(kernel, params)`` receives the kernel (for
    models, backends, progress) and the validated parameters, and returns the result
    object documented by the feature.
    """

    name: str
    title: str
    summary: str
    params: Schema
    run: Callable[[Kernel, Mapping[str, Any]], Any]
    models: tuple[str, ...] = field(default=())

    def __call__(self, kernel: Kernel, **params: Any) -> Any:
        """Validate ``params`` with the schema, then run the feature."""
        return self.run(kernel, self.params.validate(params))


def collect_features(kernel: Kernel) -> dict[str, Feature]:
    """The features of the kernel's enabled plugins by name.

    A plugin whose hook returns something other than :class:`Feature` is marked broken;
    when two plugins offer the same name, the first in load order wins and the other
    is reported as a kernel warning.
    """
    found = kernel.contributions("lmms_magenta_features")
    for plugin, item in found:
        if not isinstance(item, Feature) and kernel.has_plugin(plugin):
            what = type(item).__name__
            kernel.mark_broken(plugin, f"lmms_magenta_features returned a {what}, expected Feature")
    out: dict[str, Feature] = {}
    owner: dict[str, str] = {}
    for plugin, item in found:
        if not kernel.has_plugin(plugin):
            continue
        if item.name in out:
            kernel.warn(
                f"feature '{item.name}' of plugin '{plugin}' is ignored: "
                f"plugin '{owner[item.name]}' provides it too"
            )
            continue
        out[item.name] = item
        owner[item.name] = plugin
    return out


def find_feature(features: Mapping[str, Feature], name: str) -> Feature:
    """The feature called ``name``; UserError naming the closest and the known ones."""
    if name in features:
        return features[name]
    import difflib

    from .errors import UserError

    close = difflib.get_close_matches(name, features, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    known = ", ".join(sorted(features)) or "none: install a feature plugin"
    raise UserError(f"unknown feature '{name}'{hint}; known features: {known}")
