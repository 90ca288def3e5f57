"""docs/convolution/pooling.md: max and average pooling, their output size,
ceil_mode, and average pooling as a convolution."""

from snippets.convolution.pooling import pool_output_size

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:pool_use]
x = torch.tensor(
    [
        [1.0, 2, 5, 0],
        [3, 4, 1, 1],
        [0, 8, 2, 6],
        [1, 3, 7, 4],
    ]
).reshape(1, 1, 4, 4)  # (N, C, H, W)
print(nn.MaxPool2d(kernel_size=2)(x))  # stride defaults to kernel_size
print(nn.AvgPool2d(kernel_size=2)(x))
# --8<-- [end:pool_use]

# --8<-- [start:output_size_use]
x = torch.randn(1, 1, 7, 7)
for k, s, p in [(2, 2, 0), (3, 2, 1), (3, 1, 1)]:
    y = F.max_pool2d(x, kernel_size=k, stride=s, padding=p)
    ours = pool_output_size(7, k, s, p)
    print(f"k={k}, s={s}, p={p}: torch {y.shape[-1]}, ours {ours}")
# --8<-- [end:output_size_use]

# --8<-- [start:ceil_mode]
x = torch.randn(1, 1, 7, 7)
for ceil_mode in (False, True):
    y = F.max_pool2d(x, kernel_size=2, ceil_mode=ceil_mode)
    ours = pool_output_size(7, 2, ceil_mode=ceil_mode)
    print(f"ceil_mode={ceil_mode}: torch {y.shape[-1]}, ours {ours}")
# 5 cells and padding 1: ⌈(5 + 2 − 2)/2⌉ + 1 = 4 windows, but the 4th
# would start in the right padding, so torch keeps 3
x = torch.randn(1, 1, 5, 5)
y = F.max_pool2d(x, kernel_size=2, padding=1, ceil_mode=True)
ours = pool_output_size(5, 2, padding=1, ceil_mode=True)
print(f"padding=1, ceil_mode=True: torch {y.shape[-1]}, ours {ours}")
# --8<-- [end:ceil_mode]

# --8<-- [start:avg_as_conv]
torch.manual_seed(0)
x = torch.randn(1, 3, 8, 8)  # three channels
k = 2
box = torch.full((3, 1, k, k), 1 / k**2)  # each channel: the mean of k×k
as_conv = F.conv2d(x, box, stride=k, groups=3)  # depthwise: channel by channel
pooled = F.avg_pool2d(x, kernel_size=k)
same = torch.allclose(as_conv, pooled)
print("AvgPool2d == depthwise conv with 1/k² weights:", same)
# --8<-- [end:avg_as_conv]
