"""Packing and error metrics on top of the reference library (docs/Python.md)."""

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from . import _mx

_LAYOUTS = ("row_major", "blackwell_128x4")


def _check_layout(scale_layout):
    if scale_layout not in _LAYOUTS:
        raise _mx.MXError(
            f"unknown scale layout '{scale_layout}' (one of: row_major, "
            "blackwell_128x4)")


def _grid_2d(grid):
    """The scale grid as (rows, cols): the last dimension is the columns,
    every other dimension is folded into the rows."""
    grid = tuple(int(g) for g in grid)
    if not grid:
        raise _mx.MXError("a per-tensor format has no block scales to lay out")
    cols = grid[-1]
    rows = int(np.prod(grid[:-1], dtype=np.int64)) if len(grid) > 1 else 1
    return rows, cols


@dataclass
class Packed:
    """A quantized tensor as it is stored: packed element bytes (two FP4 per
    byte, four FP6 in three bytes, element 2i in the low nibble), scale bytes
    in ``scale_layout`` order and the FP32 tensor decode scale."""
    format: _mx.Format
    shape: tuple
    block: tuple
    elements: np.ndarray
    scales: np.ndarray
    tensor_scale: float
    scale_layout: str = "row_major"

    @property
    def nbytes(self) -> int:
        return int(self.elements.nbytes + self.scales.nbytes +
                   (4 if self.format.tensor_scale else 0))


def pack(q: _mx.QuantizedTensor, scale_layout: str = "row_major") -> Packed:
    """Packs a QuantizedTensor's codes and lays out its scales: the same bytes
    as ``mx-quant --emit=packed`` (``--scale-layout=128x4`` for
    ``blackwell_128x4``, which zero-pads the grid to 128x4 atoms)."""
    _check_layout(scale_layout)
    elements = _mx.pack_elements(q.codes.reshape(-1), q.format)
    scales = q.scales.reshape(-1)
    if scale_layout == "blackwell_128x4" and not q.format.scale == "none":
        rows, cols = _grid_2d(q.scales.shape)
        scales = _mx.to_blackwell_128x4(scales, rows, cols)
    return Packed(q.format, q.shape, q.block, elements, scales.copy(),
                  q.tensor_scale, scale_layout)


def unpack(packed, format=None, shape: Optional[Sequence[int]] = None,
           block: Optional[Sequence[int]] = None,
           scales: Optional[np.ndarray] = None,
           tensor_scale: float = 1.0,
           scale_layout: str = "row_major") -> _mx.QuantizedTensor:
    """The inverse of ``pack``: from a ``Packed`` or from packed element bytes
    with ``format``, ``shape``, ``scales`` (and ``block``, ``tensor_scale``,
    ``scale_layout``) back to a QuantizedTensor."""
    if isinstance(packed, Packed):
        format, shape, block = packed.format, packed.shape, packed.block
        scales, tensor_scale = packed.scales, packed.tensor_scale
        scale_layout = packed.scale_layout
        packed = packed.elements
    if format is None or shape is None:
        raise _mx.MXError("unpack needs format and shape with raw bytes")
    _check_layout(scale_layout)
    fmt = format if isinstance(format, _mx.Format) else _mx.Format.preset(format)
    shape = tuple(int(d) for d in shape)
    count = int(np.prod(shape, dtype=np.int64))
    codes = _mx.unpack_elements(np.asarray(packed, dtype=np.uint8).reshape(-1),
                                fmt, count).reshape(shape)
    if scales is None:
        scales = np.zeros(0, dtype=np.uint8)
    scales = np.asarray(scales, dtype=np.uint8).reshape(-1)
    if scale_layout == "blackwell_128x4" and fmt.scale != "none":
        if block is None:
            block = (1,) * (len(shape) - 1) + (fmt.block,)
        grid = tuple(s // b for s, b in zip(shape, block))
        rows, cols = _grid_2d(grid)
        scales = _mx.from_blackwell_128x4(scales, rows, cols).reshape(-1)
    return _mx.QuantizedTensor(fmt, codes, scales, block, tensor_scale)


def _stats(source, other) -> _mx.ErrorStats:
    return _mx.error_stats(np.asarray(source, dtype=np.float32), other)


def mse(source, other) -> float:
    """sum(e^2) / count over the finite source values; ``other`` is a
    QuantizedTensor or a decoded array."""
    return _stats(source, other).mse


def rel_mse(source, other) -> float:
    """sum(e^2) / sum(x^2)."""
    return _stats(source, other).rel_mse


def sqnr(source, other) -> float:
    """-10 log10(rel_mse), in dB."""
    return _stats(source, other).sqnr_db


def max_abs(source, other) -> float:
    """max |e|."""
    return _stats(source, other).max_abs
