"""The Convolution page: Conv2d arithmetic, from scratch, and figures."""
