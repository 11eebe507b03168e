"""Modules, pass pipelines, format selection and compiled code (docs/Python.md)."""

import json
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np

from . import _mx
from ._numerics import Packed

MXError = _mx.MXError

_default_context = None
_default_lock = threading.Lock()


class Context:
    """An MLIRContext with MX, the dialects its pipelines use and every MX and
    upstream pass registered. Modules keep their context alive."""

    def __init__(self):
        self._impl = _mx.Context()


def get_default_context() -> Context:
    """The context used when none is given (one per process)."""
    global _default_context
    with _default_lock:
        if _default_context is None:
            _default_context = Context()
        return _default_context


class Module:
    """An MLIR module (``builtin.module``) with MX registered."""

    def __init__(self, impl, context: Context, name: str = "<string>"):
        self._impl = impl
        self.context = context
        #: the source name locations use (and calibration files record).
        self.name = name
        #: remarks and warnings of the last run_pipeline, as dicts with
        #: severity, location and message.
        self.diagnostics: List[dict] = []

    @staticmethod
    def parse(text: str, context: Optional[Context] = None,
              name: str = "<string>") -> "Module":
        """Parses MLIR text; locations in diagnostics name ``name``."""
        context = context or get_default_context()
        if isinstance(text, bytes):
            text = text.decode()
        return Module(_mx.Module.parse(text, context._impl, name), context,
                      name)

    @staticmethod
    def parse_file(path: str, context: Optional[Context] = None) -> "Module":
        with open(path) as f:
            return Module.parse(f.read(), context, str(path))

    def __str__(self) -> str:
        return str(self._impl)

    def to_string(self, debug_info: bool = False, generic: bool = False) -> str:
        return self._impl.to_string(debug_info, generic)

    def clone(self) -> "Module":
        return Module(self._impl.clone(), self.context, self.name)

    @property
    def function_names(self) -> List[str]:
        return list(self._impl.function_names)

    @property
    def buffer_signatures(self) -> List[dict]:
        """The signatures of the functions on plain tensors, callable with
        numpy arrays once compiled. Functions with ``!mx.tensor`` values are
        callable too; the compiled module's ``signature`` lists their
        components."""
        return list(self._impl.buffer_signatures)

    def run_pipeline(self, pipeline: str) -> "Module":
        """Runs a textual pass pipeline in place, e.g.
        ``"builtin.module(mx-apply-policy{weights=mxfp4}, canonicalize)"``.
        Its remarks and warnings are kept in ``self.diagnostics``. Returns
        self."""
        self.diagnostics = list(self._impl.run_pipeline(pipeline))
        return self


class CompiledModule:
    """A module compiled for the host CPU. Call a function with numpy arrays
    (``cm(x)`` calls the entry, ``cm.call("f", x, y)`` or ``cm.f(x, y)`` any
    compiled function); results are new numpy arrays (one array, a tuple for
    several, None for none). bf16 travels as uint16 bit patterns, i1 as
    bool."""

    def __init__(self, impl, entry: Optional[str]):
        self._impl = impl
        self.entry = entry

    @property
    def function_names(self) -> List[str]:
        return list(self._impl.function_names)

    def signature(self, name: Optional[str] = None) -> dict:
        sig = self._impl.signature(name or self.entry)
        if sig is None:
            raise MXError(f"@{name or self.entry} was not compiled")
        return sig

    def call(self, name: str, *args):
        sig = self._impl.signature(name)
        if sig is None:
            raise MXError(f"@{name} was not compiled (compiled: " +
                          ", ".join("@" + n for n in self.function_names) + ")")
        arrays = []
        for a in args:
            if not isinstance(a, Packed):
                arrays.append(a)
                continue
            # An !mx.tensor argument takes its components (docs/Python.md):
            # the packed elements, the row-major block scales, the tensor
            # scale, each shaped as the function's buffer.
            if a.scale_layout != "row_major":
                raise MXError("an !mx.tensor argument takes row-major "
                              f"scales, not {a.scale_layout}")
            parts = [a.elements.view(np.int8)]
            if a.format.scale != "none":
                parts.append(a.scales.view(np.int8))
            if a.format.tensor_scale:
                parts.append(np.float32(a.tensor_scale))
            for part in parts:
                i = len(arrays)
                spec = sig["inputs"][i] if i < len(sig["inputs"]) else None
                if spec is not None and part.size == int(
                        np.prod(spec["shape"], dtype=np.int64)):
                    part = np.reshape(part, spec["shape"])
                arrays.append(part)
        for i, a in enumerate(arrays):
            spec = sig["inputs"][i] if i < len(sig["inputs"]) else None
            if not isinstance(a, np.ndarray):
                # Python scalars and lists take the argument's dtype.
                a = np.asarray(a, dtype=spec["dtype"] if spec else None)
            # (np.ascontiguousarray would make a 0-d array 1-d.)
            arrays[i] = np.asarray(a, order="C")
        results = self._impl.call(name, arrays)
        if not results:
            return None
        return results[0] if len(results) == 1 else tuple(results)

    def __call__(self, *args):
        if self.entry is None:
            raise MXError("this compiled module has several functions; use "
                          ".call(name, ...)")
        return self.call(self.entry, *args)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._impl.signature(name) is None:
            raise AttributeError(name)
        return lambda *args: self.call(name, *args)


def compile(module: Module, entry: Optional[str] = None,
            functions: Optional[Sequence[str]] = None, fold: bool = True,
            opt_level: int = 2, pipeline: str = "") -> CompiledModule:
    """Compiles ``module`` (left unchanged) for the host CPU through the MX
    execution engine: folding (constant weights quantize at compile time),
    ``mx-cpu-pipeline`` with the options in ``pipeline`` (e.g.
    ``"vectorize=false"`` or ``"target=avx2"``), LLVM at ``opt_level``.

    ``functions`` lists the functions to make callable (default: ``entry``,
    else every function whose arguments and results are statically shaped
    tensors). ``entry`` (default: ``main`` if compiled, else the only one)
    is what calling the result runs."""
    if functions is None:
        functions = [entry] if entry else []
    elif entry and entry not in functions:
        functions = list(functions) + [entry]
    impl = _mx.Compiled.compile(module._impl, list(functions), bool(fold),
                                int(opt_level), pipeline)
    names = list(impl.function_names)
    if entry is None:
        entry = "main" if "main" in names else (names[0] if len(names) == 1
                                                 else None)
    return CompiledModule(impl, entry)


# ---------------------------------------------------------------------------
# Format selection
# ---------------------------------------------------------------------------


@dataclass
class Candidate:
    format: str
    bits: int
    rel_mse: float


@dataclass
class Decision:
    """One selected operand (docs/FormatSelection.md, "Report")."""
    op: str
    loc: str
    operand: str
    role: str
    shape: List[int]
    numel: int
    choice: str
    bits: int
    rel_mse: float
    candidates: List[Candidate]
    sensitivity: Optional[float] = None


@dataclass
class SelectionReport:
    decisions: List[Decision]
    #: avg_bits, sum_rel_mse, bytes_before, bytes_after, bits, numel,
    #: objective, and with a budget budget_bits and solver.
    totals: Dict[str, object]
    #: the pass's remarks (one per decision), as dicts.
    remarks: List[dict] = field(default_factory=list)

    @property
    def avg_bits(self) -> float:
        return float(self.totals["avg_bits"])

    def choices(self) -> Dict[str, str]:
        """{"loc operand": format} for a quick look."""
        return {f"{d.loc} {d.operand}": d.choice for d in self.decisions}

    @staticmethod
    def from_json(data: dict, remarks: Sequence[dict] = ()) -> "SelectionReport":
        decisions = []
        for d in data["decisions"]:
            d = dict(d)
            d["candidates"] = [Candidate(**c) for c in d["candidates"]]
            decisions.append(Decision(**d))
        return SelectionReport(decisions, dict(data["totals"]), list(remarks))


_SAFE_OPTION = re.compile(r"^[^\s{}'\"]+$")


def _option(name, value):
    text = str(value)
    if not _SAFE_OPTION.match(text):
        raise MXError(f"{name}={text!r}: a pass option value cannot contain "
                      "spaces, braces or quotes")
    return f"{name}={text}"


def select_formats(module: Module, avg_bits: Optional[float] = None,
                   min_sqnr: Optional[float] = None,
                   candidates: Optional[Sequence[str]] = None,
                   objective: Optional[str] = None,
                   calibration: Optional[str] = None,
                   select_activations: bool = False,
                   scale_modes: Optional[Sequence[str]] = None,
                   hadamard: int = 0, apply: bool = False) -> SelectionReport:
    """Runs ``mx-select-formats`` on ``module`` in place (the choices become
    ``#mx.policy`` attributes; with ``apply=True`` ``mx-apply-policy`` then
    rewrites the contractions into MX ops) and returns its report.

    ``avg_bits``: the budget, average storage bits per element, scales
    included; ``min_sqnr``: a floor in dB on every operand. ``objective``:
    ``rel-mse`` (default) or ``sensitivity`` (needs ``calibration``, a file
    written by ``mx-run --calibrate``)."""
    opts = []
    if avg_bits is not None:
        opts.append(_option("avg-bits", repr(float(avg_bits))))
    if min_sqnr is not None:
        opts.append(_option("min-sqnr", repr(float(min_sqnr))))
    if candidates:
        opts.append(_option("candidates", ",".join(candidates)))
    if objective:
        opts.append(_option("objective", objective))
    if calibration:
        opts.append(_option("calibration", os.fspath(calibration)))
    if select_activations:
        opts.append("select-activations=true")
    if scale_modes:
        opts.append(_option("scale-modes", ",".join(scale_modes)))
    if hadamard:
        opts.append(_option("hadamard", int(hadamard)))
    tmp = tempfile.mkdtemp(prefix="mx-select-")
    try:
        report = os.path.join(tmp, "report.json")
        opts.append(_option("report", report))
        pipeline = "builtin.module(mx-select-formats{" + " ".join(opts) + "}"
        pipeline += ", mx-apply-policy)" if apply else ")"
        module.run_pipeline(pipeline)
        with open(report) as f:
            data = json.load(f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    remarks = [d for d in module.diagnostics
               if d["message"].startswith("mx-select-formats")]
    return SelectionReport.from_json(data, remarks)


def calibrate(module: Module, inputs: Sequence[str], calibration: str,
              entry: str = "main") -> None:
    """``mx-run --calibrate`` for one sample: ``inputs`` are the .npy files
    of ``entry``'s arguments (recorded in the file: ``objective=
    "sensitivity"`` reads them again). Runs the f32 program with every
    activation operand of the entry's contractions tapped and adds their
    statistics to the calibration file (created when missing), for
    ``select_formats(..., calibration=...)`` (docs/FormatSelection.md)."""
    paths = [os.fspath(p) for p in inputs]
    arrays = [np.load(p) for p in paths]
    module.diagnostics = list(module._impl.calibrate(
        entry, arrays, paths, module.name, os.fspath(calibration)))


def apply_policy(module: Module, weights: Optional[str] = None,
                 activations: Optional[str] = None) -> Module:
    """Runs ``mx-apply-policy`` in place (docs/Policies.md)."""
    opts = []
    if weights:
        opts.append(_option("weights", weights))
    if activations:
        opts.append(_option("activations", activations))
    suffix = "{" + " ".join(opts) + "}" if opts else ""
    return module.run_pipeline(f"builtin.module(mx-apply-policy{suffix})")
