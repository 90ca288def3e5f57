"""What torch itself does with one Conv2d / ConvTranspose2d configuration.

A configuration is a plain dict, the same one the JS module takes (see `configs.py`):

    {"mode": "conv" | "transposed", "batch": N, "in_channels": C_in, "out_channels": C_out,
     "groups": g, "height": H, "width": W, "kernel_size": [kH, kW], "stride": [sH, sW],
     "padding": [pH, pW] | "same" | "valid", "dilation": [dH, dW],
     "output_padding": [oH, oW], "bias": bool}

The oracle builds the layer exactly as a reader would (`nn.Conv2d(...)` on the CPU), makes
an input with `torch.empty(N, C_in, H, W)` and runs it. Any exception, at any of the three
steps, makes the configuration invalid.

Why the CPU and not the meta device: torch's meta kernel for convolution only computes
the shape. It skips most of the checks the CPU kernels make (negative padding, stride 0,
dilation 0, kernel 0, output_padding too large, ...), so on a sample it called many
invalid settings valid. The inputs here are tiny, so the CPU is cheap.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

Config = dict[str, Any]

# torch's own error messages, mapped to the explorer's error codes (see conv-shapes.js).
# Used to check that the explorer names the same problem as torch, not only that both fail.
TORCH_MESSAGES: list[tuple[str, str]] = [
    (r"groups must be a positive integer", "groups_not_positive"),
    (r"in_channels must be divisible by groups", "in_channels_not_divisible"),
    (r"out_channels must be divisible by groups", "out_channels_not_divisible"),
    (r"padding='same' is not supported for strided convolutions", "same_with_stride"),
    (r"argument 'padding' .* must be tuple of ints, but found element of type str", "transposed_padding_string"),
    (r"Trying to create tensor with negative dimension|Dimension size must be non-negative", "negative_size"),
    (r"negative padding is not supported", "negative_padding"),
    (r"negative output_padding is not supported", "negative_output_padding"),
    (r"non-positive stride is not supported", "stride_not_positive"),
    (r"expected weight to be at least \d+ at dimension 0", "too_few_channels_for_groups"),
    (r"Kernel size can't be greater than actual input size", "kernel_larger_than_input"),
    (r"Only zero batch or zero channel inputs are supported", "empty_input"),
    (r"kernel size should be greater than zero", "kernel_not_positive"),
    (r"dilation should be greater than zero", "dilation_not_positive"),
    (r"output padding must be smaller than either stride or dilation", "output_padding_too_large"),
    (r"Output size is too small", "output_too_small"),
    (r"non-empty 2D or 4D weight tensor expected", "no_output_channels"),
    (r"non-positive dilation is not supported", "dilation_not_positive"),
    # Internal errors, where torch fails on the way rather than on a check of its own.
    (r"select\(\): index 0 out of range", "empty_weight"),
    (r"narrow\(\): length must be non-negative", "same_padding_negative"),
    (r"cannot reshape tensor of 0 elements|only one dimension can be inferred", "output_too_small"),
    (r"invalid shape dimension", "output_too_small"),
    (r"could not construct a memory descriptor", "output_too_small"),  # oneDNN, for a size below 1
    (r"could not create a primitive descriptor", "onednn_rejected"),
]

# The explorer's codes that name the same problem as torch's, where torch's message names a
# consequence rather than the cause: with padding='same', a kernel_size of 0 or a negative
# dilation makes torch's computed padding negative; an empty weight comes from a kernel_size
# of 0 or no output channels.
EQUIVALENT_CODES: dict[str, set[str]] = {
    "negative_padding": {"negative_padding", "dilation_not_positive", "kernel_not_positive"},
    "empty_input": {"empty_input", "kernel_not_positive"},
    "empty_weight": {"kernel_not_positive", "no_output_channels"},
    "same_padding_negative": {"kernel_not_positive", "dilation_not_positive"},
    "no_output_channels": {"no_output_channels", "kernel_not_positive"},
    "onednn_rejected": {"kernel_not_positive", "dilation_not_positive", "no_output_channels", "output_too_small"},
}


def names_same_problem(torch_code: str, js_codes: list[str]) -> bool:
    """Whether one of the explorer's error codes names the problem torch reported."""
    return bool(EQUIVALENT_CODES.get(torch_code, {torch_code}) & set(js_codes))


def classify(message: str) -> str:
    """The explorer's code for one of torch's error messages ('unknown' if none matches)."""
    for pattern, code in TORCH_MESSAGES:
        if re.search(pattern, message):
            return code
    return "unknown"


@contextlib.contextmanager
def reference_kernels(onednn: bool = False) -> Iterator[None]:
    """Torch on one thread, with oneDNN off by default: its reference CPU kernels.

    oneDNN accepts one thing the reference kernels refuse (a transposed convolution whose
    output size is exactly 0), and whether torch uses it depends on the batch, the groups,
    the kernel and the number of threads; so the agreement test runs the reference kernels,
    and checks the oneDNN difference separately. One thread also keeps the tiny convolutions
    fast on a busy 2-core machine.
    """
    threads, enabled = torch.get_num_threads(), torch.backends.mkldnn.enabled
    torch.set_num_threads(1)
    torch.backends.mkldnn.enabled = onednn  # (mkldnn.flags() would also warn about TF32 on Intel GPUs)
    try:
        yield
    finally:
        torch.backends.mkldnn.enabled = enabled
        torch.set_num_threads(threads)


def build_layer(config: Config, device: str = "cpu") -> nn.Module:
    """nn.Conv2d(...) or nn.ConvTranspose2d(...) for the configuration, as a reader writes it."""
    padding = config["padding"] if isinstance(config["padding"], str) else tuple(config["padding"])
    common = {
        "kernel_size": tuple(config["kernel_size"]),
        "stride": tuple(config["stride"]),
        "padding": padding,
        "dilation": tuple(config["dilation"]),
        "groups": config["groups"],
        "bias": config["bias"],
        "device": device,
    }
    if config["mode"] == "conv":
        return nn.Conv2d(config["in_channels"], config["out_channels"], **common)
    return nn.ConvTranspose2d(
        config["in_channels"], config["out_channels"], output_padding=tuple(config["output_padding"]), **common
    )


def run_torch(config: Config, device: str = "cpu") -> dict[str, Any]:
    """torch's verdict: {"valid", "output", "weight", "bias", "parameters"} or {"valid": False, "error", "code"}."""
    with warnings.catch_warnings():
        # 'same' with an even kernel and zero-element weights both warn; neither is an error.
        warnings.simplefilter("ignore")
        try:
            layer = build_layer(config, device)
            x = torch.zeros(config["batch"], config["in_channels"], config["height"], config["width"], device=device)
            with torch.no_grad():
                y = layer(x)
        except Exception as error:  # torch raises ValueError, RuntimeError or TypeError
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            return {"valid": False, "error": message, "code": classify(message)}
    bias = layer.bias
    return {
        "valid": True,
        "output": list(y.shape),
        "weight": list(layer.weight.shape),
        "bias": None if bias is None else list(bias.shape),
        "parameters": sum(p.numel() for p in layer.parameters()),
    }


def flop_counter_macs(config: Config, weight: list[int], output: list[int]) -> int:
    """Multiply–accumulates by torch.utils.flop_counter's rule for convolutions (the one its
    FlopCounterMode applies to aten.convolution), from torch's own shapes: FLOPs / 2, no bias."""
    from torch.utils.flop_counter import conv_flop_count

    x_shape = [config["batch"], config["in_channels"], config["height"], config["width"]]
    return conv_flop_count(x_shape, weight, output, transposed=config["mode"] == "transposed") // 2
