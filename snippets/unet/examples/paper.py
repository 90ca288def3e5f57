"""The U-Net chapter, page "This U-Net and the paper's": the initialisation, measured."""

# --8<-- [start:imports]
import math

import torch
import torch.nn as nn

# --8<-- [end:imports]


# --8<-- [start:init]
torch.manual_seed(0)
conv = nn.Conv2d(64, 64, kernel_size=3)  # N = 3 * 3 * 64 = 576 inputs per output
n = conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1]
default = conv.weight.std().item()
nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")  # He et al. (2015)
kaiming = conv.weight.std().item()
print(f"PyTorch's default: std {default:.4f}; 1/sqrt(3N) = {1 / math.sqrt(3 * n):.4f}")
print(f"kaiming_normal_:   std {kaiming:.4f}; sqrt(2/N)  = {math.sqrt(2 / n):.4f}")
close = abs(kaiming / math.sqrt(2 / n) - 1) < 0.02
print("kaiming_normal_ is the paper's sqrt(2/N):", close)
# --8<-- [end:init]


# --8<-- [start:batchnorm]
torch.manual_seed(0)
block = nn.Sequential(nn.Conv2d(64, 64, 3, bias=False), nn.BatchNorm2d(64))  # train mode
x = torch.randn(8, 64, 16, 16)
before = block(x)
with torch.no_grad():
    block[0].weight *= math.sqrt(6)  # the paper's scale instead of PyTorch's
print("the same output:", torch.allclose(block(x), before, atol=1e-4))
# --8<-- [end:batchnorm]
