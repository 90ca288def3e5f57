"""The worked examples of Dumoulin & Visin, "A guide to convolution arithmetic for deep learning"
(2016, https://arxiv.org/abs/1603.07285), one per numbered relationship.

The sizes are those the paper's text and figure captions give. In PyTorch terms a
transposed example is `nn.ConvTranspose2d(k, stride=s, padding=p, output_padding=a)` applied
to i′, the output size of the direct convolution (the paper's p′ = k − p − 1 is the padding
of the *equivalent* direct convolution, not torch's argument). Relationship 7 is pooling,
checked with `nn.MaxPool2d`; relationship 15 is the dilated convolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import floor
from typing import Any, Literal


@dataclass(frozen=True)
class Example:
    number: int
    title: str
    figure: str
    mode: Literal["conv", "pool", "transposed"]
    i: int  # input size: i for a convolution or pooling, i′ for a transposed convolution
    k: int
    s: int
    p: int
    expected: int  # the output size the paper states: o, or o′ for a transposed convolution
    d: int = 1
    a: int = 0  # the paper's a = (i + 2p − k) mod s, torch's output_padding

    def formula(self) -> int:
        """The paper's own formula for this relationship, evaluated."""
        i, k, s, p, d, a = self.i, self.k, self.s, self.p, self.d, self.a
        if self.mode == "transposed":
            return s * (i - 1) + a + k - 2 * p  # relationship 14, which contains 8–13
        return floor((i + 2 * p - k - (k - 1) * (d - 1)) / s) + 1  # relationship 15, which contains 1–7

    def config(self) -> dict[str, Any]:
        """The explorer's configuration (pooling uses the convolution's arithmetic with p = 0)."""
        return {
            "mode": "transposed" if self.mode == "transposed" else "conv",
            "batch": 1,
            "in_channels": 1,
            "out_channels": 1,
            "groups": 1,
            "height": self.i,
            "width": self.i,
            "kernel_size": [self.k, self.k],
            "stride": [self.s, self.s],
            "padding": [self.p, self.p],
            "dilation": [self.d, self.d],
            "output_padding": [self.a, self.a],
            "bias": True,
        }


EXAMPLES: list[Example] = [
    Example(1, "No zero padding, unit strides", "Figure 2.1", "conv", i=4, k=3, s=1, p=0, expected=2),
    Example(2, "Arbitrary padding, unit strides", "Figure 2.2", "conv", i=5, k=4, s=1, p=2, expected=6),
    Example(3, "Half (same) padding", "Figure 2.3", "conv", i=5, k=3, s=1, p=1, expected=5),
    Example(4, "Full padding", "Figure 2.4", "conv", i=5, k=3, s=1, p=2, expected=7),
    Example(5, "No zero padding, non-unit strides", "Figure 2.5", "conv", i=5, k=3, s=2, p=0, expected=2),
    Example(6, "Zero padding, non-unit strides", "Figure 2.6", "conv", i=5, k=3, s=2, p=1, expected=3),
    Example(6, "Zero padding, non-unit strides (odd input)", "Figure 2.7", "conv", i=6, k=3, s=2, p=1, expected=3),
    Example(7, "Pooling", "Figures 1.5, 1.6", "pool", i=5, k=3, s=1, p=0, expected=3),
    Example(8, "No zero padding, unit strides, transposed", "Figure 4.1", "transposed", i=2, k=3, s=1, p=0, expected=4),
    Example(9, "Zero padding, unit strides, transposed", "Figure 4.2", "transposed", i=6, k=4, s=1, p=2, expected=5),
    Example(10, "Half (same) padding, transposed", "Figure 4.3", "transposed", i=5, k=3, s=1, p=1, expected=5),
    Example(11, "Full padding, transposed", "Figure 4.4", "transposed", i=7, k=3, s=1, p=2, expected=5),
    Example(
        12, "No zero padding, non-unit strides, transposed", "Figure 4.5", "transposed", i=2, k=3, s=2, p=0, expected=5
    ),
    Example(
        13, "Zero padding, non-unit strides, transposed", "Figure 4.6", "transposed", i=3, k=3, s=2, p=1, expected=5
    ),
    Example(
        14,
        "Zero padding, non-unit strides, transposed, odd",
        "Figure 4.7",
        "transposed",
        i=3,
        k=3,
        s=2,
        p=1,
        expected=6,
        a=1,
    ),
    Example(15, "Dilated convolution", "Figure 5.1", "conv", i=7, k=3, s=1, p=0, expected=3, d=2),
]


def torch_output_size(example: Example) -> int:
    """The output size torch gives for the example (square, so one number)."""
    import torch
    from torch import nn

    e = example
    if e.mode == "pool":
        layer = nn.MaxPool2d(e.k, stride=e.s)
    elif e.mode == "conv":
        layer = nn.Conv2d(1, 1, e.k, stride=e.s, padding=e.p, dilation=e.d)
    else:
        layer = nn.ConvTranspose2d(1, 1, e.k, stride=e.s, padding=e.p, output_padding=e.a, dilation=e.d)
    with torch.no_grad():
        out = layer(torch.zeros(1, 1, e.i, e.i))
    assert out.shape[-1] == out.shape[-2]
    return out.shape[-1]
