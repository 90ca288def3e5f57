"""The seed article's model, as it printed it, and the smallest corrected version of it.

`ArticleUNet` is the article's `UNet`, renamed so that it can stand beside the others; only its
`super()` call is modernised. `MinimalUNet` keeps its one level and fixes three things: a skip
connection, work at the coarse level, and logits out of the last layer.
"""

from __future__ import annotations

from functools import partial

import torch
from torch import nn


class ArticleUNet(nn.Module):  # the article's UNet
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # Downsampling
        )

        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(64, 64, kernel_size=2, stride=2),
            nn.ReLU(),
            nn.Conv2d(64, 1, kernel_size=3, padding=1),
            nn.ReLU(),
        )

    def forward(self, x):
        x = self.encoder(x)
        x = self.decoder(x)
        return x


class MinimalUNet(nn.Module):  # corrected; still one level
    def __init__(self, w=64):
        super().__init__()
        conv = partial(nn.Conv2d, kernel_size=3, padding=1)
        self.encoder = nn.Sequential(conv(1, w), nn.ReLU(), conv(w, w), nn.ReLU())
        self.bottom = nn.Sequential(nn.MaxPool2d(2), conv(w, 2 * w), nn.ReLU())
        self.up = nn.ConvTranspose2d(2 * w, w, kernel_size=2, stride=2)
        self.decoder = nn.Sequential(conv(2 * w, w), nn.ReLU(), nn.Conv2d(w, 1, 1))

    def forward(self, x):
        skip = self.encoder(x)  # full resolution, kept
        x = self.up(self.bottom(skip))  # work at half resolution, then back up
        x = torch.cat([skip, x], dim=1)  # the skip connection
        return self.decoder(x)  # logits: nothing after the last convolution
