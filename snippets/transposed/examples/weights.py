"""The weight of ConvTranspose2d: its layout and its default initialisation."""

from snippets.transposed.weights import default_init_bound

# --8<-- [start:imports]
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:layout]
conv = nn.Conv2d(3, 8, kernel_size=4)  # 3 -> 8 channels
up = nn.ConvTranspose2d(3, 8, kernel_size=4)  # 3 -> 8 channels too
# (out_channels, in_channels, kH, kW), then (in_channels, out_channels, ...)
print("Conv2d(3, 8).weight:         ", tuple(conv.weight.shape))
print("ConvTranspose2d(3, 8).weight:", tuple(up.weight.shape))
# --8<-- [end:layout]

# --8<-- [start:tied]
torch.manual_seed(0)
down = nn.Conv2d(3, 8, kernel_size=4, stride=2, padding=1, bias=False)
up = nn.ConvTranspose2d(8, 3, kernel_size=4, stride=2, padding=1, bias=False)
up.weight = down.weight  # one Parameter, (8, 3, 4, 4), used by both layers
print("shared weight:", tuple(up.weight.shape))

x = torch.randn(1, 3, 16, 16, requires_grad=True)
y = torch.randn(1, 8, 8, 8)  # a gradient arriving at down's output
down(x).backward(y)
print("up(y):", tuple(up(y).shape))
same = torch.allclose(up(y), x.grad, atol=1e-6)
print("up(y) == the gradient down sends back:", same)
# --8<-- [end:tied]

# --8<-- [start:transpose_trap]
torch.manual_seed(0)
w = torch.randn(8, 8, 3, 3, dtype=torch.float64)  # a Conv2d(8, 8) weight
x = torch.randn(1, 8, 6, 6, dtype=torch.float64)
y = torch.randn(1, 8, 6, 6, dtype=torch.float64)
lhs = (F.conv2d(x, w, padding=1) * y).sum()  # <conv(x), y>
for name, w_up in [("w", w), ("w.transpose(0, 1)", w.transpose(0, 1))]:
    rhs = (x * F.conv_transpose2d(y, w_up, padding=1)).sum()  # <x, conv_T(y)>
    same = torch.allclose(lhs, rhs)
    print(f"conv_transpose2d(y, {name}) is conv2d's adjoint:", same)
# --8<-- [end:transpose_trap]

# --8<-- [start:groups_dilation]
up = nn.ConvTranspose2d(4, 6, kernel_size=3, stride=2, groups=2, dilation=2)
# (in_channels, out_channels / groups, kH, kW)
print("weight:", tuple(up.weight.shape))
y = up(torch.randn(1, 4, 5, 5))
print("output:", tuple(y.shape))
assert y.shape[-1] == (5 - 1) * 2 + 2 * (3 - 1) + 1  # the formula: 13

down = nn.Conv2d(6, 4, kernel_size=3, stride=2, groups=2, dilation=2)
print("Conv2d(6, 4, groups=2).weight:", tuple(down.weight.shape))
print("Conv2d back:", tuple(down(y).shape))
# --8<-- [end:groups_dilation]

# --8<-- [start:init_bound]
torch.manual_seed(0)
layers = {
    "Conv2d(16, 1, 3)": nn.Conv2d(16, 1, 3),
    "ConvTranspose2d(16, 1, 3)": nn.ConvTranspose2d(16, 1, 3),
    "ConvTranspose2d(1, 16, 3)": nn.ConvTranspose2d(1, 16, 3),
}
for name, layer in layers.items():
    bound = default_init_bound(layer.weight)
    w_max = layer.weight.abs().max().item()
    b_max = layer.bias.abs().max().item()
    print(f"{name:26} bound {bound:.3f}", end="  ")
    print(f"max |w| {w_max:.3f}  max |b| {b_max:.3f}")
    assert w_max <= bound and b_max <= bound
# --8<-- [end:init_bound]

# --8<-- [start:init_scale]
torch.manual_seed(0)
x = torch.randn(64, 16, 8, 8)  # unit variance
same = dict(kernel_size=3, padding=1, bias=False)
for layer in (nn.Conv2d(16, 1, **same), nn.ConvTranspose2d(16, 1, **same)):
    bound = default_init_bound(layer.weight)
    # An output sums 16·9 products; a weight uniform in (−b, b): variance b²/3.
    expected = math.sqrt(16 * 9 * bound**2 / 3)
    std = layer(x).std().item()
    name = type(layer).__name__
    print(f"{name:16} output std {std:.2f} (expected {expected:.2f})")
# --8<-- [end:init_scale]
