"""Sub-pixel convolution: the page's blocks, in page order."""

from snippets.transposed.subpixel import subpixel_as_transposed

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:layer]
torch.manual_seed(0)
x = torch.randn(1, 8, 14, 14)
sub_pixel = nn.Sequential(
    nn.Conv2d(8, 4 * 8, kernel_size=3, padding=1),  # 4 values per pixel
    nn.PixelShuffle(2),  # ... laid out as a 2 × 2 block
)
print("after Conv2d:      ", tuple(sub_pixel[0](x).shape))
print("after PixelShuffle:", tuple(sub_pixel(x).shape))
# --8<-- [end:layer]

# --8<-- [start:equal]
torch.manual_seed(0)
conv = nn.Conv2d(8, 4 * 8, kernel_size=3, padding=1, bias=False).double()
x = torch.randn(2, 8, 14, 14, dtype=torch.float64)
by_shuffle = F.pixel_shuffle(conv(x), 2)

w = subpixel_as_transposed(conv.weight.detach())
print("ConvTranspose2d weight:", tuple(w.shape))
by_conv_t = F.conv_transpose2d(x, w, stride=2, padding=2)
print(f"max |difference|: {(by_shuffle - by_conv_t).abs().max():.1e}")
same = torch.allclose(by_shuffle, by_conv_t, rtol=0, atol=1e-12)
print("equal to 1e-12:", same)
# --8<-- [end:equal]

# --8<-- [start:pattern]
torch.manual_seed(0)
sub_pixel = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.PixelShuffle(2))
with torch.no_grad():
    out = sub_pixel(torch.ones(1, 1, 16, 16))[0, 0]
print(out[4:8, 4:8])  # away from the border: it repeats every 2 pixels
# --8<-- [end:pattern]
