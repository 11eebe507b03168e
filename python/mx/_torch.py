"""The torch-mlir bridge (docs/Python.md, "From torch-mlir").

torch-mlir's FX importer, lowered to ``linalg-on-tensors``, gives a module of
plain ``linalg.matmul``/``batch_matmul`` with constant weights (often
``dense_resource`` blobs behind a ``linalg.transpose``). ``from_torch_mlir``
selects a format per weight under a bit budget, rewrites the contractions into
MX ops, compiles for the CPU and returns a callable. torch and torch-mlir are
not needed: the input is the module's text.
"""

import os
import shutil
import tempfile
from typing import Optional, Sequence

from . import _compile
from ._compile import CompiledModule, Context, Module, SelectionReport


class TorchMLIRModel(CompiledModule):
    """A compiled torch-mlir export: call it with numpy arrays.

    ``report`` is the selection's report (None without a budget),
    ``module`` the MX module that was compiled (after mx-apply-policy)."""

    def __init__(self, compiled: CompiledModule, module: Module,
                 report: Optional[SelectionReport]):
        super().__init__(compiled._impl, compiled.entry)
        self.module = module
        self.report = report


def from_torch_mlir(text, avg_bits: Optional[float] = 4.5,
                    calibration: Optional[str] = None,
                    calibration_samples: Optional[Sequence[Sequence[str]]] = None,
                    min_sqnr: Optional[float] = None,
                    candidates: Optional[Sequence[str]] = None,
                    objective: Optional[str] = None,
                    select_activations: bool = False,
                    entry: str = "main", name: str = "<torch-mlir>",
                    context: Optional[Context] = None, opt_level: int = 2,
                    pipeline: str = "") -> TorchMLIRModel:
    """Parses a torch-mlir ``linalg-on-tensors`` module (text, or a Module),
    selects formats with ``mx-select-formats`` (``avg_bits``, ``min_sqnr``,
    ``candidates``, ``objective``; ``calibration`` is a file written by
    ``mx-run --calibrate``, needed for ``objective="sensitivity"`` and
    ``select_activations``; or give ``calibration_samples``, one list of
    .npy files per sample, to write one first), applies them with ``mx-apply-policy`` and
    compiles ``entry`` for the CPU. With ``avg_bits=None`` and
    ``min_sqnr=None`` nothing is quantized (the f32 program).

    The result is exactly what ``mx-opt --mx-select-formats=...
    --mx-apply-policy`` followed by ``mx-run`` computes."""
    if isinstance(text, Module):
        module = text.clone()
    else:
        module = Module.parse(text, context, name)
    report = None
    tmp = None
    try:
        if calibration_samples and calibration is None:
            tmp = tempfile.mkdtemp(prefix="mx-calibration-")
            calibration = os.path.join(tmp, "calibration.json")
        for sample in calibration_samples or ():
            _compile.calibrate(module, sample, calibration, entry)
        if avg_bits is not None or min_sqnr is not None:
            report = _compile.select_formats(
                module, avg_bits=avg_bits, min_sqnr=min_sqnr,
                candidates=candidates, objective=objective,
                calibration=calibration,
                select_activations=select_activations, apply=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    compiled = _compile.compile(module, entry=entry, opt_level=opt_level,
                                pipeline=pipeline)
    return TorchMLIRModel(compiled, module, report)
