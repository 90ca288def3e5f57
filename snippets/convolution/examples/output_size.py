"""docs/convolution/output_size.md: the output-size formula, 'same' and
'valid', and TensorFlow's strided 'same' ported to torch."""

from snippets.convolution.checks import conv_output_size
from snippets.convolution.same import (
    conv2d_tf_same,
    same_padding,
    tf_same_padding,
)

# --8<-- [start:imports]
import itertools
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:output_size_use]
print(conv_output_size(28, kernel_size=3, padding=1))  # the article's layer
print(conv_output_size(28, kernel_size=3, stride=2, padding=1))
print(conv_output_size(8, kernel_size=3, stride=2))  # ⌊(8 − 3)/2⌋ + 1
# --8<-- [end:output_size_use]

# --8<-- [start:padding_strings]
x = torch.randn(1, 1, 28, 28)
for padding in ["valid", "same"]:
    layer = nn.Conv2d(1, 1, kernel_size=5, dilation=2, padding=padding)
    print(f"padding={padding!r}: {tuple(layer(x).shape)}")
# --8<-- [end:padding_strings]

# --8<-- [start:same_split]
torch.manual_seed(0)
x = torch.randn(1, 1, 8, 8)
for k, d in [(3, 1), (2, 1), (2, 2), (4, 3)]:
    w = torch.randn(1, 1, k, k)
    before, after = same_padding(k, d)
    # F.pad takes the last axis first: left, right, then top, bottom
    padded = F.pad(x, (before, after, before, after))
    by_hand = F.conv2d(padded, w, dilation=d)
    same = F.conv2d(x, w, padding="same", dilation=d)
    equal = torch.allclose(same, by_hand)
    print(f"k={k}, d={d}: {before} before, {after} after, equal: {equal}")
# --8<-- [end:same_split]

# --8<-- [start:tf_same_use]
try:
    nn.Conv2d(3, 8, kernel_size=3, stride=2, padding="same")
except ValueError as error:
    print("torch refuses strided 'same':", type(error).__name__)
torch.manual_seed(0)
x, w = torch.randn(1, 3, 15, 16), torch.randn(8, 3, 3, 3)
y = conv2d_tf_same(x, w, stride=2)
print("output:", tuple(y.shape))  # (N, C_out, ⌈15/2⌉, ⌈16/2⌉)
print("zeros:", tf_same_padding(15, 3, 2), tf_same_padding(16, 3, 2))
# with stride 1 it is torch's own 'same'
same = torch.allclose(conv2d_tf_same(x, w), F.conv2d(x, w, padding="same"))
print("stride 1 equals torch's 'same':", same)
# --8<-- [end:tf_same_use]

# --8<-- [start:tf_same_grid]
checks = []
for n, k, s in itertools.product(range(1, 17), range(1, 5), range(1, 4)):
    x, w = torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k)
    y = conv2d_tf_same(x, w, stride=s)
    checks.append(y.shape[-2:] == (math.ceil(n / s), math.ceil(n / s)))
print(f"{len(checks)} cases, all ⌈H_in / stride⌉:", all(checks))
# --8<-- [end:tf_same_grid]
