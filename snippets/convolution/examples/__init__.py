"""The driver code of the Convolution chapter: one module per page."""
