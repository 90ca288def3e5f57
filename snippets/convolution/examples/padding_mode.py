"""docs/convolution/padding_mode.md: what the border holds in each padding
mode, for F.pad and for nn.Conv2d."""

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:f_pad]
row = torch.arange(1.0, 5.0).reshape(1, 1, 1, 4)  # (N, C, H, W): 1 2 3 4
for mode in ["constant", "reflect", "replicate", "circular"]:
    padded = F.pad(row, (2, 2, 0, 0), mode=mode)  # 2 left, 2 right
    print(f"{mode:9}", padded[0, 0, 0].int().tolist())
# --8<-- [end:f_pad]

# --8<-- [start:modes]
torch.manual_seed(0)
x = torch.rand(1, 1, 8, 8)
w = torch.randn(1, 1, 3, 3)  # one set of weights for every mode
zeros = F.conv2d(x, w, padding=1)  # what padding_mode='zeros' gives
for mode in ["zeros", "reflect", "replicate", "circular"]:
    conv = nn.Conv2d(1, 1, 3, padding=1, padding_mode=mode, bias=False)
    with torch.no_grad():
        conv.weight.copy_(w)
        y = conv(x)
    inside = torch.allclose(y[..., 1:-1, 1:-1], zeros[..., 1:-1, 1:-1])
    everywhere = torch.allclose(y, zeros)
    print(f"{mode:9} {tuple(y.shape)}, as zeros inside: {inside},", end=" ")
    print(f"everywhere: {everywhere}")
# --8<-- [end:modes]

# --8<-- [start:conv_is_pad]
# F.pad calls the zeros mode 'constant'; the other names are the same.
for mode in ["reflect", "replicate", "circular"]:
    conv = nn.Conv2d(1, 1, 3, padding=1, padding_mode=mode, bias=False)
    with torch.no_grad():
        conv.weight.copy_(w)
        y = conv(x)
    by_hand = F.conv2d(F.pad(x, (1, 1, 1, 1), mode=mode), w)  # no padding
    same = torch.allclose(y, by_hand)
    print(f"{mode:9} Conv2d == F.pad, then F.conv2d:", same)
# --8<-- [end:conv_is_pad]
