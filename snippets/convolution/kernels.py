"""Classic hand-made 3×3 kernels, written for F.conv2d (cross-correlation).

Sobel kernels are antisymmetric, so the orientation matters: as a
cross-correlation, [[-1, 0, 1], ...] gives right minus left, positive where
the image gets brighter to the right. Textbooks that write Sobel as a true
convolution print it flipped.
"""

from __future__ import annotations

import torch

# --8<-- [start:kernels]
CLASSIC_KERNELS = {
    # right column minus left: positive where it gets brighter to the right
    "Sobel x": torch.tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]).float(),
    # bottom row minus top: positive where it gets brighter downwards
    "Sobel y": torch.tensor([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]).float(),
    # the mean of the 3×3 neighbourhood
    "Box blur": torch.full((3, 3), 1 / 9),
    # the pixel, plus how much it differs from its four neighbours
    "Sharpen": torch.tensor([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]).float(),
}
# --8<-- [end:kernels]


def kernel_bank() -> torch.Tensor:
    """The kernels as one Conv2d weight: (4, 1, 3, 3), C_out=4, C_in=1."""
    return torch.stack(list(CLASSIC_KERNELS.values())).unsqueeze(1)
