"""Fixes for the checkerboard, one idea: equal phase sums by construction."""

from snippets.transposed.checkerboard import phase_sums
from snippets.transposed.fixes import (
    bilinear_conv_transpose2d,
    bilinear_kernel,
    icnr_,
    nearest_conv_as_transposed,
)

# --8<-- [start:imports]
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:resize_conv]
torch.manual_seed(0)
resize_conv = nn.Sequential(
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.Conv2d(3, 5, kernel_size=3, padding=1),
).double()
x = torch.randn(2, 3, 8, 8, dtype=torch.float64)
conv = resize_conv[1]
w = nearest_conv_as_transposed(conv.weight.detach())  # (3, 5, 4, 4)
by_conv_t = F.conv_transpose2d(x, w, conv.bias.detach(), stride=2, padding=1)
same = torch.allclose(resize_conv(x), by_conv_t, rtol=0, atol=1e-12)
print("nearest ×2 + Conv2d 3×3 == ConvTranspose2d k4 s2 p1:", same)

sums = phase_sums(w[0, 0], stride=2)
print(sums)
same = torch.allclose(sums, conv.weight[0, 0].sum())
print("each phase sums the 3×3 kernel:", same)
# --8<-- [end:resize_conv]

# --8<-- [start:bilinear_demo]
print((bilinear_kernel(2) * 16).int())  # the factor-2 kernel, in sixteenths
print(phase_sums(bilinear_kernel(2), stride=2))

torch.manual_seed(0)
x = torch.randn(1, 3, 8, 8)
bilinear = dict(mode="bilinear", align_corners=False)
for f in (2, 3, 4):
    with torch.no_grad():
        ours = bilinear_conv_transpose2d(3, factor=f)(x)
    ref = F.interpolate(x, scale_factor=f, **bilinear)
    b = f // 2  # the border where the two differ
    inner = (..., slice(b, -b), slice(b, -b))
    inside = torch.allclose(ours[inner], ref[inner], atol=1e-5)
    everywhere = torch.allclose(ours, ref, atol=1e-5)
    print(f"factor {f}: equal inside a {b}-pixel border: {inside},", end=" ")
    print(f"everywhere: {everywhere}")
# --8<-- [end:bilinear_demo]

# --8<-- [start:icnr_demo]
torch.manual_seed(0)
conv = icnr_(nn.Conv2d(3, 4 * 5, kernel_size=3, padding=1))
x = torch.randn(2, 3, 8, 8)
with torch.no_grad():
    by_shuffle = F.pixel_shuffle(conv(x), 2)
    # The same as a Conv2d with one copy of each kernel, then nearest ×2:
    base = F.conv2d(x, conv.weight[::4], conv.bias[::4], padding=1)
    by_resize = F.interpolate(base, scale_factor=2, mode="nearest")
same = torch.allclose(by_shuffle, by_resize, atol=1e-6)
print("ICNR sub-pixel == Conv2d, then nearest ×2:", same)
# --8<-- [end:icnr_demo]

# --8<-- [start:compared]
torch.manual_seed(0)
flat = torch.ones(1, 1, 16, 16)
nearest, shuffle = nn.Upsample(scale_factor=2), nn.PixelShuffle(2)
# Conv2d(in_channels, out_channels, kernel_size, stride, padding)
upsamplers = {
    "k4 s2, random": nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1),
    "nearest + conv, random": nn.Sequential(nearest, nn.Conv2d(1, 1, 3, 1, 1)),
    "k4 s2, bilinear": bilinear_conv_transpose2d(1, factor=2),
    "sub-pixel, random": nn.Sequential(nn.Conv2d(1, 4, 3, 1, 1), shuffle),
    "sub-pixel, ICNR": nn.Sequential(icnr_(nn.Conv2d(1, 4, 3, 1, 1)), shuffle),
}
for name, layer in upsamplers.items():
    with torch.no_grad():
        inner = layer(flat)[0, 0, 2:-2, 2:-2]  # away from the border
    print(f"{name:23} max - min inside: {inner.max() - inner.min():.3f}")
# --8<-- [end:compared]
