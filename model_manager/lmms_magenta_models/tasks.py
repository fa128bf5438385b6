"""Task contracts: the tensors a feature feeds a model and reads back.

A contract is generic data, ``input/output name -> (dtype, shape)``, where a dimension
is either a fixed int or a symbol (any size; one symbol means one size within a call).
The built-in tasks below are the ones this project's features use; a feature plugin
may ship the contract of its own task inside its model manifest, which then replaces
the built-in one (:class:`TaskRegistry`). Format: docs/models.md, section 2.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lmms_magenta.errors import ModelError

__all__ = [
    "BUILTIN_TASKS",
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


def _c(
    inputs: dict[str, tuple[str, list[Dim]]], outputs: dict[str, tuple[str, list[Dim]]]
) -> Contract:
    return Contract(
        {k: TensorSpec(d, tuple(s)) for k, (d, s) in inputs.items()},
        {k: TensorSpec(d, tuple(s)) for k, (d, s) in outputs.items()},
    )


_F, _I = "float32", "int64"
_GRID: list[Dim] = ["batch", 32, 9]  # 2 bars of 16th-note steps x 9 drum classes

#: Tasks the project's features rely on (docs/models.md, section 2).
BUILTIN_TASKS: dict[str, Contract] = {
    "groove-vae-2bar": _c(
        {
            "hits": (_F, _GRID),
            "tap": (_F, ["batch", 32, 3]),
            "keep_hits": (_F, ["batch", 1]),
            "style": (_I, ["batch"]),
            "z_noise": (_F, ["batch", "z_dim"]),
            "hit_noise": (_F, _GRID),
        },
        {
            "out_hits": (_F, _GRID),
            "velocities": (_F, _GRID),
            "offsets": (_F, _GRID),
            "z": (_F, ["batch", "z_dim"]),
        },
    ),
    "drums-vae-2bar-encoder": _c(
        {"hits": (_F, _GRID)},
        {"mu": (_F, ["batch", "z_dim"]), "logvar": (_F, ["batch", "z_dim"])},
    ),
    "drums-vae-2bar-decoder": _c({"z": (_F, ["batch", "z_dim"])}, {"hit_logits": (_F, _GRID)}),
    "melody-vae-2bar-encoder": _c(
        {"tokens": (_I, ["batch", 32])},
        {"mu": (_F, ["batch", "z_dim"]), "logvar": (_F, ["batch", "z_dim"])},
    ),
    "melody-vae-2bar-decoder": _c(
        {"z": (_F, ["batch", "z_dim"])}, {"logits": (_F, ["batch", 32, 130])}
    ),
}


class TaskRegistry:
    """Known task contracts: the built-in ones, replaced by those feature plugins ship."""

    def __init__(self, builtin: Mapping[str, Contract] = BUILTIN_TASKS) -> None:
        self._contracts: dict[str, Contract] = dict(builtin)
        self._owners: dict[str, str] = {name: "built-in" for name in builtin}

    def register(self, task: str, contract: Contract, owner: str) -> str | None:
        """Register ``task``; returns a warning when another plugin already defined it.

        A plugin's contract replaces a built-in one; between two plugins the first wins.
        """
        previous = self._owners.get(task)
        if previous is None or previous == "built-in":
            self._contracts[task], self._owners[task] = contract, owner
            return None
        if self._contracts[task] == contract:
            return None
        return f"task '{task}' of {owner} is ignored: {previous} defines it differently"

    def get(self, task: str) -> Contract | None:
        return self._contracts.get(task)

    def owner(self, task: str) -> str | None:
        return self._owners.get(task)

    def names(self) -> list[str]:
        return sorted(self._contracts)

    def require(
        self, task: str, inline: Contract | None = None, *, path: str | None = None
    ) -> Contract:
        """The contract of ``task`` (a registered one first, else ``inline``); ModelError."""
        contract = self._contracts.get(task) or inline
        if contract is None:
            raise ModelError(
                f"unknown task '{task}' (known tasks: {', '.join(self.names())}; "
                "a manifest may define its own with 'contract')",
                path=path,
            )
        return contract
