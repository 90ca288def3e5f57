"""Not an inverse, but the adjoint: the page's blocks, in page order."""

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:not_an_inverse]
torch.manual_seed(0)
conv = nn.Conv2d(1, 1, kernel_size=3, padding=1, bias=False)
x = torch.randn(1, 1, 8, 8)
# "Undo" the convolution with a transposed one with the very same weights.
x_back = F.conv_transpose2d(conv(x), conv.weight, padding=1)
error = (x_back - x).abs().mean()
print("same shape as x:", x_back.shape == x.shape)
print("same values as x:", torch.allclose(x_back, x, atol=1e-3))
print(f"mean |x| = {x.abs().mean():.3f}, mean |x_back - x| = {error:.3f}")

# With stride 2 no layer could undo it: 64 numbers go in, 16 come out.
down = nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1, bias=False)
print(x.numel(), "numbers in,", down(x).numel(), "numbers out")
# --8<-- [end:not_an_inverse]

# --8<-- [start:adjoint]
torch.manual_seed(0)
w = torch.randn(1, 1, 3, 3, dtype=torch.float64)
x = torch.randn(1, 1, 8, 8, dtype=torch.float64)  # any input of conv2d
y = torch.randn(1, 1, 4, 4, dtype=torch.float64)  # any of its output shape
conv_x = F.conv2d(x, w, stride=2, padding=1)  # C x
conv_t_y = F.conv_transpose2d(y, w, stride=2, padding=1, output_padding=1)
lhs, rhs = (conv_x * y).sum(), (x * conv_t_y).sum()
print(f"<conv(x), y>   = {lhs:.6f}")
print(f"<x, conv_T(y)> = {rhs:.6f}")
print("equal to 1e-12:", abs(lhs - rhs).item() < 1e-12)
# --8<-- [end:adjoint]
