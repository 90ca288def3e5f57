"""The driver code of each page of the Transposed convolution chapter."""
