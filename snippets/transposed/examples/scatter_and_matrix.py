"""Views 1 and 2: scatter, and the matrix transpose."""

from snippets.convolution.checks import conv_output_size, pair
from snippets.transposed.checks import ConvTranspose2dArgs, check_args
from snippets.transposed.shapes import conv_transpose_output_size
from snippets.transposed.views import (
    conv_matrix,
    conv_transpose2d_matrix,
    conv_transpose2d_scatter,
    scatter,
    unrolled_conv_matrix,
)

# --8<-- [start:imports]
import itertools
from dataclasses import dataclass

import torch
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:scatter_demo]
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
kernel = torch.tensor([[1.0, 2.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
out = scatter(x, kernel, stride=2)
print(out.int())
by_torch = F.conv_transpose2d(x[None, None], kernel[None, None], stride=2)
print("equal:", torch.equal(out, by_torch[0, 0]))
# --8<-- [end:scatter_demo]

# --8<-- [start:dilation_demo]
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
kernel = torch.tensor([[1.0, 10.0], [100.0, 1000.0]])
out = scatter(x, kernel, stride=1, dilation=2)
print(out.int())
by_torch = F.conv_transpose2d(x[None, None], kernel[None, None], dilation=2)
print("equal:", torch.equal(out, by_torch[0, 0]))
# --8<-- [end:dilation_demo]

# --8<-- [start:matrix_demo]
kernel = torch.arange(1.0, 10.0).view(3, 3)  # weights 1..9, easy to spot
C = unrolled_conv_matrix(kernel, input_size=(4, 4))  # conv2d: 4 × 4 -> 2 × 2
print("C:", tuple(C.shape), "  C.T:", tuple(C.T.shape))
print(C.int())

torch.manual_seed(0)
x = torch.randn(4, 4)
conv_x = F.conv2d(x[None, None], kernel[None, None])
same = torch.allclose(C @ x.flatten(), conv_x.flatten())
print("C @ x   == conv2d(x):          ", same)
y = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
up = F.conv_transpose2d(y[None, None], kernel[None, None])
same = torch.equal(C.T @ y.flatten(), up.flatten())
print("C.T @ y == conv_transpose2d(y):", same)
# --8<-- [end:matrix_demo]

# --8<-- [start:full_check]
torch.manual_seed(0)
x = torch.randn(2, 4, 5, 6)
w = torch.randn(4, 3, 3, 2)  # in_channels 4, out_channels/groups 3, 3 × 2
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
for view in (conv_transpose2d_scatter, conv_transpose2d_matrix):
    same = torch.allclose(view(x, w, b, **kwargs), reference, atol=1e-5)
    print(f"{view.__name__:24}", same)
# --8<-- [end:full_check]
