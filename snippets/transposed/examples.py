"""The Transposed Convolution page's examples, in page order (each section is one block)."""

from snippets.transposed.checkerboard import (
    bilinear_conv_transpose2d,
    bilinear_kernel,
    overlap_counts,
    overlap_counts_1d,
    resize_conv,
)
from snippets.transposed.shapes import conv_output_size, conv_transpose_output_size
from snippets.transposed.views import (
    conv_matrix,
    conv_transpose2d_grad,
    conv_transpose2d_matrix,
    conv_transpose2d_scatter,
    conv_transpose2d_zero_insert,
)

# --8<-- [start:not_an_inverse]
import itertools
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
conv = nn.Conv2d(1, 1, kernel_size=3, padding=1, bias=False)
x = torch.randn(1, 1, 8, 8)
# "Undo" the convolution with a transposed one that has the very same weights.
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
y = torch.randn(1, 1, 4, 4, dtype=torch.float64)  # anything of its output's shape
conv_x = F.conv2d(x, w, stride=2, padding=1)  # C x
conv_t_y = F.conv_transpose2d(y, w, stride=2, padding=1, output_padding=1)  # Cᵀ y
lhs, rhs = (conv_x * y).sum(), (x * conv_t_y).sum()
print(f"<conv(x), y>   = {lhs:.6f}")
print(f"<x, conv_T(y)> = {rhs:.6f}")
print("equal to 1e-12:", abs(lhs - rhs).item() < 1e-12)
# --8<-- [end:adjoint]

# --8<-- [start:output_padding_picks]
for size in (7, 8):
    conv = nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1)
    by_torch = conv(torch.randn(1, 1, size, size)).shape[-1]
    by_formula = conv_output_size(size, 3, stride=2, padding=1)
    print(f"Conv2d(k=3, s=2, p=1): {size} -> {by_formula} (torch: {by_torch})")

z = torch.randn(1, 1, 4, 4)
for op in (0, 1):
    up = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=op)
    by_formula = conv_transpose_output_size(4, 3, 2, 1, output_padding=op)
    label = f"ConvTranspose2d(k=3, s=2, p=1, output_padding={op})"
    print(f"{label}: 4 -> {by_formula} (torch: {up(z).shape[-1]})")

# A module can also choose output_padding itself, from the size you ask for.
up = nn.ConvTranspose2d(1, 1, kernel_size=3, stride=2, padding=1)
print("up(z, output_size=[8, 8]):", tuple(up(z, output_size=[8, 8]).shape))
# --8<-- [end:output_padding_picks]

# --8<-- [start:output_padding_limit]
x4, w3 = torch.randn(1, 1, 4, 4), torch.randn(1, 1, 3, 3)
try:
    F.conv_transpose2d(x4, w3, stride=2, padding=1, output_padding=2)
except RuntimeError as error:
    print("RuntimeError:", str(error).split(",")[0])

# Dilation 2 allows output_padding 1 at stride 1: max(stride, dilation) = 2.
out = F.conv_transpose2d(x4, w3, stride=1, dilation=2, output_padding=1)
print(tuple(out.shape))
# --8<-- [end:output_padding_limit]

# --8<-- [start:article]
torch.manual_seed(0)
conv_layer = nn.Conv2d(
    in_channels=1,
    out_channels=16,
    kernel_size=3,
    stride=1,
    padding=1,
)
input_image = torch.randn(1, 1, 28, 28)
output_feature_map = conv_layer(input_image)

deconv_layer = nn.ConvTranspose2d(
    in_channels=16,
    out_channels=1,
    kernel_size=3,
    stride=1,
    padding=1,
)
upsampled_image = deconv_layer(output_feature_map)
print("in: ", tuple(output_feature_map.shape))
print("out:", tuple(upsampled_image.shape))
print("formula:", conv_transpose_output_size(28, 3, stride=1, padding=1))
# --8<-- [end:article]

# --8<-- [start:upsample_x2]
torch.manual_seed(0)
features = torch.randn(1, 16, 14, 14)
for k, s, p in [(4, 2, 1), (2, 2, 0)]:
    up = nn.ConvTranspose2d(16, 16, kernel_size=k, stride=s, padding=p)
    print(f"kernel_size={k}, stride={s}, padding={p}:", tuple(up(features).shape))
# --8<-- [end:upsample_x2]

# --8<-- [start:scatter_demo]
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 1, 2, 2)
kernel = torch.tensor([[1.0, 2.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
kernel = kernel.view(1, 1, 3, 3)
out = conv_transpose2d_scatter(x, kernel, stride=2)
print(out[0, 0].int())
print("equal:", torch.equal(out, F.conv_transpose2d(x, kernel, stride=2)))
# --8<-- [end:scatter_demo]

# --8<-- [start:matrix_demo]
kernel = torch.arange(1.0, 10.0).view(1, 1, 3, 3)  # weights 1..9, easy to spot
C = conv_matrix(kernel, input_size=(4, 4))  # Conv2d: 4 × 4 -> 2 × 2
print("C:", tuple(C.shape), "  C.T:", tuple(C.T.shape))
print(C.int())

torch.manual_seed(0)
x = torch.randn(4, 4)
conv_x = F.conv2d(x.view(1, 1, 4, 4), kernel)
same = torch.allclose(C @ x.flatten(), conv_x.flatten())
print("C @ x   == conv2d(x):          ", same)
y = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
up = F.conv_transpose2d(y.view(1, 1, 2, 2), kernel)
print("C.T @ y == conv_transpose2d(y):", torch.equal(C.T @ y.flatten(), up.flatten()))
# --8<-- [end:matrix_demo]

# --8<-- [start:grad_idea]
torch.manual_seed(0)
w = torch.randn(3, 2, 3, 3)  # Conv2d(2 -> 3) and ConvTranspose2d(3 -> 2) weight
y = torch.randn(1, 3, 4, 4)  # an upstream gradient, shaped like conv2d's output
x = torch.zeros(1, 2, 8, 8, requires_grad=True)
F.conv2d(x, w, stride=2, padding=1).backward(y)
conv_t_y = F.conv_transpose2d(y, w, stride=2, padding=1, output_padding=1)
print("x.grad == conv_transpose2d(y, w):", torch.allclose(x.grad, conv_t_y, atol=1e-5))
# --8<-- [end:grad_idea]

# --8<-- [start:zero_insert_demo]
x = torch.arange(1.0, 10.0).view(1, 1, 3, 3)
kernel = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
kernel = kernel.view(1, 1, 3, 3)
out = conv_transpose2d_zero_insert(x, kernel, stride=2)
print(out[0, 0].int())
print("equal:", torch.equal(out, F.conv_transpose2d(x, kernel, stride=2)))
# --8<-- [end:zero_insert_demo]

# --8<-- [start:four_views_agree]
torch.manual_seed(0)
x = torch.randn(2, 4, 5, 6)
w = torch.randn(4, 3, 3, 2)  # in_channels 4, out_channels/groups 3, kernel 3 × 2
b = torch.randn(6)  # out_channels = 3 · groups = 6
kwargs = dict(
    stride=(2, 3),
    padding=(1, 0),
    output_padding=(1, 2),
    groups=2,
    dilation=(1, 2),
)
reference = F.conv_transpose2d(x, w, b, **kwargs)
print("F.conv_transpose2d:", tuple(reference.shape))
views = [
    conv_transpose2d_scatter,
    conv_transpose2d_matrix,
    conv_transpose2d_grad,
    conv_transpose2d_zero_insert,
]
for view in views:
    same = torch.allclose(view(x, w, b, **kwargs), reference, atol=1e-5)
    print(f"{view.__name__:29}", same)
# --8<-- [end:four_views_agree]

# --8<-- [start:overlap_demo]
print("kernel_size=3, stride=2:", overlap_counts_1d(6, kernel_size=3, stride=2))
print("kernel_size=4, stride=2:", overlap_counts_1d(6, kernel_size=4, stride=2))

# The counts are what a transposed convolution of ones with ones computes.
for k in (3, 4):
    ones = F.conv_transpose2d(torch.ones(1, 1, 6, 6), torch.ones(1, 1, k, k), stride=2)
    counts = overlap_counts(6, kernel_size=k, stride=2)
    inside = sorted(set(counts[2:-2, 2:-2].flatten().tolist()))
    same = torch.equal(counts, ones[0, 0].long())
    print(f"kernel_size={k}: equals torch: {same}, counts inside: {inside}")
# --8<-- [end:overlap_demo]

# --8<-- [start:pattern_demo]
torch.manual_seed(0)
flat = torch.ones(1, 1, 16, 16)  # no structure: any pattern comes from the layer
for k, op in [(3, 1), (4, 0)]:
    up = nn.ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=op)
    with torch.no_grad():
        inner = up(flat)[0, 0, 2:-2, 2:-2]  # away from the border
    rows_repeat = torch.allclose(inner[2:], inner[:-2])
    cols_repeat = torch.allclose(inner[:, 2:], inner[:, :-2])
    phases = ", ".join(f"{v:.3f}" for v in inner[:2, :2].flatten().tolist())
    print(f"kernel_size={k}: period 2: {rows_repeat and cols_repeat}; values {phases}")
# --8<-- [end:pattern_demo]

# --8<-- [start:bilinear_demo]
print((bilinear_kernel(2) * 16).int())  # the factor-2 kernel, in sixteenths
# --8<-- [end:bilinear_demo]

# --8<-- [start:fixes_compared]
torch.manual_seed(0)
flat = torch.ones(1, 1, 16, 16)
k3 = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1)
upsamplers = {
    "ConvTranspose2d k=3, s=2": k3,
    "ConvTranspose2d k=4, s=2": nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1),
    "Upsample + Conv2d": resize_conv(1, 1),
    "ConvTranspose2d, bilinear": bilinear_conv_transpose2d(1, factor=2),
}
for name, layer in upsamplers.items():
    with torch.no_grad():
        out = layer(flat)
    inner = out[0, 0, 2:-2, 2:-2]
    spread = inner.max() - inner.min()
    print(f"{name:26} {tuple(out.shape)}  max - min inside: {spread:.3f}")
# --8<-- [end:fixes_compared]

# --8<-- [start:bilinear_vs_interpolate]
torch.manual_seed(0)
x = torch.randn(1, 3, 8, 8)
for f in (2, 3, 4):
    with torch.no_grad():
        ours = bilinear_conv_transpose2d(3, factor=f)(x)
    ref = F.interpolate(x, scale_factor=f, mode="bilinear", align_corners=False)
    b = f // 2  # the border where the two differ
    inside = torch.allclose(ours[..., b:-b, b:-b], ref[..., b:-b, b:-b], atol=1e-5)
    everywhere = torch.allclose(ours, ref, atol=1e-5)
    print(f"factor {f}: {tuple(ours.shape)}", end=" ")
    print(f"equal inside a {b}-pixel border: {inside}, everywhere: {everywhere}")
# --8<-- [end:bilinear_vs_interpolate]

# --8<-- [start:bad_input]
torch.manual_seed(0)
x, w = torch.randn(1, 4, 5, 5), torch.randn(4, 2, 3, 3)
bad_calls = [
    (x, dict(stride=2, output_padding=2)),
    (x, dict(stride=0)),
    (x, dict(dilation=0)),
    (x, dict(padding=-1)),
    (x, dict(groups=3)),
    (torch.randn(1, 3, 5, 5), {}),
    (x, dict(padding=4)),
]
for inp, kwargs in bad_calls:
    try:
        conv_transpose2d_scatter(inp, w, **kwargs)
        ours = "accepted"
    except ValueError as error:
        ours = f"ValueError: {error}"
    try:
        F.conv_transpose2d(inp, w, **kwargs)
        torch_refuses = False
    except RuntimeError:
        torch_refuses = True
    print(f"{ours}\n    torch refuses too: {torch_refuses}")
# --8<-- [end:bad_input]

# The page's first block imports these for the blocks shown from checks.py and views.py.
__all__ = ["dataclass", "itertools"]
