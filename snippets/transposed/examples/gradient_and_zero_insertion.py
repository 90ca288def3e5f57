"""Views 3 and 4: the gradient of conv2d, and zero insertion."""

from snippets.convolution.checks import pair
from snippets.transposed.checks import ConvTranspose2dArgs, check_args
from snippets.transposed.shapes import conv_transpose_output_size
from snippets.transposed.views import (
    conv_transpose2d_grad,
    conv_transpose2d_zero_insert,
    zero_insert,
)

# --8<-- [start:imports]
from dataclasses import dataclass

import torch
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:grad_idea]
torch.manual_seed(0)
w = torch.randn(3, 2, 3, 3)  # Conv2d(2 -> 3), ConvTranspose2d(3 -> 2)
y = torch.randn(1, 3, 4, 4)  # an upstream gradient, shaped like conv2d(x)
x = torch.zeros(1, 2, 8, 8, requires_grad=True)
F.conv2d(x, w, stride=2, padding=1).backward(y)
conv_t_y = F.conv_transpose2d(y, w, stride=2, padding=1, output_padding=1)
same = torch.allclose(x.grad, conv_t_y, atol=1e-5)
print("x.grad == conv_transpose2d(y, w):", same)
# --8<-- [end:grad_idea]

# --8<-- [start:zero_insert_demo]
x = torch.arange(1.0, 10.0).view(3, 3)
kernel = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
out = zero_insert(x, kernel, stride=2)
print(out.int())
by_torch = F.conv_transpose2d(x[None, None], kernel[None, None], stride=2)
print("equal:", torch.equal(out, by_torch[0, 0]))
# --8<-- [end:zero_insert_demo]

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
for view in (conv_transpose2d_grad, conv_transpose2d_zero_insert):
    same = torch.allclose(view(x, w, b, **kwargs), reference, atol=1e-5)
    print(f"{view.__name__:29}", same)
# --8<-- [end:full_check]
