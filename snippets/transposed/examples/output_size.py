"""The output size of ConvTranspose2d: the page's blocks, in page order."""

from snippets.transposed.shapes import conv_transpose_output_size

# --8<-- [start:imports]
import textwrap

import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:formula_check]
torch.manual_seed(0)
configs = [  # H_in, kernel_size, stride, padding, output_padding
    (3, 3, 2, 1, 1),  # the figure
    (14, 4, 2, 1, 0),  # ×2
    (2, 3, 1, 0, 0),  # stride 1, no padding
]
for h_in, k, s, p, op in configs:
    up = nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=op)
    by_torch = up(torch.randn(1, 1, h_in, h_in)).shape[-1]
    by_formula = conv_transpose_output_size(h_in, k, s, p, output_padding=op)
    args = f"H_in={h_in:2}, k={k}, s={s}, p={p}, op={op}"
    print(f"{args}: {by_formula} (torch: {by_torch})")
# --8<-- [end:formula_check]

# --8<-- [start:stride_1]
for h_in in (2, 8, 28):
    full = conv_transpose_output_size(h_in, kernel_size=3)  # padding 0
    same = conv_transpose_output_size(h_in, kernel_size=3, padding=1)
    double = conv_transpose_output_size(h_in, 4, stride=2, padding=1)
    print(f"H_in={h_in:2}: k=3 -> {full:2}, k=3, p=1 -> {same:2},", end=" ")
    print(f"k=4, s=2, p=1 -> {double}")
# --8<-- [end:stride_1]

# --8<-- [start:output_padding_picks]
for size in (7, 8):
    down = nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1)
    h_out = down(torch.randn(1, 1, size, size)).shape[-1]
    print(f"Conv2d(k=3, s=2, p=1): {size} -> {h_out}")

z = torch.randn(1, 1, 4, 4)
for op in (0, 1):
    up = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=op)
    by_formula = conv_transpose_output_size(4, 3, 2, 1, output_padding=op)
    label = f"ConvTranspose2d(k=3, s=2, p=1, output_padding={op})"
    print(f"{label}: 4 -> {by_formula} (torch: {up(z).shape[-1]})")
# --8<-- [end:output_padding_picks]

# --8<-- [start:output_size_arg]
torch.manual_seed(0)
down = nn.Conv2d(8, 8, kernel_size=3, stride=2, padding=1)
up = nn.ConvTranspose2d(8, 8, kernel_size=3, stride=2, padding=1)
for size in (7, 8):
    skip = torch.randn(1, 8, size, size)  # what the decoder must match
    restored = up(down(skip), output_size=skip.shape[-2:])
    print(f"{size} -> {down(skip).shape[-1]} -> {restored.shape[-1]}")
try:
    up(torch.randn(1, 8, 4, 4), output_size=[9, 9])
except ValueError as error:
    print(textwrap.fill(f"ValueError: {error}", 72, subsequent_indent="  "))
# --8<-- [end:output_size_arg]

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
