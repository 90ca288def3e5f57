"""The Convolution page's examples, in page order."""

# --8<-- [start:article_example]
import torch
import torch.nn as nn

conv_layer = nn.Conv2d(in_channels=1, out_channels=16, kernel_size=3, stride=1, padding=1)
input_image = torch.randn(1, 1, 28, 28)
output_feature_map = conv_layer(input_image)
print(output_feature_map.shape)
# --8<-- [end:article_example]

# --8<-- [start:params]
print(sum(p.numel() for p in conv_layer.parameters()))
# --8<-- [end:params]
