"""docs/convolution/receptive_field.md: the receptive-field recurrence, a
gradient probe that measures it, and the effective receptive field."""

from snippets.convolution.receptive import (
    input_gradient,
    probe_receptive_field,
    receptive_field,
)

# --8<-- [start:imports]
import math

import torch
import torch.nn as nn
# --8<-- [end:imports]

# --8<-- [start:recurrence_use]
# (kernel_size, stride, dilation) of each layer, input first
print(receptive_field([(3, 1, 1), (3, 1, 1)]))  # two 3×3 layers
print(receptive_field([(3, 2, 1), (3, 1, 1)]))  # the first with stride 2
print(receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)]))  # dilations 1, 2, 4
# --8<-- [end:recurrence_use]

# --8<-- [start:probe_use]
stacks = {
    "two 3×3": [(3, 1, 1), (3, 1, 1)],
    "3×3 stride 2, 3×3": [(3, 2, 1), (3, 1, 1)],
    "3×3, dilations 1, 2, 4": [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
    "7×7 stride 2, 3×3 stride 2": [(7, 2, 1), (3, 2, 1)],
}
for name, layers in stacks.items():
    torch.manual_seed(0)
    model = nn.Sequential(
        *[nn.Conv2d(1, 1, k, stride=s, dilation=d) for k, s, d in layers]
    )
    r, _ = receptive_field(layers)  # the jump is not needed here
    measured = probe_receptive_field(model, size=48)
    print(f"{name:26} recurrence {r:2}, gradient {measured:2}")
# --8<-- [end:probe_use]

# --8<-- [start:two_small]
torch.manual_seed(0)
c = 64  # channels in and out
two_3x3 = nn.Sequential(nn.Conv2d(c, c, 3), nn.ReLU(), nn.Conv2d(c, c, 3))
one_5x5 = nn.Conv2d(c, c, 5)
for name, model in [("two 3×3", two_3x3), ("one 5×5", one_5x5)]:
    weights = sum(p.numel() for p in model.parameters() if p.dim() == 4)
    seen = probe_receptive_field(model, size=16, in_channels=c)
    per_pair = weights // (c * c)  # per pair of input and output channels
    print(
        f"{name}: sees {seen}×{seen}, {weights:,} weights, {per_pair} per pair"
    )
# --8<-- [end:two_small]

# --8<-- [start:effective]
n = 10  # ten 3×3 layers: a receptive field of 21×21
model = nn.Sequential(*[nn.Conv2d(1, 1, 3, bias=False) for _ in range(n)])
with torch.no_grad():
    for layer in model:
        layer.weight.fill_(1.0)  # every input cell counts the same per layer
grad = input_gradient(model, size=2 * n + 1)  # exactly the receptive field
share = grad / grad.sum()
print("receptive field:", tuple(share.shape))
print(f"the middle 11×11 holds {share[5:16, 5:16].sum():.0%} of the gradient")
columns = share.sum(dim=0)  # the gradient along one axis
x = torch.arange(2 * n + 1.0)
spread = ((x - n) ** 2 * columns).sum().sqrt()
print(f"its spread: {spread:.2f} cells; √(2n/3) = {math.sqrt(2 * n / 3):.2f}")
# --8<-- [end:effective]
