"""Checkerboard artifacts: the page's blocks, in page order."""

from snippets.transposed.checkerboard import overlap_counts_1d, phase_sums

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:overlap_demo]
for k in (3, 4):
    print(f"kernel_size={k}, stride=2:", overlap_counts_1d(6, k, stride=2))

# In 2-D the counts multiply; torch computes them as ones stamped with ones.
for k in (3, 4):
    counts = torch.tensor(overlap_counts_1d(6, kernel_size=k, stride=2))
    counts_2d = torch.outer(counts, counts)
    x, kernel = torch.ones(1, 1, 6, 6), torch.ones(1, 1, k, k)
    ones = F.conv_transpose2d(x, kernel, stride=2)
    inside = sorted(set(counts_2d[2:-2, 2:-2].flatten().tolist()))
    same = torch.equal(counts_2d, ones[0, 0].long())
    print(f"kernel_size={k}: equals torch: {same}, counts inside: {inside}")
# --8<-- [end:overlap_demo]

# --8<-- [start:pattern_demo]
torch.manual_seed(0)
flat = torch.ones(1, 1, 16, 16)  # no structure: any pattern is the layer's
for k, op in [(3, 1), (4, 0)]:
    up = nn.ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=op)
    with torch.no_grad():
        inner = up(flat)[0, 0, 2:-2, 2:-2]  # away from the border
    rows_repeat = torch.allclose(inner[2:], inner[:-2])
    cols_repeat = torch.allclose(inner[:, 2:], inner[:, :-2])
    values = ", ".join(f"{v:.3f}" for v in inner[:2, :2].flatten().tolist())
    period_2 = rows_repeat and cols_repeat
    print(f"kernel_size={k}: period 2: {period_2}; values {values}")
# --8<-- [end:pattern_demo]

# --8<-- [start:phase_demo]
torch.manual_seed(0)
up = nn.ConvTranspose2d(1, 1, kernel_size=4, stride=2, padding=1)
with torch.no_grad():
    out = up(torch.ones(1, 1, 16, 16))[0, 0]
# Rows 3 and 4 have phases 0 and 1: (row + padding) mod stride.
tile = out[3:5, 3:5] - up.bias
sums = phase_sums(up.weight[0, 0].detach(), stride=2)
print(sums)
same = torch.allclose(tile, sums)
print("output on a constant image == phase sums + bias:", same)
# --8<-- [end:phase_demo]
