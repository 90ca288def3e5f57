"""The Transposed Convolution page: not an inverse but an adjoint, its shapes, four equivalent
views implemented from scratch, and checkerboard artifacts with their fixes."""
