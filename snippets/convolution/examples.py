"""The Convolution page's examples, in page order (docs/convolution.md).

Between these blocks the page shows the library code itself (correlation,
checks, receptive, scratch, kernels, image); the imports just below only
satisfy ruff, and are not shown.
"""

from snippets.convolution.checks import conv_output_size
from snippets.convolution.correlation import (
    cross_correlation,
    true_convolution,
)
from snippets.convolution.image import grace_hopper
from snippets.convolution.kernels import CLASSIC_KERNELS
from snippets.convolution.receptive import window
from snippets.convolution.scratch import conv2d_loops, conv2d_unfold

# --8<-- [start:imports]
import textwrap
from dataclasses import dataclass

import matplotlib.cbook
import matplotlib.image
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
# --8<-- [end:imports]

# --8<-- [start:article_example]
torch.manual_seed(0)
conv_layer = nn.Conv2d(
    in_channels=1, out_channels=16, kernel_size=3, stride=1, padding=1
)
input_image = torch.randn(1, 1, 28, 28)  # (N, C_in, H_in, W_in)
output_feature_map = conv_layer(input_image)  # (N, C_out, H_out, W_out)
print("output:", tuple(output_feature_map.shape))
print("weight:", tuple(conv_layer.weight.shape))
print("bias:  ", tuple(conv_layer.bias.shape))
print("parameters:", sum(p.numel() for p in conv_layer.parameters()))
# --8<-- [end:article_example]

# --8<-- [start:correlation_vs_convolution]
X = torch.arange(16.0).reshape(4, 4)
K = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
# F.conv2d wants (N, C, H, W) tensors: add the N and C dimensions, then drop
torch_out = F.conv2d(X[None, None], K[None, None])[0, 0]
flip = K.flip(0, 1)  # K rotated by 180°
flipped_out = F.conv2d(X[None, None], flip[None, None])[0, 0]
Y_corr, Y_conv = cross_correlation(X, K), true_convolution(X, K)

print("F.conv2d:         ", torch_out.int().tolist())
print("true convolution: ", Y_conv.int().tolist())
print("F.conv2d == article's formula:", torch.equal(torch_out, Y_corr))
print("F.conv2d == true convolution: ", torch.equal(torch_out, Y_conv))
print("flipped K == true convolution:", torch.equal(flipped_out, Y_conv))
# --8<-- [end:correlation_vs_convolution]

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
print("bias:  ", tuple(conv.bias.shape), "= (C_out,)")
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

# --8<-- [start:output_size_use]
print(
    conv_output_size(28, kernel_size=3, stride=1, padding=1)
)  # article's layer
print(conv_output_size(28, kernel_size=3, stride=2, padding=1))
print(conv_output_size(8, kernel_size=3, stride=2))  # ⌊(8 − 3)/2 + 1⌋ = ⌊3.5⌋
# --8<-- [end:output_size_use]

# --8<-- [start:padding_strings]
x = torch.randn(1, 1, 28, 28)
for padding in ["valid", "same"]:
    layer = nn.Conv2d(1, 1, kernel_size=5, dilation=2, padding=padding)
    print(f"padding={padding!r}: {tuple(layer(x).shape)}")
# --8<-- [end:padding_strings]

# --8<-- [start:window_use]
# Output (0, 0) with padding 1: the taps of its first row and column
# fall in the padding (index −1).
taps = window(
    0, 0, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), dilation=(1, 1)
)
print([(row, col) for m, n, row, col in taps])
# Output (1, 1) with stride 2 and dilation 2: the window starts two
# cells further on, and reads every other cell.
taps = window(
    1, 1, kernel_size=(3, 3), stride=(2, 2), padding=(0, 0), dilation=(2, 2)
)
print([(row, col) for m, n, row, col in taps])
# --8<-- [end:window_use]

# --8<-- [start:unfold_columns]
x = torch.arange(16.0).reshape(1, 1, 4, 4)
columns = F.unfold(x, kernel_size=2)  # (N, C_in·kH·kW, H_out·W_out)
print(tuple(columns.shape))
# The 9 windows, laid out like the 3×3 output positions they produce:
for windows in columns[0].T.int().reshape(3, 3, 4).tolist():
    print(*windows)
# --8<-- [end:unfold_columns]

# --8<-- [start:scratch_check]
torch.manual_seed(0)
x = torch.randn(2, 6, 9, 8)  # (N, C_in, H_in, W_in)
w = torch.randn(4, 3, 3, 2)  # (C_out, C_in/groups, kH, kW), groups=2
b = torch.randn(4)
settings = dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)
expected = F.conv2d(x, w, b, **settings)
for conv2d in (conv2d_loops, conv2d_unfold):
    got = conv2d(x, w, b, **settings)
    same = torch.allclose(got, expected, atol=1e-5)
    print(f"{conv2d.__name__}: {tuple(got.shape)}, equals F.conv2d: {same}")
# --8<-- [end:scratch_check]

# --8<-- [start:image_use]
photo = grace_hopper()
print("photo:", tuple(photo.shape))
path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
comment = Image.open(path).info["comment"].decode()  # the JPEG's comment
print(comment)
# --8<-- [end:image_use]

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
totals = conv_layer.weight.sum(dim=(1, 2, 3))  # each filter's 9 weights
for k in (15, 3, 0, 9, 12):
    print(f"map {k:2}: weights add up to {totals[k].item():+.2f}")
# --8<-- [end:random_maps]

# --8<-- [start:bad_input]
x, w = torch.randn(1, 4, 5, 5), torch.randn(4, 4, 3, 3)
bad_calls = {
    "kernel larger than the input": dict(input=x[..., :2, :2], weight=w),
    "groups=3, 4 channels": dict(
        input=x, weight=torch.randn(3, 1, 3, 3), groups=3
    ),
    "stride=0": dict(input=x, weight=w, stride=0),
    "padding=-1": dict(input=x, weight=w, padding=-1),
    "dilation=0": dict(input=x, weight=w, dilation=0),
    "weight for 3 channels": dict(input=x, weight=torch.randn(4, 3, 3, 3)),
    "2-D input": dict(input=x[0, 0], weight=w),
}
for case, arguments in bad_calls.items():
    try:
        F.conv2d(**arguments)
        torch_refuses = False
    except RuntimeError:
        torch_refuses = True
    try:
        conv2d_unfold(**arguments)
        ours = "accepted!"
    except ValueError as error:
        ours = str(error)
    print(f"{case} (torch refuses: {torch_refuses})")
    print(textwrap.fill(ours, 79, initial_indent="  ", subsequent_indent="  "))
# --8<-- [end:bad_input]

# Imported by the page's first block, for the library code shown later.
__all__ = ["F", "Image", "dataclass", "matplotlib", "nn", "torch"]
