"""A real photograph that ships inside matplotlib: nothing is downloaded.

`grace_hopper.jpg` lies in matplotlib's package data (mpl-data/sample_data),
so every install of matplotlib has it. Its JPEG comment names its source,
Wikimedia Commons' File:Grace_Hopper.jpg: an official U.S. Navy photograph
of Grace Hopper, a work of the U.S. federal government and so in the public
domain (matplotlib chose it for that reason, in matplotlib PR #1599).
"""

from __future__ import annotations

import matplotlib.cbook
import matplotlib.image
import torch
import torch.nn.functional as F


def grace_hopper(shrink: int = 4) -> torch.Tensor:
    """matplotlib's sample photo in grey, values in [0, 1].

    Shape (1, 1, 600 / shrink, 512 / shrink): a batch of one 1-channel image.
    """
    path = matplotlib.cbook.get_sample_data(
        "grace_hopper.jpg", asfileobj=False
    )  # a path to the local file
    rgb = torch.from_numpy(matplotlib.image.imread(path).copy())
    rgb = rgb.float() / 255  # (600, 512, 3)
    grey = rgb @ torch.tensor([0.299, 0.587, 0.114])  # ITU-R BT.601 luma
    # average shrink × shrink blocks: a smaller photo
    return F.avg_pool2d(grey[None, None], shrink)


def grace_hopper_square(size: int) -> torch.Tensor:
    """The grey photo's middle columns (the face), as (1, 1, size, size)."""
    grey = grace_hopper(shrink=1)[..., 60:-60]  # 600 × 392 -> the face
    return F.interpolate(grey, size=(size, size), mode="area")
