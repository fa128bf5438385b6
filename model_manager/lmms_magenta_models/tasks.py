"""Task contracts: the tensors a feature feeds a model and reads back.

A contract is generic data, ``input/output name -> (dtype, shape)``, where a dimension
is either a fixed int or a symbol (any size; one symbol means one size within a call).
The model repository knows no task of its own: each feature plugin ships the contract
of its task inline in its model manifests and the repository registers it
(:class:`TaskRegistry`), so the contract lives next to the code and the model that
must fit it. Format: docs/models.md, section 2.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lmms_magenta.errors import ModelError

__all__ = [
    "DTYPES",
    "Contract",
    "TaskRegistry",
    "TensorSpec",
    "parse_contract",
]

#: dtypes a contract may name (numpy spellings).
DTYPES = ("float32", "float16", "float64", "int64", "int32", "int8", "uint8", "bool")
_SYMBOL_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

Dim = int | str


@dataclass(frozen=True)
class TensorSpec:
    """dtype and shape of one tensor; a ``str`` dim is symbolic (any size)."""

    dtype: str
    shape: tuple[Dim, ...]

    def to_json(self) -> dict[str, Any]:
        return {"dtype": self.dtype, "shape": list(self.shape)}

    def __str__(self) -> str:
        return f"{self.dtype}[{', '.join(str(d) for d in self.shape)}]"


@dataclass(frozen=True)
class Contract:
    """Named input and output tensors a model of one task must have."""

    inputs: Mapping[str, TensorSpec]
    outputs: Mapping[str, TensorSpec]

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": {k: v.to_json() for k, v in self.inputs.items()},
            "outputs": {k: v.to_json() for k, v in self.outputs.items()},
        }


def _parse_spec(data: Any, where: str, problems: list[str]) -> TensorSpec | None:
    if not isinstance(data, dict):
        problems.append(f"{where} must be an object with 'dtype' and 'shape'")
        return None
    ok = True
    unknown = sorted(set(data) - {"dtype", "shape"})
    if unknown:
        problems.append(f"{where} has unknown key(s) {', '.join(unknown)}")
        ok = False
    dtype = data.get("dtype")
    if dtype not in DTYPES:
        problems.append(f"{where}.dtype must be one of {', '.join(DTYPES)} (got {dtype!r})")
        ok = False
    shape = data.get("shape")
    if not isinstance(shape, list):
        problems.append(f"{where}.shape must be a list of ints and names")
        return None
    for i, dim in enumerate(shape):
        if isinstance(dim, bool) or not (
            (isinstance(dim, int) and dim >= 0) or (isinstance(dim, str) and _SYMBOL_RE.match(dim))
        ):
            problems.append(f"{where}.shape[{i}] must be an int >= 0 or a name (got {dim!r})")
            ok = False
    return TensorSpec(str(dtype), tuple(shape)) if ok else None


def parse_contract(data: Any, where: str, problems: list[str]) -> Contract | None:
    """Parse a contract object, appending every problem (prefixed by ``where``)."""
    if not isinstance(data, dict):
        problems.append(f"{where} must be an object with 'inputs' and 'outputs'")
        return None
    unknown = sorted(set(data) - {"inputs", "outputs"})
    if unknown:
        problems.append(f"{where} has unknown key(s) {', '.join(unknown)}")
    parts: dict[str, dict[str, TensorSpec]] = {}
    before = len(problems)
    for part in ("inputs", "outputs"):
        tensors = data.get(part)
        if not isinstance(tensors, dict) or not tensors:
            problems.append(f"{where}.{part} must be a non-empty object of name -> tensor")
            continue
        parts[part] = {}
        for name, spec in tensors.items():
            parsed = _parse_spec(spec, f"{where}.{part}.{name}", problems)
            if parsed is not None:
                parts[part][name] = parsed
    if len(problems) > before or unknown:
        return None
    return Contract(parts["inputs"], parts["outputs"])


class TaskRegistry:
    """Task contracts registered by the feature plugins that ship models for them.

    There is no built-in table: a task belongs to the feature whose code feeds the
    model and reads it back, so only that feature can say what the contract is. A
    feature ships the contract inline in its shipped manifests, and the repository
    registers it here (:meth:`ModelRepository.catalogue`). A table kept in this
    package would be a second copy that drifts from the feature's real model; when
    the feature is not installed, nothing consumes a model of its task anyway.
    """

    def __init__(self) -> None:
        self._contracts: dict[str, Contract] = {}
        self._owners: dict[str, str] = {}

    def register(self, task: str, contract: Contract, owner: str) -> str | None:
        """Register ``task``; returns a warning when another plugin already defined it.

        The first plugin wins; a second plugin shipping the same contract is no conflict.
        """
        previous = self._owners.get(task)
        if previous is None:
            self._contracts[task], self._owners[task] = contract, owner
            return None
        if self._contracts[task] == contract:
            return None
        return f"task '{task}' of {owner} is ignored: {previous} defines it differently"

    def get(self, task: str) -> Contract | None:
        """The registered contract of ``task``, or None."""
        return self._contracts.get(task)

    def owner(self, task: str) -> str | None:
        """Who registered ``task`` (e.g. ``plugin 'groove'``), or None."""
        return self._owners.get(task)

    def names(self) -> list[str]:
        """Registered task names, sorted."""
        return sorted(self._contracts)

    def require(
        self, task: str, inline: Contract | None = None, *, path: str | None = None
    ) -> Contract:
        """The contract of ``task`` (a registered one first, else ``inline``); ModelError."""
        contract = self._contracts.get(task) or inline
        if contract is None:
            raise ModelError(
                f"unknown task '{task}' (known tasks: {', '.join(self.names()) or 'none'}; "
                "a task is defined by the installed feature plugin that ships its models, "
                "or by a manifest's own 'contract')",
                path=path,
            )
        return contract
