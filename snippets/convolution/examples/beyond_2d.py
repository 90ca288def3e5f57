"""docs/convolution/beyond_2d.md: Conv1d and Conv3d, the same arithmetic on
each axis."""

from snippets.convolution.checks import conv_output_size

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:conv1d]
torch.manual_seed(0)
conv = nn.Conv1d(
    in_channels=2, out_channels=4, kernel_size=5, stride=2, padding=2
)
x = torch.randn(8, 2, 100)  # (N, C_in, L_in): 8 signals of 100 steps
y = conv(x)
print("weight:", tuple(conv.weight.shape), "= (C_out, C_in/groups, k)")
print("output:", tuple(y.shape), "= (N, C_out, L_out)")
l_out = conv_output_size(100, kernel_size=5, stride=2, padding=2)
print("L_out by the formula:", l_out, l_out == y.shape[-1])
# --8<-- [end:conv1d]

# --8<-- [start:conv1d_as_2d]
# the same weights as a Conv2d of height 1, on images of height 1
as_2d = F.conv2d(
    x[:, :, None, :],  # (N, C_in, 1, L_in)
    conv.weight[:, :, None, :],  # (C_out, C_in, 1, k)
    conv.bias,
    stride=(1, 2),
    padding=(0, 2),
)
same = torch.allclose(as_2d[:, :, 0], y, atol=1e-6)
print("Conv1d == Conv2d of height 1:", same)
# --8<-- [end:conv1d_as_2d]

# --8<-- [start:conv3d]
torch.manual_seed(0)
kernel_size, stride, padding = (3, 5, 5), (1, 2, 2), (1, 2, 2)
conv = nn.Conv3d(3, 8, kernel_size, stride=stride, padding=padding)
x = torch.randn(1, 3, 8, 32, 32)  # (N, C_in, D, H, W): 8 frames of RGB
y = conv(x)
print("weight:", tuple(conv.weight.shape), "= (C_out, C_in, kD, kH, kW)")
print("output:", tuple(y.shape), "= (N, C_out, D_out, H_out, W_out)")
# the formula on each axis, with that axis's own settings
axes = zip(x.shape[2:], kernel_size, stride, padding, strict=True)
by_axis = [conv_output_size(n, k, s, p) for n, k, s, p in axes]
print("by the formula:", by_axis, by_axis == list(y.shape[2:]))
# --8<-- [end:conv3d]
