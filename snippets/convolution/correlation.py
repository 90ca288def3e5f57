"""The article's formula (cross-correlation) and true convolution, as sums.

Both take one 2-D image X of shape (H, W) and one kernel K of shape (kH, kW),
and keep only the positions where the kernel lies fully inside X ("valid"),
so both return (H − kH + 1, W − kW + 1). They use no torch convolution, so
the tests can compare F.conv2d against them.
"""

from __future__ import annotations

import torch


def cross_correlation(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """The article's formula: Y(i, j) = Σ_m Σ_n X(i + m, j + n) · K(m, n)."""
    (h, w), (kh, kw) = x.shape, k.shape
    y = torch.zeros(h - kh + 1, w - kw + 1, dtype=x.dtype)
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            y[i, j] = sum(
                x[i + m, j + n] * k[m, n] for m in range(kh) for n in range(kw)
            )
    return y


def true_convolution(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """The textbook definition: Y(t, u) = Σ_m Σ_n X(t − m, u − n) · K(m, n)."""
    (h, w), (kh, kw) = x.shape, k.shape
    y = torch.zeros(h - kh + 1, w - kw + 1, dtype=x.dtype)
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            # the "valid" position: every X(t − m, u − n) exists
            t, u = i + kh - 1, j + kw - 1
            y[i, j] = sum(
                x[t - m, u - n] * k[m, n] for m in range(kh) for n in range(kw)
            )
    return y
