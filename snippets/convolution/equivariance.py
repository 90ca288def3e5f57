"""Moving an image by whole cells, to test translation equivariance."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def shift(x: torch.Tensor, down: int, right: int) -> torch.Tensor:
    """x moved `down` rows and `right` columns; zeros fill the gap, and what
    moves past the bottom or right edge is dropped. Same shape as x."""
    h, w = x.shape[-2:]
    return F.pad(x, (right, 0, down, 0))[..., :h, :w]
