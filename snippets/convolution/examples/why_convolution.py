"""docs/convolution/why_convolution.md: locality, weight sharing and
translation equivariance, and where equivariance breaks."""

from snippets.convolution.equivariance import shift

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:parameters]
conv = nn.Conv2d(1, 16, kernel_size=3, padding=1)  # the article's layer
# A dense layer with the same input and output sizes. On the "meta"
# device torch makes only the shapes: no memory for 9.8 million weights.
dense = nn.Linear(1 * 28 * 28, 16 * 28 * 28, device="meta")
print(f"Conv2d parameters: {sum(p.numel() for p in conv.parameters()):,}")
print(f"Linear parameters: {sum(p.numel() for p in dense.parameters()):,}")
# --8<-- [end:parameters]

# --8<-- [start:as_matrix]
torch.manual_seed(0)
conv = nn.Conv2d(1, 1, kernel_size=3, padding=1, bias=False)
pixels = torch.eye(28 * 28).reshape(-1, 1, 28, 28)  # 784 one-pixel images
with torch.no_grad():
    # column p: what the layer makes of pixel p alone
    M = conv(pixels).reshape(28 * 28, 28 * 28).T  # (outputs, inputs)
print("matrix:", tuple(M.shape))
print("nonzero weights per output, at most:", (M != 0).sum(dim=1).max().item())
print("distinct nonzero values:", M[M != 0].unique().numel())
x = torch.rand(1, 1, 28, 28)  # any image
same = torch.allclose(conv(x).flatten(), M @ x.flatten(), atol=1e-6)
print("conv(x) == M @ x:", same)
# --8<-- [end:as_matrix]

# --8<-- [start:equivariance]
torch.manual_seed(0)
conv = nn.Conv2d(1, 1, kernel_size=3, padding=1)
x = torch.rand(1, 1, 16, 16)
with torch.no_grad():
    moved_then_conv = conv(shift(x, 3, 5))  # move 3 down, 5 right
    conv_then_moved = shift(conv(x), 3, 5)
same = torch.isclose(moved_then_conv, conv_then_moved)[0, 0]
print("equal everywhere:           ", same.all().item())
# rows 3 … 14 and columns 5 … 14: away from both borders
print("equal away from the borders:", same[3:-1, 5:-1].all().item())
# --8<-- [end:equivariance]

# --8<-- [start:circular]
circular = nn.Conv2d(1, 1, kernel_size=3, padding=1, padding_mode="circular")
with torch.no_grad():
    rolled_then_conv = circular(torch.roll(x, shifts=(3, 5), dims=(2, 3)))
    conv_then_rolled = torch.roll(circular(x), shifts=(3, 5), dims=(2, 3))
print("equal everywhere:", torch.allclose(rolled_then_conv, conv_then_rolled))
# --8<-- [end:circular]

# --8<-- [start:stride]
torch.manual_seed(0)
strided = nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1)
with torch.no_grad():
    y = strided(x)  # (1, 1, 8, 8)
    moved_2 = strided(shift(x, 2, 2))  # the input moves 2 cells
    moved_1 = strided(shift(x, 1, 1))  # the input moves 1 cell
inner = (..., slice(1, None), slice(1, None))  # away from the top and left
for name, got, expected in [
    ("moved 2, output moved 1", moved_2, shift(y, 1, 1)),
    ("moved 1, output moved 0", moved_1, y),
    ("moved 1, output moved 1", moved_1, shift(y, 1, 1)),
]:
    print(f"{name}:", torch.allclose(got[inner], expected[inner]))
# --8<-- [end:stride]
