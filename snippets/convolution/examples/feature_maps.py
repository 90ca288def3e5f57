"""docs/convolution/feature_maps.md: a real photo through classic kernels and
through the article's 16 random filters, and a kernel learned from data."""

from snippets.convolution.image import grace_hopper
from snippets.convolution.kernels import CLASSIC_KERNELS

# --8<-- [start:imports]
import matplotlib.cbook
import matplotlib.image
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:photo]
photo = grace_hopper()
print("photo:", tuple(photo.shape))
# --8<-- [end:photo]

# --8<-- [start:classic_maps]
bank = torch.stack(list(CLASSIC_KERNELS.values()))  # (4, 3, 3)
bank = bank.unsqueeze(1)  # (C_out, C_in, kH, kW) = (4, 1, 3, 3)
maps = F.conv2d(photo, bank, padding=1)  # (1, 4, H, W): a map per kernel
for name, fmap in zip(CLASSIC_KERNELS, maps[0], strict=True):
    low, high = fmap.min().item(), fmap.max().item()
    print(f"{name:9} from {low:5.2f} to {high:5.2f}")
# --8<-- [end:classic_maps]

# --8<-- [start:random_maps]
torch.manual_seed(0)
conv_layer = nn.Conv2d(1, 16, 3, 1, 1)  # the article's layer, untrained
with torch.no_grad():
    feature_maps = conv_layer(photo)
print("16 feature maps:", tuple(feature_maps.shape))
# --8<-- [end:random_maps]

# --8<-- [start:dc_gain]
totals = conv_layer.weight.sum(dim=(1, 2, 3))  # each filter's 9 weights
flat = torch.full((1, 1, 5, 5), 0.5)  # a flat grey patch
with torch.no_grad():
    response = conv_layer(flat)[0, :, 2, 2] - conv_layer.bias
print("flat 0.5 in, 0.5 · sum out:", torch.allclose(response, 0.5 * totals))
for k in (15, 3, 0, 9, 12):
    both = torch.stack([feature_maps[0, k].flatten(), photo.flatten()])
    r = torch.corrcoef(both)[0, 1]  # +1: the photo; −1: its negative
    print(f"map {k:2}: sum {totals[k].item():+.2f}, like the photo {r:+.2f}")
# --8<-- [end:dc_gain]

# --8<-- [start:learn_kernel]
torch.manual_seed(0)
sobel_x = CLASSIC_KERNELS["Sobel x"].reshape(1, 1, 3, 3)
x = torch.randn(1, 1, 32, 32)  # noise: it holds every pattern
y = F.conv2d(x, sobel_x)  # the map we want a layer to reproduce
conv = nn.Conv2d(1, 1, kernel_size=3, bias=False)  # random weights
for step in range(1, 21):
    loss = ((conv(x) - y) ** 2).mean()
    conv.zero_grad()
    loss.backward()
    with torch.no_grad():
        conv.weight -= 0.2 * conv.weight.grad  # one step of gradient descent
    if step in (1, 5, 10, 20):
        print(f"step {step:2}: loss {loss.item():.1e}")
learned = conv.weight.detach()[0, 0]
print(learned.round(decimals=2) + 0.0)  # + 0.0 prints -0.0 as 0.0
print("learned Sobel x:", torch.allclose(learned, sobel_x[0, 0], atol=1e-3))
# --8<-- [end:learn_kernel]
