"""MX: block-scaled (microscaling) formats from Python.

numpy in, numpy out (docs/Python.md):

* numerics, bit-exact with the reference library (docs/Numerics.md):
  ``quantize``, ``dequantize``, ``pack``/``unpack`` (row-major and
  Blackwell 128x4 scale layouts), ``error_stats`` and its shorthands;
* compilation: ``Context``, ``Module.parse``, ``Module.run_pipeline``,
  ``select_formats`` (the report as dataclasses), ``compile`` (a callable
  taking and returning numpy arrays);
* the torch-mlir bridge: ``from_torch_mlir``.

Every error is an ``MXError`` whose message carries the MLIR diagnostic.
"""

from ._mx import (  # noqa: F401
    MXError,
    Format,
    QuantizedTensor,
    ErrorStats,
    presets,
    allowed_scale_modes,
    quantize,
    dequantize,
    dequantize_exact,
    pack_elements,
    unpack_elements,
    to_blackwell_128x4,
    from_blackwell_128x4,
    blackwell_128x4_size,
    error_stats,
)
from ._numerics import (  # noqa: F401
    Packed,
    pack,
    unpack,
    mse,
    rel_mse,
    sqnr,
    max_abs,
)
from ._compile import (  # noqa: F401
    Context,
    Module,
    CompiledModule,
    Candidate,
    Decision,
    SelectionReport,
    compile,
    select_formats,
    calibrate,
    apply_policy,
    get_default_context,
)
from ._torch import from_torch_mlir, TorchMLIRModel  # noqa: F401

__all__ = [
    "MXError", "Format", "QuantizedTensor", "ErrorStats", "presets",
    "allowed_scale_modes", "quantize", "dequantize", "dequantize_exact",
    "pack_elements", "unpack_elements", "to_blackwell_128x4",
    "from_blackwell_128x4", "blackwell_128x4_size", "error_stats", "Packed",
    "pack", "unpack", "mse", "rel_mse", "sqnr", "max_abs", "Context",
    "Module", "CompiledModule", "Candidate", "Decision", "SelectionReport",
    "compile", "select_formats", "calibrate", "apply_policy", "get_default_context",
    "from_torch_mlir", "TorchMLIRModel",
]
