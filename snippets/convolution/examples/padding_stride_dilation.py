"""docs/convolution/padding_stride_dilation.md: the three settings that move
the window, one at a time, then the one formula for all three."""

from snippets.convolution.receptive import window

# --8<-- [start:imports]
import torch
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:padding]
torch.manual_seed(0)
x = torch.randn(1, 1, 4, 4)  # (N, C_in, H_in, W_in)
w = torch.randn(1, 1, 3, 3)  # (C_out, C_in, kH, kW)
for padding in (0, 1, 2):
    y = F.conv2d(x, w, padding=padding)
    print(f"padding={padding}: output {tuple(y.shape[-2:])}")
# --8<-- [end:padding]

# --8<-- [start:stride]
x = torch.randn(1, 1, 5, 5)
for stride in (1, 2, 3):
    y = F.conv2d(x, w, stride=stride)
    print(f"stride={stride}: output {tuple(y.shape[-2:])}")
# every other output of the stride-1 convolution:
every_other = F.conv2d(x, w)[..., ::2, ::2]
same = torch.allclose(F.conv2d(x, w, stride=2), every_other)
print("stride 2 == stride 1, then [::2]:", same)
# --8<-- [end:stride]

# --8<-- [start:dilation]
x = torch.randn(1, 1, 7, 7)
for dilation in (1, 2, 3):
    y = F.conv2d(x, w, dilation=dilation)
    print(f"dilation={dilation}: output {tuple(y.shape[-2:])}")
# the same 9 weights, spread over a 5×5 kernel with zeros in the gaps:
spread = torch.zeros(1, 1, 5, 5)
spread[..., ::2, ::2] = w
same = torch.allclose(F.conv2d(x, w, dilation=2), F.conv2d(x, spread))
print("dilation 2 == a 5×5 kernel with gaps:", same)
# --8<-- [end:dilation]

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
