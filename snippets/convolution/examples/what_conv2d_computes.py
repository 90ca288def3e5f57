"""docs/convolution/what_conv2d_computes.md: the article's layer, one output
by hand, and cross-correlation versus convolution."""

from snippets.convolution.correlation import (
    cross_correlation,
    true_convolution,
)

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
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

# --8<-- [start:by_hand]
x_pad = F.pad(input_image, (1, 1, 1, 1))  # padding=1: a zero on each side
c, i, j = 5, 10, 20  # output channel 5, row 10, column 20
patch = x_pad[0, 0, i : i + 3, j : j + 3]  # the 3×3 window of (i, j)
by_hand = (conv_layer.weight[c, 0] * patch).sum() + conv_layer.bias[c]
print(f"by hand:   {by_hand.item():.4f}")
print(f"nn.Conv2d: {output_feature_map[0, c, i, j].item():.4f}")
print("equal:", torch.allclose(by_hand, output_feature_map[0, c, i, j]))
# --8<-- [end:by_hand]

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
