"""Upsampling with ConvTranspose2d: the page's blocks, in page order."""

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:x2]
torch.manual_seed(0)
features = torch.randn(1, 16, 14, 14)  # (N, C, H, W)
up = nn.ConvTranspose2d(16, 16, kernel_size=4, stride=2, padding=1)
print("kernel_size=4, stride=2, padding=1:", tuple(up(features).shape))
up = nn.ConvTranspose2d(16, 16, kernel_size=2, stride=2)
print("kernel_size=2, stride=2:           ", tuple(up(features).shape))
# --8<-- [end:x2]

# --8<-- [start:stamps]
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
kernel = torch.tensor([[1.0, 2.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
out = F.conv_transpose2d(x.view(1, 1, 2, 2), kernel.view(1, 1, 3, 3), stride=2)
print(out[0, 0].int())

# The same, by hand: pixel (i, j) adds x[i, j] · kernel at (2i, 2j).
stamps = torch.zeros(5, 5)
for i in range(2):
    for j in range(2):
        stamps[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] += x[i, j] * kernel
print("the sum of the four stamps:", torch.equal(stamps, out[0, 0]))
# --8<-- [end:stamps]

# --8<-- [start:article]
# The article's two layers: stride 1 and padding 1 in both.
torch.manual_seed(0)
conv_layer = nn.Conv2d(1, 16, kernel_size=3, stride=1, padding=1)
deconv_layer = nn.ConvTranspose2d(16, 1, kernel_size=3, stride=1, padding=1)
output_feature_map = conv_layer(torch.randn(1, 1, 28, 28))
upsampled_image = deconv_layer(output_feature_map)
print("in: ", tuple(output_feature_map.shape))
print("out:", tuple(upsampled_image.shape))
# --8<-- [end:article]
