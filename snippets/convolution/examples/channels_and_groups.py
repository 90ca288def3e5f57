"""docs/convolution/channels_and_groups.md: many input channels, groups,
1×1 convolutions and depthwise-separable convolutions."""

from snippets.convolution.channels import conv2d_macs, conv2d_parameters

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode
# --8<-- [end:imports]

# --8<-- [start:channel_sum]
torch.manual_seed(0)
conv = nn.Conv2d(in_channels=3, out_channels=8, kernel_size=3)
x = torch.randn(1, 3, 10, 10)  # three input channels, like R, G and B
y = conv(x)
print("weight:", tuple(conv.weight.shape), "= (C_out, C_in, kH, kW)")
# Output channel 5: each input channel k through its own 3×3 slice of
# filter 5, one single-channel cross-correlation each, then summed.
c = 5
per_channel = [
    F.conv2d(x[:, k : k + 1], conv.weight[c : c + 1, k : k + 1])
    for k in range(3)
]
by_sum = sum(per_channel) + conv.bias[c]
same = torch.allclose(by_sum, y[:, c : c + 1], atol=1e-6)
print("sum over channels == nn.Conv2d:", same)
# --8<-- [end:channel_sum]

# --8<-- [start:general_form]
torch.manual_seed(0)
conv = nn.Conv2d(
    in_channels=6,
    out_channels=4,
    kernel_size=(3, 5),
    stride=2,
    padding=1,
    groups=2,
)
x = torch.randn(1, 6, 10, 10)
y = conv(x)
print("weight:", tuple(conv.weight.shape), "= (C_out, C_in/groups, kH, kW)")
print("output:", tuple(y.shape))

# One output value by the formula. Output channel 3 is in group 1
# (channels 2 and 3), so it reads input channels 3, 4 and 5.
c, i, j = 3, 1, 2
x_pad = F.pad(x, (1, 1, 1, 1))  # padding=1 on every side
# rows i·stride + m for m < kH, columns j·stride + n for n < kW
patch = x_pad[0, 3:6, i * 2 : i * 2 + 3, j * 2 : j * 2 + 5]
by_hand = conv.bias[c] + (conv.weight[c] * patch).sum()
print(f"by the formula: {by_hand.item():.4f}")
print(f"nn.Conv2d:      {y[0, c, i, j].item():.4f}")
# --8<-- [end:general_form]

# --8<-- [start:one_by_one]
torch.manual_seed(0)
conv = nn.Conv2d(16, 4, kernel_size=1)  # 16 channels in, 4 out, per pixel
x = torch.randn(2, 16, 5, 7)
linear = nn.Linear(16, 4)
with torch.no_grad():
    linear.weight.copy_(conv.weight[:, :, 0, 0])  # (4, 16)
    linear.bias.copy_(conv.bias)
    y = conv(x)
    # channels last: each pixel's 16 channels are one row for the Linear
    by_linear = linear(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
    W, b = conv.weight[:, :, 0, 0], conv.bias
    by_einsum = torch.einsum("oc,nchw->nohw", W, x) + b[:, None, None]
print("1×1 conv == Linear:", torch.allclose(y, by_linear, atol=1e-6))
print("1×1 conv == einsum:", torch.allclose(y, by_einsum, atol=1e-6))
# --8<-- [end:one_by_one]

# --8<-- [start:separable]
torch.manual_seed(0)
c_in, c_out, k = 32, 64, 3
full = nn.Conv2d(c_in, c_out, k, padding=1)
separable = nn.Sequential(
    nn.Conv2d(c_in, c_in, k, padding=1, groups=c_in),  # depthwise
    nn.Conv2d(c_in, c_out, kernel_size=1),  # pointwise
)
x = torch.randn(1, c_in, 28, 28)
print("full:     ", tuple(full(x).shape))
print("separable:", tuple(separable(x).shape))
# --8<-- [end:separable]

# --8<-- [start:separable_costs]
hw = (28, 28)  # the output size, with padding=1
by_formula = {
    "full": (
        conv2d_parameters(c_in, c_out, k),
        conv2d_macs(c_in, c_out, k, hw),
    ),
    "separable": (
        conv2d_parameters(c_in, c_in, k, groups=c_in)
        + conv2d_parameters(c_in, c_out, kernel_size=1),
        conv2d_macs(c_in, c_in, k, hw, groups=c_in)
        + conv2d_macs(c_in, c_out, kernel_size=1, output_size=hw),
    ),
}
for name, model in [("full", full), ("separable", separable)]:
    with FlopCounterMode(display=False) as counter:
        model(x)
    params = sum(p.numel() for p in model.parameters())
    macs = counter.get_total_flops() // 2  # torch counts a MAC as 2 FLOPs
    same = (params, macs) == by_formula[name]
    print(f"{name:9} {params:6,} parameters {macs:11,} MACs, formulas: {same}")
ratio = by_formula["separable"][1] / by_formula["full"][1]
print(f"MACs ratio {ratio:.4f} = 1/C_out + 1/k² = {1 / c_out + 1 / k**2:.4f}")
# --8<-- [end:separable_costs]
