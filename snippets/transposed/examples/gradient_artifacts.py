"""Artifacts in gradients: the page's blocks, in page order."""

from snippets.transposed.checkerboard import periodic_share
from snippets.transposed.gradients import critic

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:one_layer]
torch.manual_seed(0)
down = nn.Conv2d(1, 1, kernel_size=4, stride=2, padding=1, bias=False)
x = torch.randn(1, 1, 16, 16, requires_grad=True)
down(x).sum().backward()  # dL/dy = 1 everywhere: no pattern comes in
ones = torch.ones(1, 1, 8, 8)
by_conv_t = F.conv_transpose2d(ones, down.weight, stride=2, padding=1)
same = torch.allclose(x.grad, by_conv_t)
print("x.grad == conv_transpose2d(dL/dy, w):", same)
print(x.grad[0, 0, 4:8, 4:8])  # away from the border: it repeats every 2
# --8<-- [end:one_layer]

# --8<-- [start:critics]
torch.manual_seed(0)
image = torch.rand(1, 1, 64, 64)
for stride in (1, 2):
    x = image.clone().requires_grad_()
    critic(stride)(x).mean().backward()
    grad = x.grad[0, 0, 4:-4, 4:-4]  # away from the border
    share = periodic_share(grad, period=4)
    print(f"stride-{stride} critic: periodic share {share:.3f}")
# --8<-- [end:critics]
