"""The Convolution page: Conv2d arithmetic, from-scratch implementations, figures."""
