"""docs/convolution/from_scratch.md: Conv2d in a few lines with loops, then
with unfold and one matmul; the full, validated versions; bad input."""

from snippets.convolution.checks import (
    Conv2dGeometry,
    conv2d_geometry,
    pair,
    resolve_padding,
)
from snippets.convolution.receptive import window
from snippets.convolution.scratch import (
    conv2d_loops,
    conv2d_unfold,
    simple_conv2d,
    simple_conv2d_unfold,
)

# --8<-- [start:imports]
import textwrap
from dataclasses import dataclass

import torch
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:simple_check]
torch.manual_seed(0)
x = torch.randn(3, 9, 8)  # (C_in, H, W): one image
w, b = torch.randn(4, 3, 3, 3), torch.randn(4)  # 4 filters, 3 channels
for stride, padding in [(1, 0), (1, 1), (2, 1)]:
    ours = simple_conv2d(x, w, b, stride, padding)
    expected = F.conv2d(x[None], w, b, stride=stride, padding=padding)[0]
    same = torch.allclose(ours, expected, atol=1e-5)
    print(f"stride={stride}, padding={padding}: {tuple(ours.shape)},", end=" ")
    print(f"equals F.conv2d: {same}")
# --8<-- [end:simple_check]

# --8<-- [start:unfold_columns]
x = torch.arange(16.0).reshape(1, 1, 4, 4)
columns = F.unfold(x, kernel_size=2)  # (N, C_in·kH·kW, H_out·W_out)
print(tuple(columns.shape))
# The 9 windows, laid out like the 3×3 output positions they produce:
for windows in columns[0].T.int().reshape(3, 3, 4).tolist():
    print(*windows)
# --8<-- [end:unfold_columns]

# --8<-- [start:unfold_check]
torch.manual_seed(0)
x = torch.randn(3, 9, 8)
for stride, padding in [(1, 0), (1, 1), (2, 1)]:
    ours = simple_conv2d_unfold(x, w, b, stride, padding)
    expected = F.conv2d(x[None], w, b, stride=stride, padding=padding)[0]
    same = torch.allclose(ours, expected, atol=1e-5)
    print(f"stride={stride}, padding={padding}: equals F.conv2d: {same}")
# --8<-- [end:unfold_check]

# --8<-- [start:copies]
x = torch.randn(1, 1, 32, 32)
for stride in (1, 2, 3):
    columns = F.unfold(x, kernel_size=3, padding=1, stride=stride)
    copies = columns.numel() / x.numel()  # on average, per input value
    print(f"stride={stride}: {copies:.2f} copies,", end=" ")
    print(f"kH·kW/(sH·sW) = {9 / stride**2:.2f}")
# --8<-- [end:copies]

# --8<-- [start:scratch_check]
torch.manual_seed(0)
x = torch.randn(2, 6, 9, 8)  # (N, C_in, H_in, W_in)
w = torch.randn(4, 3, 3, 2)  # (C_out, C_in/groups, kH, kW), groups=2
b = torch.randn(4)
settings = dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)
expected = F.conv2d(x, w, b, **settings)
for conv2d in (conv2d_loops, conv2d_unfold):
    got = conv2d(x, w, b, **settings)
    same = torch.allclose(got, expected, atol=1e-5)
    print(f"{conv2d.__name__}: {tuple(got.shape)}, equals F.conv2d: {same}")
# --8<-- [end:scratch_check]

# --8<-- [start:bad_input]
x, w = torch.randn(1, 4, 5, 5), torch.randn(4, 4, 3, 3)
bad_calls = {
    "kernel larger than the input": dict(input=x[..., :2, :2], weight=w),
    "groups=3, 4 channels": dict(input=x, weight=w[:3, :1], groups=3),
    "stride=0": dict(input=x, weight=w, stride=0),
    "padding=-1": dict(input=x, weight=w, padding=-1),
    "dilation=0": dict(input=x, weight=w, dilation=0),
    "weight for 3 channels": dict(input=x, weight=w[:, :3]),
    "2-D input": dict(input=x[0, 0], weight=w),
}
for case, arguments in bad_calls.items():
    try:
        F.conv2d(**arguments)
        torch_refuses = False
    except RuntimeError:
        torch_refuses = True
    try:
        conv2d_unfold(**arguments)
        ours = "accepted!"
    except ValueError as error:
        ours = str(error)
    print(f"{case} (torch refuses: {torch_refuses})")
    print(textwrap.fill(ours, 79, initial_indent="  ", subsequent_indent="  "))
# --8<-- [end:bad_input]
