"""Bad input: the page's blocks, in page order."""

from snippets.convolution.checks import pair
from snippets.transposed.checks import ConvTranspose2dArgs, check_args
from snippets.transposed.shapes import conv_transpose_output_size

# --8<-- [start:imports]
from dataclasses import dataclass

import torch
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:bad_input]
torch.manual_seed(0)
x, w = torch.randn(1, 4, 5, 5), torch.randn(4, 2, 3, 3)
bad_calls = [
    (x, dict(stride=2, output_padding=2)),
    (x, dict(stride=0)),
    (x, dict(dilation=0)),
    (x, dict(padding=-1)),
    (x, dict(groups=3)),
    (torch.randn(1, 3, 5, 5), {}),
    (x, dict(padding=4)),
]
for inp, kwargs in bad_calls:
    try:
        check_args(inp, w, **kwargs)
        ours = "accepted"
    except ValueError as error:
        ours = f"ValueError: {error}"
    try:
        F.conv_transpose2d(inp, w, **kwargs)
        torch_refuses = False
    except RuntimeError:
        torch_refuses = True
    print(f"{ours}\n    torch refuses too: {torch_refuses}")
# --8<-- [end:bad_input]
