"""Feature-map sizes in the original U-Net, whose convolutions are valid (unpadded)."""

from __future__ import annotations


def valid_unet_sizes(size: int, depth: int = 4) -> tuple[list[int], list[int]]:
    """The sides of the maps of a U-Net with valid (unpadded) 3x3 convolutions.

    Returns the encoder's side after each level's two convolutions, and the
    decoder's. A valid 3x3 convolution takes 2 pixels off a side; a 2x2 max
    pool halves it, and must see an even side; a 2x2 up-convolution doubles it.
    """
    encoder = []
    for level in range(depth + 1):
        size -= 4  # two valid 3x3 convolutions
        if size < 1:
            raise ValueError(f"size is too small: nothing is left at level {level}")
        encoder.append(size)
        if level < depth:
            if size % 2:
                raise ValueError(f"size: side {size} at level {level} is odd; a 2x2 pool drops a row")
            size //= 2
    decoder = []
    for _ in range(depth):
        size = 2 * size - 4  # up-convolution, then two valid 3x3 convolutions
        decoder.append(size)
    return encoder, decoder
