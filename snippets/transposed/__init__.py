"""The Transposed convolution chapter: what ConvTranspose2d computes (an
adjoint, not an inverse), its shapes and weight, four views written from
scratch, and checkerboard artifacts in outputs and gradients, with the fixes.
"""
