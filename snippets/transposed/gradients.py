"""Artifacts in gradients: the backward pass of a strided convolution is a
transposed convolution, so the gradient it sends back can repeat with the
stride (Odena et al. 2016)."""

from __future__ import annotations

import torch.nn as nn


def critic(stride: int) -> nn.Sequential:
    """A small random critic, like a GAN discriminator's first layers.

    (N, 1, H, W) -> (N, 1, h, w). With stride 2, its two strided Conv2d
    (kernel 4, padding 1) halve the size twice, so the gradient it sends
    back may repeat every 2·2 = 4 pixels. With stride 1, the same layers
    have kernel 3 and padding 1, and keep the size.
    """
    k = 4 if stride == 2 else 3
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=k, stride=stride, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(16, 32, kernel_size=k, stride=stride, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(32, 1, kernel_size=3, padding=1),
    )
