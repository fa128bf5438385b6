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
