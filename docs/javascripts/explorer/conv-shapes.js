// Conv2d / ConvTranspose2d shape arithmetic and validation, exact to torch.
//
// One ES module of pure functions, imported by the explorer page (explorer.js) and by
// Node in tests/test_explorer.py, which checks it against torch on >= 10,000 random
// configurations. No DOM, no dependencies.
//
// A configuration is a plain object, with torch's argument names:
//   { mode: "conv" | "transposed", batch, in_channels, out_channels, groups,
//     height, width, kernel_size: [kH, kW], stride: [sH, sW],
//     padding: [pH, pW] | "same" | "valid", dilation: [dH, dW],
//     output_padding: [oH, oW], bias: true | false }
//
// The checks follow what torch does, step by step, in the order it does it:
//   1. the constructor, nn.Conv2d(...) / nn.ConvTranspose2d(...) (torch/nn/modules/conv.py);
//   2. the input, torch.zeros(N, C_in, H, W);
//   3. the forward call: check_shape_forward, then the backend (ATen Convolution.cpp).
// Torch stops at the first failed step; within a step we report every problem it checks
// there, so the reader can fix them together (torch's own message is always among them).
// The verdict is that of torch's reference CPU kernels. oneDNN, which torch's CPU uses for
// some ConvTranspose2d calls, accepts two corners they refuse: an output size of exactly 0
// (see `outputTooSmall`) and dilation 0 along an axis where kernel_size is 1.

/** The two spatial axes, in torch's order. */
export const AXES = ["height", "width"];

const PAIRS = ["kernel_size", "stride", "dilation", "output_padding"];
const SCALARS = ["batch", "in_channels", "out_channels", "groups", "height", "width"];

/** Python's floor division for integers (JS `/` is real division; `|0` truncates). */
export function floorDiv(a, b) {
  return Math.floor(a / b);
}

/** "3" when both axes agree, else "(3, 5)": how torch prints a pair and how a reader writes it. */
export function formatPair(pair) {
  return pair[0] === pair[1] ? String(pair[0]) : `(${pair[0]}, ${pair[1]})`;
}

function pairText(pair) {
  return `(${pair[0]}, ${pair[1]})`;
}

function error(code, parameter, message) {
  return { code, parameter, message };
}

/** Output length of a convolution along one axis: floor((n + before + after - d(k-1) - 1) / s) + 1. */
export function convOutputLength(n, before, after, k, s, d) {
  return floorDiv(n + before + after - d * (k - 1) - 1, s) + 1;
}

/** Output length of a transposed convolution along one axis: (n-1)s - 2p + d(k-1) + op + 1. */
export function transposedOutputLength(n, p, k, s, d, op) {
  return (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
}

/**
 * padding='same' along one axis: [before, after], as torch computes it for stride 1.
 * The total, dilation·(kernel_size − 1), is split with the smaller half before
 * (torch's `_pooling_same_mode_padding_lr`): an even kernel pads one more after.
 */
export function samePadding(k, d) {
  const total = d * (k - 1);
  const before = Math.trunc(total / 2); // C++ integer division truncates toward zero
  return [before, total - before];
}

/** The largest value the explorer takes: its own limit, beyond any real layer, and small
 *  enough that every size it computes is exact in a JavaScript number (below 2^53). */
export const LIMIT = 1e6;

function isWhole(value) {
  return typeof value === "number" && Number.isInteger(value);
}

/** Problems with the values themselves (not whole numbers, too large): the explorer's own check, before torch's. */
function typeErrors(config) {
  const errors = [];
  const tooLarge = (name) => error("too_large", name, `${name} is too large for the explorer (at most 1,000,000).`);
  for (const name of SCALARS) {
    if (!isWhole(config[name])) errors.push(error("not_integer", name, `${name} must be a whole number.`));
    else if (Math.abs(config[name]) > LIMIT) errors.push(tooLarge(name));
  }
  const pairs = PAIRS.filter((n) => config.mode === "transposed" || n !== "output_padding");
  if (Array.isArray(config.padding)) pairs.push("padding");
  for (const name of pairs) {
    const pair = config[name];
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every(isWhole)) {
      errors.push(error("not_integer", name, `${name} must be whole numbers, one for height and one for width.`));
    } else if (pair.some((v) => Math.abs(v) > LIMIT)) {
      errors.push(tooLarge(name));
    }
  }
  if (typeof config.padding === "string" && !["same", "valid"].includes(config.padding)) {
    errors.push(error("bad_padding_string", "padding", `padding must be numbers, 'same' or 'valid' (got '${config.padding}').`));
  }
  return errors;
}

/** Step 1: what nn.Conv2d(...) / nn.ConvTranspose2d(...) refuses when it is built. */
function constructorErrors(c) {
  const errors = [];
  const transposed = c.mode === "transposed";
  if (c.groups <= 0) {
    errors.push(error("groups_not_positive", "groups", `groups must be at least 1 (got ${c.groups}).`));
  } else {
    if (c.in_channels % c.groups !== 0) {
      errors.push(error("in_channels_not_divisible", "in_channels",
        `in_channels (${c.in_channels}) must be divisible by groups (${c.groups}): each group takes in_channels / groups input channels.`));
    }
    if (c.out_channels % c.groups !== 0) {
      errors.push(error("out_channels_not_divisible", "out_channels",
        `out_channels (${c.out_channels}) must be divisible by groups (${c.groups}): each group makes out_channels / groups output channels.`));
    }
  }
  if (!transposed && c.padding === "same" && c.stride.some((s) => s !== 1)) {
    errors.push(error("same_with_stride", "padding",
      `padding='same' works only with stride 1 (got stride=${formatPair(c.stride)}): with a stride the output cannot keep the input's size. Give padding as a number instead.`));
  }
  // torch checks the above first, and builds the weight (below) only when they pass.
  if (errors.length) return errors;
  // torch.empty(weight shape) and torch.empty(out_channels) for the bias refuse negative sizes.
  for (const name of ["in_channels", "out_channels"]) {
    if (c[name] < 0) errors.push(error("negative_size", name, `${name} must not be negative (got ${c[name]}).`));
  }
  if (c.kernel_size.some((k) => k < 0)) {
    errors.push(error("negative_size", "kernel_size", `kernel_size must not be negative (got ${formatPair(c.kernel_size)}).`));
  }
  return errors;
}

/** Step 2: torch.zeros(N, C_in, H, W) refuses negative sizes. */
function inputErrors(c) {
  const errors = [];
  for (const name of ["batch", "height", "width"]) {
    if (c[name] < 0) errors.push(error("negative_size", name, `${name} must not be negative (got ${c[name]}).`));
  }
  return errors;
}

/**
 * The padding torch applies, per axis, as [before, after], and the input length after
 * any extra one-sided padding. Integer padding is symmetric; 'valid' is 0; 'same' pads
 * dilation·(kernel_size − 1) in total, one more after when that total is odd (torch pads
 * the input by that one first, then pads both sides by `before`).
 */
export function effectivePadding(c) {
  return AXES.map((_, i) => {
    if (c.padding === "valid") return [0, 0];
    if (c.padding === "same") return samePadding(c.kernel_size[i], c.dilation[i]);
    return [c.padding[i], c.padding[i]];
  });
}

/** Output spatial size [H_out, W_out] by torch's formulas (meaningful once the checks pass). */
export function outputSpatial(c) {
  const pads = effectivePadding(c);
  const sizes = [c.height, c.width];
  return AXES.map((_, i) => {
    const [k, s, d] = [c.kernel_size[i], c.stride[i], c.dilation[i]];
    if (c.mode === "transposed") return transposedOutputLength(sizes[i], c.padding[i], k, s, d, c.output_padding[i]);
    return convOutputLength(sizes[i], pads[i][0], pads[i][1], k, s, d);
  });
}

/** Step 3: the forward call. `spatial` is the output size computed by torch's formulas. */
function forwardErrors(c, spatial) {
  const transposed = c.mode === "transposed";
  if (transposed && typeof c.padding === "string") {
    return [error("transposed_padding_string", "padding",
      `ConvTranspose2d has no padding='${c.padding}': its padding must be numbers (it crops the output).`)];
  }
  const errors = [];
  const sizes = [c.height, c.width];
  // 'same' in torch: a negative total padding (kernel_size 0) or dilation fails in its own code path.
  if (c.padding === "same") {
    if (c.dilation.some((d) => d < 0)) {
      return [error("dilation_not_positive", "dilation", `dilation must be at least 1 (got ${formatPair(c.dilation)}).`)];
    }
    if (AXES.some((_, i) => c.dilation[i] * (c.kernel_size[i] - 1) < 0)) {
      return [error("kernel_not_positive", "kernel_size", `kernel_size must be at least 1 (got ${formatPair(c.kernel_size)}).`)];
    }
  }
  const pads = effectivePadding(c);
  // With 'same' and an odd total, torch first pads the input by one after: the length it checks.
  const padded = AXES.map((_, i) => sizes[i] + (pads[i][1] - pads[i][0]));

  // check_shape_forward (ATen/native/Convolution.cpp)
  if (Array.isArray(c.padding) && c.padding.some((p) => p < 0)) {
    errors.push(error("negative_padding", "padding", `padding must not be negative (got ${formatPair(c.padding)}).`));
  }
  if (transposed && c.output_padding.some((p) => p < 0)) {
    errors.push(error("negative_output_padding", "output_padding",
      `output_padding must not be negative (got ${formatPair(c.output_padding)}).`));
  }
  if (c.stride.some((s) => s <= 0)) {
    errors.push(error("stride_not_positive", "stride", `stride must be at least 1 (got ${formatPair(c.stride)}).`));
  }
  if (c.dilation.some((d) => d < 0)) {
    errors.push(error("dilation_not_positive", "dilation", `dilation must be at least 1 (got ${formatPair(c.dilation)}).`));
  }
  // The weight's first dimension (out_channels for Conv2d, in_channels for ConvTranspose2d) must be >= groups.
  if (!transposed && c.out_channels < c.groups) {
    errors.push(error("too_few_channels_for_groups", "out_channels",
      `out_channels is ${c.out_channels}: Conv2d needs at least one output channel per group (groups=${c.groups}).`));
  }
  if (transposed && c.in_channels < c.groups) {
    errors.push(error("too_few_channels_for_groups", "in_channels",
      `in_channels is ${c.in_channels}: ConvTranspose2d needs at least one input channel per group (groups=${c.groups}).`));
  }
  if (!transposed && !errors.length) {
    AXES.forEach((axis, i) => {
      const dilatedKernel = c.dilation[i] * (c.kernel_size[i] - 1) + 1;
      const paddedInput = padded[i] + 2 * pads[i][0];
      if (paddedInput < dilatedKernel) {
        errors.push(error("kernel_larger_than_input", "kernel_size",
          `In ${axis}, the kernel is larger than the padded input: dilation·(kernel_size − 1) + 1 = ${dilatedKernel}, ` +
          `but the padded ${axis} is ${paddedInput}. Add padding, or use a smaller kernel_size or dilation.`));
      }
    });
  }
  if (errors.length) return errors;

  // The backend. An empty batch, or no input channels, takes torch's "empty" path, which
  // skips the kernels' own checks and only reshapes an empty tensor to the output size.
  if (c.batch === 0 || c.in_channels === 0) {
    if (c.in_channels !== 0 && c.kernel_size.some((k) => k === 0)) {
      return [error("kernel_not_positive", "kernel_size", `kernel_size must be at least 1 (got ${formatPair(c.kernel_size)}).`)];
    }
    if (transposed && c.out_channels === 0) {
      return [error("no_output_channels", "out_channels", "out_channels is 0: ConvTranspose2d needs at least one output channel.")];
    }
    if (transposed) {
      AXES.forEach((axis, i) => {
        if (spatial[i] < 0) errors.push(outputTooSmall(c, axis, i, spatial[i]));
      });
    }
    return errors;
  }
  if (padded.some((n) => n === 0)) {
    const axis = padded[0] === 0 ? "height" : "width";
    return [error("empty_input", axis,
      `${axis} is 0: torch accepts an empty input only when batch or in_channels is 0.`)];
  }
  if (transposed && c.out_channels === 0) {
    errors.push(error("no_output_channels", "out_channels", "out_channels is 0: ConvTranspose2d needs at least one output channel."));
  }
  if (c.kernel_size.some((k) => k <= 0)) {
    errors.push(error("kernel_not_positive", "kernel_size", `kernel_size must be at least 1 (got ${formatPair(c.kernel_size)}).`));
  }
  if (c.dilation.some((d) => d <= 0)) {
    errors.push(error("dilation_not_positive", "dilation", `dilation must be at least 1 (got ${formatPair(c.dilation)}).`));
  }
  if (transposed) {
    AXES.forEach((axis, i) => {
      const [op, s, d] = [c.output_padding[i], c.stride[i], c.dilation[i]];
      if (op >= s && op >= d) {
        errors.push(error("output_padding_too_large", "output_padding",
          `output_padding must be smaller than stride or dilation: in ${axis}, output_padding is ${op}, stride ${s} and dilation ${d}.`));
      }
    });
    if (!errors.length) {
      AXES.forEach((axis, i) => {
        if (spatial[i] < 1) errors.push(outputTooSmall(c, axis, i, spatial[i]));
      });
    }
  }
  return errors;
}

/**
 * The transposed output is empty or negative along one axis.
 *
 * Torch's reference CPU kernel refuses any size below 1 ("Output size is too small"). A size
 * of exactly 0 is backend-dependent: oneDNN (used on the CPU for some batch sizes, groups
 * and thread counts) returns an empty tensor instead, and so does cuDNN according to the
 * comments in torch/_meta_registrations.py. The explorer follows the reference kernel, and
 * says so in the message.
 */
function outputTooSmall(c, axis, i, size) {
  const [n, p, k, s, d, op] = [[c.height, c.width][i], c.padding[i], c.kernel_size[i], c.stride[i], c.dilation[i], c.output_padding[i]];
  const formula = `(${n} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + ${op} + 1 = ${size}`;
  const zero = size === 0
    ? " (torch's oneDNN CPU path, and by torch's own notes cuDNN, return an empty tensor here instead of raising.)"
    : "";
  const least = c.batch === 0 ? "0" : "1";
  return error("output_too_small", "padding",
    `The output ${axis} would be ${formula}; it must be at least ${least}. Use less padding, or a larger stride, kernel_size or dilation.${zero}`);
}

/** The weight's shape: (out, in/groups, kH, kW) for Conv2d, (in, out/groups, kH, kW) for ConvTranspose2d. */
export function weightShape(c) {
  const g = c.groups;
  return c.mode === "transposed"
    ? [c.in_channels, floorDiv(c.out_channels, g), ...c.kernel_size]
    : [c.out_channels, floorDiv(c.in_channels, g), ...c.kernel_size];
}

function product(values) {
  return values.reduce((acc, v) => acc * BigInt(v), 1n);
}

/**
 * Everything the explorer shows for one configuration.
 *
 * Returns { valid, errors: [{code, parameter, message}], notes: [string], output, weight,
 * bias, parameters, macs, padding, formulas }. `output` is [N, C_out, H_out, W_out];
 * `parameters` and `macs` are BigInts (exact for any size). `macs` counts the
 * multiply–accumulates as torch.utils.flop_counter does (FLOPs / 2; the bias adds are not
 * counted): N·C_out·H_out·W_out·(C_in/groups)·kH·kW for Conv2d, and
 * N·C_in·H·W·(C_out/groups)·kH·kW for ConvTranspose2d (every input element meets a full
 * kernel per output channel of its group, including the products that padding crops away).
 */
export function analyze(config) {
  const c = config;
  const result = { valid: false, errors: [], notes: [], output: null, weight: null, bias: null,
    parameters: null, macs: null, padding: null, formulas: null };
  const steps = [() => typeErrors(c), () => constructorErrors(c), () => inputErrors(c)];
  for (const step of steps) {
    result.errors = step();
    if (result.errors.length) return result;
  }
  const spatial = outputSpatial(c);
  result.errors = forwardErrors(c, spatial);
  if (result.errors.length) return result;

  const transposed = c.mode === "transposed";
  // With no input channels torch's empty path returns 0 output channels, whatever out_channels says.
  const channels = c.in_channels === 0 ? 0 : c.out_channels;
  result.valid = true;
  result.output = [c.batch, channels, ...spatial];
  result.weight = weightShape(c);
  result.bias = c.bias ? [c.out_channels] : null;
  result.parameters = product(result.weight) + (c.bias ? BigInt(c.out_channels) : 0n);
  const perGroup = floorDiv(transposed ? c.out_channels : c.in_channels, c.groups);
  result.macs = transposed
    ? product([c.batch, c.in_channels, c.height, c.width, perGroup, ...c.kernel_size])
    : product([c.batch, c.out_channels, ...spatial, perGroup, ...c.kernel_size]);
  result.padding = transposed ? AXES.map((_, i) => [c.padding[i], c.padding[i]]) : effectivePadding(c);
  result.formulas = AXES.map((axis, i) => formula(c, axis, i, spatial[i]));
  result.notes = notes(c, result);
  return result;
}

/** The output-size formula for one axis, with torch's names and then with the numbers. */
export function formula(c, axis, i, value) {
  const out = axis === "height" ? "H_out" : "W_out";
  const n = [c.height, c.width][i];
  const [k, s, d] = [c.kernel_size[i], c.stride[i], c.dilation[i]];
  if (c.mode === "transposed") {
    const p = c.padding[i];
    const op = c.output_padding[i];
    return {
      axis,
      symbolic: `${out} = (${axis} − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1`,
      numeric: `${out} = (${n} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + ${op} + 1 = ${value}`,
    };
  }
  const [before, after] = effectivePadding(c)[i];
  const inner = n + before + after - d * (k - 1) - 1;
  const pads = before === after ? `2·${before}` : `${before} + ${after}`;
  const symbolic = before === after
    ? `${out} = ⌊(${axis} + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1`
    : `${out} = ⌊(${axis} + padding_before + padding_after − dilation·(kernel_size − 1) − 1) / stride⌋ + 1`;
  return {
    axis,
    symbolic,
    numeric: `${out} = ⌊(${n} + ${pads} − ${d}·(${k} − 1) − 1) / ${s}⌋ + 1 = ⌊${inner} / ${s}⌋ + 1 = ${value}`,
  };
}

/** Things that are allowed but worth knowing. */
function notes(c, r) {
  const out = [];
  if (c.batch === 0) out.push("batch is 0: torch returns an empty batch and skips the kernel's own checks.");
  if (c.in_channels === 0) out.push("in_channels is 0: torch returns a tensor with 0 channels, whatever out_channels is.");
  if (c.padding === "same" && r.padding.some(([a, b]) => a !== b)) {
    const uneven = AXES.filter((_, i) => r.padding[i][0] !== r.padding[i][1]).join(" and ");
    out.push(`padding='same' pads unevenly in ${uneven}: dilation·(kernel_size − 1) is odd, so torch pads one more row or column after than before (and warns that it may copy the input).`);
  }
  if (c.mode === "conv" && Array.isArray(c.padding)) {
    const onlyZeros = AXES.filter((_, i) => c.padding[i] >= c.dilation[i] * (c.kernel_size[i] - 1) + 1);
    if (onlyZeros.length) {
      out.push(`padding is at least the dilated kernel in ${onlyZeros.join(" and ")}: the outermost outputs read only padding (zeros), so they equal the bias.`);
    }
  }
  if (c.mode === "transposed" && c.output_padding.some((p) => p > 0)) {
    out.push("output_padding adds rows/columns at the bottom/right of the output only; it does not add zeros to the input.");
  }
  return out;
}

/** The nn.Conv2d(...) / nn.ConvTranspose2d(...) line for a configuration (defaults left out). */
export function toPyTorch(c) {
  const name = c.mode === "transposed" ? "nn.ConvTranspose2d" : "nn.Conv2d";
  const args = [`${c.in_channels}`, `${c.out_channels}`, `kernel_size=${formatPair(c.kernel_size)}`];
  if (c.stride.some((s) => s !== 1)) args.push(`stride=${formatPair(c.stride)}`);
  if (typeof c.padding === "string") args.push(`padding='${c.padding}'`);
  else if (c.padding.some((p) => p !== 0)) args.push(`padding=${formatPair(c.padding)}`);
  if (c.mode === "transposed" && c.output_padding.some((p) => p !== 0)) {
    args.push(`output_padding=${formatPair(c.output_padding)}`);
  }
  if (c.groups !== 1) args.push(`groups=${c.groups}`);
  if (!c.bias) args.push("bias=False");
  if (c.dilation.some((d) => d !== 1)) args.push(`dilation=${formatPair(c.dilation)}`);
  return `${name}(${args.join(", ")})`;
}

/**
 * The cells one output cell reads (Conv2d), or one input cell writes (ConvTranspose2d),
 * along one axis. Conv2d: output index `o` reads input indices o·s − before + m·d for
 * m = 0..k−1 (negative or ≥ n: padding). ConvTranspose2d: input index `i` writes output
 * indices i·s − p + m·d; those outside 0..H_out−1 are cropped by padding.
 * Returns [{index, inside}], one per kernel tap, in kernel order.
 */
export function taps(c, axisIndex, position) {
  const k = c.kernel_size[axisIndex];
  const s = c.stride[axisIndex];
  const d = c.dilation[axisIndex];
  const cells = [];
  if (c.mode === "transposed") {
    const p = c.padding[axisIndex];
    const limit = outputSpatial(c)[axisIndex];
    for (let m = 0; m < k; m++) {
      const index = position * s - p + m * d;
      cells.push({ index, inside: index >= 0 && index < limit });
    }
  } else {
    const before = effectivePadding(c)[axisIndex][0];
    const n = [c.height, c.width][axisIndex];
    for (let m = 0; m < k; m++) {
      const index = position * s - before + m * d;
      cells.push({ index, inside: index >= 0 && index < n });
    }
  }
  return cells;
}

/**
 * Every setting that maps `input` to `output` along one axis with this kernel and stride.
 *
 * Conv2d: (padding, dilation) pairs, with padding ≥ 0, plus padding='same' where it applies.
 * ConvTranspose2d: (padding, output_padding, dilation), with 0 ≤ output_padding <
 * max(stride, dilation). Dilation is tried from 1 to `maxDilation`; at most `limit`
 * settings are listed. Returns { settings, truncated, problem }: `problem` says why there
 * is no answer (null when there is one).
 */
export function findSettings({ mode, input, output, kernel, stride, maxDilation = 4, limit = 24 }) {
  const named = { "input size": input, "wanted output size": output, kernel_size: kernel, stride };
  for (const [name, value] of Object.entries(named)) {
    if (!isWhole(value) || value < 1 || value > LIMIT) {
      return { settings: [], truncated: false, problem: `${name} must be a whole number from 1 to 1,000,000.` };
    }
  }
  const settings = [];
  if (mode !== "transposed" && stride === 1 && output === input) settings.push({ padding: "same", dilation: 1 });
  let truncated = false;
  for (let d = 1; d <= maxDilation && !truncated; d++) {
    if (d > 1 && kernel === 1) break; // dilation does nothing to a 1-wide kernel
    if (mode === "transposed") {
      // output = (input − 1)·s − 2p + d(k − 1) + op + 1, so 2p = base + op − output must be even and ≥ 0.
      const base = (input - 1) * stride + d * (kernel - 1) + 1;
      let op = Math.max(0, output - base);
      if ((base + op - output) % 2 !== 0) op += 1;
      for (; op < Math.max(stride, d); op += 2) {
        if (settings.length >= limit) { truncated = true; break; }
        settings.push({ padding: (base + op - output) / 2, output_padding: op, dilation: d });
      }
    } else {
      // floor((input + 2p − reach) / s) + 1 = output  ⟺  2p ∈ [s(output − 1) + reach − input, … + s − 1].
      const reach = d * (kernel - 1) + 1;
      const low = stride * (output - 1) + reach - input;
      const high = low + stride - 1;
      for (let p = Math.max(0, Math.ceil(low / 2)); 2 * p <= high; p++) {
        if (settings.length >= limit) { truncated = true; break; }
        settings.push({ padding: p, dilation: d });
      }
    }
  }
  if (settings.length) return { settings, truncated, problem: null };
  return { settings, truncated, problem: noSettingReason({ mode, input, output, kernel, stride, maxDilation }) };
}

function noSettingReason({ mode, input, output, kernel, stride, maxDilation }) {
  if (mode === "transposed") {
    const dilations = kernel === 1 ? [1] : Array.from({ length: maxDilation }, (_, i) => i + 1);
    const largest = Math.max(...dilations.map((d) => (input - 1) * stride + d * (kernel - 1) + 1 + Math.max(stride, d) - 1));
    if (output > largest) {
      return `Too large: the largest output, with padding 0, output_padding as large as allowed and dilation up to ${maxDilation}, is ${largest}. ` +
        "Use a larger stride or kernel_size.";
    }
    return "Output = (input − 1)·stride − 2·padding + kernel_size: padding changes it by two at a time, and with stride 1 " +
      "there is no output_padding to add the odd one. Use a kernel_size one larger or smaller, or a stride of 2.";
  }
  const fits = input >= kernel;
  const smallest = fits ? convOutputLength(input, 0, 0, kernel, stride, 1) : 1;
  if (output < smallest) {
    return `Too small: the smallest output, with padding 0, is ${smallest}. Use a larger stride or kernel_size.`;
  }
  if (stride === 1) {
    return "With stride 1, output = input + 2·padding − dilation·(kernel_size − 1): padding changes it by two at a time, " +
      "so it keeps the parity of input − kernel_size + 1. Use an even kernel_size, or pad one side more with F.pad.";
  }
  return `No setting with dilation up to ${maxDilation} gives this size.`;
}
