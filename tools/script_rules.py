"""What the script slicer (tools/scripts.py) knows about the APIs that page code calls.

The slicer reads code, it does not run it, so it must be told which calls draw random
numbers, which change an object in place, and which return a view of their input. Each
table errs on the safe side: an unknown function is assumed to return a fresh value, an
unknown method is assumed not to change its object (a method of a class defined on the
page is read instead), an unknown callable object is assumed to draw random numbers and to
change itself. The script test (tests/test_scripts.py) runs every script, so a gap in these
tables shows up as a script whose output differs from its block.
"""

from __future__ import annotations

# Random number generators whose state is global: each is a hidden variable of the page.
TORCH_RNG = "<torch rng>"
PY_RNG = "<random rng>"
NUMPY_RNG = "<numpy rng>"

# torch functions that draw from the global generator (unless given generator=...).
TORCH_RANDOM = {
    "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like", "normal",
    "bernoulli", "multinomial", "poisson", "dropout", "dropout1d", "dropout2d", "dropout3d",
    "alpha_dropout", "feature_alpha_dropout", "rrelu", "gumbel_softmax", "random_split",
    "fractional_max_pool2d", "fractional_max_pool3d",
}  # fmt: skip
TORCH_SEEDS = {"torch.manual_seed", "torch.random.manual_seed", "torch.seed", "torch.random.seed"}
# torch.nn.init functions that do not draw.
INIT_CONSTANT = {"constant_", "zeros_", "ones_", "eye_", "dirac_", "calculate_gain"}
# Tensor methods that draw.
RANDOM_METHODS = {
    "normal_", "uniform_", "random_", "bernoulli_", "bernoulli", "exponential_", "cauchy_",
    "geometric_", "log_normal_", "multinomial",
}  # fmt: skip
PY_RANDOM = {
    "random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform",
    "gauss", "normalvariate", "lognormvariate", "expovariate", "triangular", "betavariate",
    "gammavariate", "vonmisesvariate", "paretovariate", "weibullvariate", "getrandbits", "randbytes",
}  # fmt: skip

# torch.nn modules whose construction draws nothing (their parameters, if any, start constant).
NN_NO_INIT_DRAW = {
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
    "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus", "Softsign", "Softmax", "LogSoftmax",
    "Softmax2d", "Threshold", "Identity", "Flatten", "Unflatten", "MaxPool1d", "MaxPool2d",
    "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
    "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle",
    "ChannelShuffle", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
    "FeatureAlphaDropout", "Sequential", "ModuleList", "ModuleDict", "ZeroPad1d", "ZeroPad2d",
    "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d",
    "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d", "Unfold", "Fold",
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "InstanceNorm1d",
    "InstanceNorm2d", "InstanceNorm3d", "LayerNorm", "GroupNorm", "LocalResponseNorm", "PReLU",
    "Parameter", "Buffer", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss",
    "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss", "KLDivLoss", "CosineSimilarity",
    "PairwiseDistance",
}  # fmt: skip
# torch.nn modules whose forward draws (in training mode).
NN_FORWARD_DRAWS = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "RReLU"}
# torch.nn modules whose forward changes the module (running statistics, lazy shapes).
NN_STATEFUL = {
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "InstanceNorm1d", "InstanceNorm2d",
    "InstanceNorm3d", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
}  # fmt: skip
NN_CONTAINERS = {"Sequential", "ModuleList", "ModuleDict"}
# torchvision transforms that draw nothing when called.
TRANSFORMS_DETERMINISTIC = {
    "Compose", "Resize", "CenterCrop", "Pad", "Normalize", "ToTensor", "ToImage", "ToPureTensor",
    "ToDtype", "ConvertImageDtype", "PILToTensor", "ToPILImage", "Grayscale", "Lambda", "Identity",
    "ClampBoundingBoxes", "SanitizeBoundingBoxes", "ConvertBoundingBoxFormat", "FiveCrop", "TenCrop",
}  # fmt: skip
# torchvision transforms that draw themselves and also hold others.
TRANSFORMS_WRAPPERS = {"Compose", "RandomApply", "RandomChoice", "RandomOrder"}

# Methods that change their object in place. With them, any torch method whose name ends in
# a single underscore (`add_`, `copy_`, `fill_`, `requires_grad_`).
MUTATING_METHODS = {
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem",
    "add", "discard", "sort", "reverse", "eval", "train", "step", "zero_grad", "backward",
    "load_state_dict", "register_buffer", "register_parameter", "register_module", "add_module",
    "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    "register_full_backward_pre_hook", "register_hook", "apply", "share_memory", "retain_grad",
    "manual_seed", "seed", "set_state", "write", "writelines", "seek", "close", "send",
    "set_postfix", "add_param_group", "requires_grad_", "set_", "resize_",
}  # fmt: skip
# Methods that change a module in place (and return it) but return a new tensor from a tensor.
MODULE_CONVERSIONS = {"to", "cpu", "cuda", "float", "double", "half", "bfloat16", "type"}
# Methods that return their object, or a view or part of it: the result shares its memory.
SHARING_METHODS = {
    "view", "view_as", "reshape", "reshape_as", "transpose", "permute", "t", "unsqueeze",
    "squeeze", "expand", "expand_as", "flatten", "unflatten", "narrow", "select", "unbind",
    "split", "chunk", "tensor_split", "detach", "as_strided", "unfold", "diagonal", "movedim",
    "moveaxis", "swapaxes", "swapdims", "numpy", "contiguous", "as_subclass", "items", "keys",
    "values", "get", "parameters", "named_parameters", "buffers", "named_buffers", "children",
    "named_children", "modules", "named_modules", "get_submodule", "get_parameter", "state_dict",
    "__iter__", "__getitem__",
}  # fmt: skip
# torch functions that return a view of (or the same memory as) an argument.
TORCH_SHARING = {
    "as_strided", "as_tensor", "asarray", "from_numpy", "unbind", "split", "chunk", "tensor_split",
    "narrow", "select", "squeeze", "unsqueeze", "reshape", "view_as_real", "view_as_complex",
    "movedim", "moveaxis", "permute", "transpose", "t", "flatten", "broadcast_tensors",
    "broadcast_to", "atleast_1d", "atleast_2d", "atleast_3d", "diagonal", "detach", "hsplit",
    "vsplit", "dsplit", "swapaxes", "swapdims", "real", "imag",
}  # fmt: skip
# torch functions that make a new tensor from sizes or data: it is computed from none of their arguments.
TORCH_CREATION = {
    "tensor", "as_tensor", "zeros", "ones", "empty", "full", "arange", "linspace", "logspace", "eye",
    "rand", "randn", "randint", "randperm", "zeros_like", "ones_like", "empty_like", "full_like",
    "rand_like", "randn_like", "randint_like", "Generator", "device",
}  # fmt: skip
# Methods whose result is cut from autograd's graph.
DETACHING_METHODS = {"detach", "item", "tolist", "numpy", "int", "long", "bool", "byte", "short", "char"}
# Modules whose functions may return an argument, or an iterator over it.
SHARING_MODULES = {"itertools", "functools", "operator", "copy"}
# Builtins that return a fresh value (not an argument, nor an element of one).
FRESH_BUILTINS = {
    "len", "abs", "round", "int", "float", "complex", "str", "repr", "ascii", "bool", "range",
    "isinstance", "issubclass", "id", "hash", "print", "format", "any", "all", "chr", "ord",
    "divmod", "pow", "callable", "hasattr", "type", "sum", "bin", "oct", "hex", "bytes",
}  # fmt: skip
# Builtins that consume an iterable (so iterating a DataLoader inside them draws).
ITERATING_BUILTINS = {
    "list", "tuple", "set", "frozenset", "dict", "sorted", "iter", "next", "zip", "enumerate",
    "reversed", "map", "filter", "sum", "any", "all", "min", "max",
}  # fmt: skip
# What a value is observed through when only its shape, type or size matters, not its numbers.
SHAPE_ATTRIBUTES = {"shape", "dtype", "device", "ndim", "layout", "is_cuda", "__name__", "__class__"}
SHAPE_METHODS = {"size", "dim", "numel", "nelement", "ndimension", "element_size", "is_contiguous"}
SHAPE_BUILTINS = {"len", "type", "isinstance", "id"}
# Calls whose arguments are the script's output.
PRINTS = {"print", "pprint.pprint", "pprint.pp", "sys.stdout.write"}
