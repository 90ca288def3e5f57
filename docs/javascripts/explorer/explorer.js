// The shape explorer on docs/explorer.md: the form, the results, the grid drawing, the
// "Copy as PyTorch" button and the "find padding" helper. All arithmetic and every
// verdict come from conv-shapes.js (tested against torch); this file only wires the page.
// Plain DOM, no dependencies, nothing fetched.

import { analyze, AXES, findSettings, formatPair, outputSpatial, taps, toPyTorch } from "./conv-shapes.js";

const MAX_DRAWN = 16; // cells per axis in the drawing; larger grids show a window around the selection
const MAX_KERNEL_DRAWN = 4096; // beyond this the drawing is skipped (the numbers are still exact)

const DEFAULTS = {
  mode: "conv", batch: 1, in_channels: 1, out_channels: 16, groups: 1, height: 28, width: 28,
  kernel_size: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], output_padding: [0, 0], bias: true,
};

const PRESETS = [
  { label: "The article's layer", config: {} },
  { label: "Paper, Figure 2.7", title: "conv_arithmetic Figure 2.7: i = 6, k = 3, s = 2, p = 1",
    config: { in_channels: 1, out_channels: 1, height: 6, width: 6, stride: [2, 2], padding: [1, 1] } },
  { label: "ResNet stem", title: "Conv2d(3, 64, 7, stride=2, padding=3) on 224 × 224",
    config: { in_channels: 3, out_channels: 64, height: 224, width: 224, kernel_size: [7, 7], stride: [2, 2], padding: [3, 3], bias: false } },
  { label: "Depthwise 3 × 3", title: "Conv2d(32, 32, 3, padding=1, groups=32)",
    config: { in_channels: 32, out_channels: 32, groups: 32, height: 56, width: 56 } },
  { label: "U-Net up-sampling", title: "ConvTranspose2d(128, 64, 2, stride=2) on 32 × 32",
    config: { mode: "transposed", in_channels: 128, out_channels: 64, height: 32, width: 32, kernel_size: [2, 2], stride: [2, 2], padding: [0, 0] } },
  { label: "Paper, Figure 4.7", title: "conv_arithmetic Figure 4.7: i′ = 3, k = 3, s = 2, p = 1, a = 1",
    config: { mode: "transposed", in_channels: 1, out_channels: 1, height: 3, width: 3, stride: [2, 2], padding: [1, 1], output_padding: [1, 1] } },
  { label: "Invalid: output_padding", title: "ConvTranspose2d with output_padding = stride: torch refuses it",
    config: { mode: "transposed", in_channels: 16, out_channels: 8, height: 8, width: 8, kernel_size: [4, 4], stride: [2, 2], padding: [1, 1], output_padding: [2, 2] } },
];

// The per-axis parameters, one row each in the form: a height and a width value.
const PAIRS = ["kernel_size", "stride", "padding", "dilation", "output_padding"];
const SCALARS = ["batch", "in_channels", "out_channels", "groups", "height", "width"];

// ---------------------------------------------------------------- small DOM helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) el.append(child);
  }
  return el;
}

function numberInput(id, value, extra = {}) {
  return h("input", { type: "number", id, name: id, value: String(value), step: "1", inputmode: "numeric", ...extra });
}

function field(id, label, value) {
  return h("div", { class: "sx-field" }, h("label", { for: id }, label), numberInput(id, value));
}

// 1234567n -> "1,234,567". Not toLocaleString: its first call loads the browser's number
// formatting, about 50 ms on a slow phone, and the explorer calls it as the page opens.
function grouped(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function shape(values) {
  return `(${values.join(", ")})`;
}

// ---------------------------------------------------------------- the widget

class Explorer {
  constructor(root) {
    this.root = root;
    this.selection = [0, 0];
    this.build();
    this.load(this.fromHash() || DEFAULTS);
    root.classList.add("sx-ready"); // drawn: the space reserved in explorer.css is no longer needed
  }

  build() {
    const pairTable = h("table", { class: "sx-pairs" },
      h("caption", { class: "sx-visually-hidden" }, "Per-axis parameters: height and width"),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col", id: "sx-col-name" }, "parameter"),
        h("th", { scope: "col", id: "sx-col-height" }, "height"),
        h("th", { scope: "col", id: "sx-col-width" }, "width"))),
      h("tbody", {}, PAIRS.map((name) => h("tr", { id: `sx-row-${name}` },
        h("th", { scope: "row", id: `sx-name-${name}` }, h("label", { for: `sx-${name}-h` }, name)),
        h("td", {}, numberInput(`sx-${name}-h`, 0, { "aria-labelledby": `sx-name-${name} sx-col-height` })),
        h("td", {}, numberInput(`sx-${name}-w`, 0, { "aria-labelledby": `sx-name-${name} sx-col-width` }))))));

    this.form = h("form", { class: "sx-form", "aria-label": "Layer settings", onsubmit: (e) => e.preventDefault() },
      h("fieldset", { class: "sx-mode" },
        h("legend", {}, "Layer"),
        h("label", {}, h("input", { type: "radio", name: "sx-mode", id: "sx-mode-conv", value: "conv" }), " nn.Conv2d"),
        h("label", {}, h("input", { type: "radio", name: "sx-mode", id: "sx-mode-transposed", value: "transposed" }), " nn.ConvTranspose2d")),
      h("fieldset", {},
        h("legend", {}, "Channels and input"),
        h("div", { class: "sx-fields" },
          field("sx-in_channels", "in_channels", 1),
          field("sx-out_channels", "out_channels", 1),
          field("sx-groups", "groups", 1),
          field("sx-batch", "batch N", 1),
          field("sx-height", "height H", 1),
          field("sx-width", "width W", 1)),
        h("label", { class: "sx-check" }, h("input", { type: "checkbox", id: "sx-bias" }), " bias")),
      h("fieldset", {},
        h("legend", {}, "Kernel, stride, padding"),
        h("div", { class: "sx-field" },
          h("label", { for: "sx-padding-mode" }, "padding is"),
          h("select", { id: "sx-padding-mode" },
            h("option", { value: "numbers" }, "numbers"),
            h("option", { value: "same" }, "'same'"),
            h("option", { value: "valid" }, "'valid'"))),
        h("label", { class: "sx-check" }, h("input", { type: "checkbox", id: "sx-square" }),
          " square: width follows height"),
        pairTable));

    this.summary = h("p", { class: "sx-summary", id: "sx-summary", role: "status", "aria-live": "polite" });
    this.details = h("div", { class: "sx-details", id: "sx-details" });
    this.code = h("code", { id: "sx-pytorch" });
    this.copyStatus = h("span", { class: "sx-copy-status", id: "sx-copy-status", role: "status", "aria-live": "polite" });
    const results = h("section", { class: "sx-results", "aria-labelledby": "sx-results-title" },
      h("h2", { class: "sx-title", id: "sx-results-title" }, "Result"),
      this.summary,
      this.details,
      h("div", { class: "sx-copy" },
        h("p", { class: "sx-label" }, "As PyTorch:"),
        h("p", { class: "sx-code" }, this.code),
        h("button", { type: "button", class: "md-button sx-button", id: "sx-copy", onclick: () => this.copy() }, "Copy as PyTorch"),
        this.copyStatus));

    const presets = h("div", { class: "sx-presets", role: "group", "aria-labelledby": "sx-presets-title" },
      h("span", { id: "sx-presets-title", class: "sx-label" }, "Try:"),
      PRESETS.map((preset, i) => h("button", {
        type: "button", class: "sx-chip", id: `sx-preset-${i}`, title: preset.title || null,
        onclick: () => { this.touched = true; this.load({ ...DEFAULTS, ...preset.config }); },
      }, preset.label)));

    this.drawing = this.buildDrawing();
    this.finder = this.buildFinder();
    this.root.replaceChildren(
      presets,
      h("div", { class: "sx-top" }, this.form, results),
      this.drawing,
      this.finder);

    this.form.addEventListener("input", (e) => this.onInput(e));
    this.form.addEventListener("change", (e) => this.onInput(e));
  }

  buildDrawing() {
    this.slider = h("input", { type: "range", id: "sx-step", min: "0", max: "0", value: "0", step: "1" });
    this.sliderLabel = h("label", { for: "sx-step", id: "sx-step-label" }, "Output cell");
    this.slider.addEventListener("input", () => {
      const cols = this.selectable()[1];
      const index = Number(this.slider.value);
      this.select([Math.floor(index / cols), index % cols]);
    });
    this.gridIn = h("div", { class: "sx-grid-wrap" });
    this.gridOut = h("div", { class: "sx-grid-wrap" });
    this.legend = null;
    this.description = h("p", { class: "sx-description", id: "sx-drawing-text", "aria-live": "polite" });
    return h("section", { class: "sx-drawing", "aria-labelledby": "sx-drawing-title" },
      h("h2", { class: "sx-title", id: "sx-drawing-title" }, "Which cells take part"),
      h("p", { class: "sx-help", id: "sx-drawing-help" }),
      h("div", { class: "sx-step" }, this.sliderLabel, this.slider),
      this.description,
      h("div", { class: "sx-grids" }, this.gridIn, this.gridOut),
      (this.legend = h("ul", { class: "sx-legend", "aria-label": "Legend" })));
  }

  drawLegend(transposed) {
    const item = (kind, text) => h("li", {}, h("span", { class: `sx-swatch sx-cell ${kind}`, "aria-hidden": "true" }), text);
    this.legend.replaceChildren(...(transposed
      ? [item("", "input or output cell"), item("sx-selected", "the input cell you step through"),
        item("sx-hit", "the output cells it writes"), item("sx-pad", "cropped by padding")]
      : [item("", "input or output cell"), item("sx-selected", "the output cell you step through"),
        item("sx-hit", "the input cells it reads"), item("sx-pad", "padding (zeros)")]));
  }

  buildFinder() {
    this.finderResults = h("div", { class: "sx-finder-results", id: "sx-find-results", "aria-live": "polite" });
    const f = h("form", { class: "sx-finder-form", "aria-label": "Find padding", onsubmit: (e) => { e.preventDefault(); this.find(); },
      oninput: (e) => { if (e.target.type === "number") this.find(); } },
      h("div", { class: "sx-fields" },
        field("sx-find-input", "input size", 28),
        field("sx-find-output", "wanted output", 28),
        field("sx-find-kernel", "kernel_size", 3),
        field("sx-find-stride", "stride", 1),
        h("div", { class: "sx-field" },
          h("label", { for: "sx-find-axis" }, "use for"),
          h("select", { id: "sx-find-axis" },
            h("option", { value: "both" }, "height and width"),
            h("option", { value: "height" }, "height"),
            h("option", { value: "width" }, "width")))),
      h("div", { class: "sx-buttons" },
        h("button", { type: "submit", class: "md-button sx-button", id: "sx-find" }, "Find settings"),
        h("button", { type: "button", class: "md-button sx-button", id: "sx-find-fill", onclick: () => this.fillFinder() },
          "Fill from the layer (height)")));
    this.findMode = h("span", { id: "sx-find-mode" });
    this.finderForm = f;
    return h("section", { class: "sx-finder", "aria-labelledby": "sx-finder-title" },
      h("h2", { class: "sx-title", id: "sx-finder-title" }, "Find padding"),
      h("p", { class: "sx-help" }, "Give an input size, the output size you want, a kernel_size and a stride: the list shows every ",
        this.findMode, " that gives exactly that size along one axis, for the layer chosen above. “Use” copies a setting into the layer."),
      f,
      this.finderResults);
  }

  // ------------------------------------------------------------ reading and writing the form

  input(id) {
    return this.root.querySelector(`#${id}`);
  }

  readInt(id) {
    const raw = this.input(id).value.trim();
    return raw === "" ? NaN : Number(raw); // conv-shapes.js says what is wrong with it, if anything
  }

  config() {
    const mode = this.input("sx-mode-transposed").checked ? "transposed" : "conv";
    const c = { mode, bias: this.input("sx-bias").checked };
    for (const name of SCALARS) c[name] = this.readInt(`sx-${name}`);
    for (const name of PAIRS) c[name] = [this.readInt(`sx-${name}-h`), this.readInt(`sx-${name}-w`)];
    const paddingMode = this.input("sx-padding-mode").value;
    if (mode === "conv" && paddingMode !== "numbers") c.padding = paddingMode;
    if (mode === "conv") c.output_padding = [0, 0];
    return c;
  }

  load(config) {
    const c = { ...DEFAULTS, ...config };
    this.input(`sx-mode-${c.mode === "transposed" ? "transposed" : "conv"}`).checked = true;
    for (const name of SCALARS) this.input(`sx-${name}`).value = c[name];
    this.input("sx-bias").checked = Boolean(c.bias);
    const numbers = Array.isArray(c.padding) ? c.padding : [0, 0];
    this.input("sx-padding-mode").value = Array.isArray(c.padding) ? "numbers" : c.padding;
    for (const name of PAIRS) {
      const pair = name === "padding" ? numbers : c[name];
      this.input(`sx-${name}-h`).value = pair[0];
      this.input(`sx-${name}-w`).value = pair[1];
    }
    this.input("sx-square").checked = PAIRS.every((name) => {
      const pair = name === "padding" ? numbers : c[name];
      return pair[0] === pair[1];
    });
    this.selection = [0, 0];
    this.lastKey = null;
    this.update();
  }

  onInput(event) {
    const target = event.target;
    this.touched = true;
    if (this.input("sx-square").checked && target.id && target.id.endsWith("-h")) {
      this.input(target.id.replace(/-h$/, "-w")).value = target.value;
    }
    if (target.id === "sx-square" && target.checked) {
      for (const name of PAIRS) this.input(`sx-${name}-w`).value = this.input(`sx-${name}-h`).value;
    }
    this.update();
  }

  // ------------------------------------------------------------ results

  update() {
    const c = this.config();
    const transposed = c.mode === "transposed";
    const square = this.input("sx-square").checked;
    // The form follows the mode: ConvTranspose2d has output_padding but no 'same'/'valid'.
    this.input("sx-row-output_padding").hidden = !transposed;
    this.input("sx-padding-mode").disabled = transposed;
    const numeric = transposed || this.input("sx-padding-mode").value === "numbers";
    for (const name of PAIRS) {
      this.input(`sx-${name}-w`).disabled = square || (name === "padding" && !numeric);
      if (name === "padding") this.input("sx-padding-h").disabled = !numeric;
    }

    // A 'change' event after an 'input' event brings nothing new: keep the page (and the focus) as is.
    const key = JSON.stringify([c, square, this.input("sx-padding-mode").value]);
    if (key === this.lastKey) return;
    this.lastKey = key;

    const r = analyze(c);
    this.result = r;
    this.configNow = c;
    this.showResult(c, r);
    this.markInvalid(r);
    this.code.textContent = toPyTorch(c);
    this.copyStatus.textContent = "";
    this.findMode.textContent = transposed ? "padding, output_padding and dilation" : "padding and dilation";
    this.drawGrids();
    // Only once the reader has changed something: a link to a heading (#formulas) must keep its anchor.
    if (this.touched) this.toHash(c);
    if (this.finderForm) this.find(); // the helper follows the layer's mode
  }

  showResult(c, r) {
    const details = [];
    if (r.valid) {
      this.summary.className = "sx-summary sx-valid";
      this.summary.textContent = `Valid. Output shape ${shape(r.output)}.`;
      const rows = [
        ["Output shape", shape(r.output), "sx-out-shape"],
        ["Weight shape", shape(r.weight), "sx-weight-shape"],
        ["Bias shape", r.bias ? shape(r.bias) : "no bias", "sx-bias-shape"],
        ["Parameters", grouped(r.parameters), "sx-parameters"],
        ["Multiply–accumulates", grouped(r.macs), "sx-macs"],
      ];
      details.push(h("dl", { class: "sx-numbers" }, rows.map(([term, value, id]) => [h("dt", {}, term), h("dd", { id }, value)])));
      details.push(h("p", { class: "sx-label" }, "The output size, with the numbers:"));
      details.push(h("ul", { class: "sx-formulas", id: "sx-formulas" },
        r.formulas.map((f) => h("li", {}, h("code", { class: "sx-symbolic" }, f.symbolic), h("br"), h("code", {}, f.numeric)))));
    } else {
      this.summary.className = "sx-summary sx-invalid";
      this.summary.textContent = `Invalid: ${r.errors[0].message}`;
      if (r.errors.length > 1) {
        details.push(h("p", { class: "sx-label" }, "torch would also refuse:"));
        details.push(h("ul", { class: "sx-errors", id: "sx-errors" },
          r.errors.slice(1).map((e) => h("li", { "data-code": e.code }, e.message))));
      }
    }
    if (r.notes.length) details.push(h("ul", { class: "sx-notes", id: "sx-notes", "aria-label": "Notes" }, r.notes.map((n) => h("li", {}, n))));
    this.details.replaceChildren(...details);
  }

  markInvalid(r) {
    for (const el of this.form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const e of r.errors) {
      const ids = SCALARS.includes(e.parameter)
        ? [`sx-${e.parameter}`] : [`sx-${e.parameter}-h`, `sx-${e.parameter}-w`];
      if (e.parameter === "padding") ids.push("sx-padding-mode");
      for (const id of ids) {
        const el = this.input(id);
        if (el) el.setAttribute("aria-invalid", "true");
      }
    }
  }

  async copy() {
    const line = this.code.textContent;
    let done = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(line);
        done = true;
      }
    } catch {
      done = false;
    }
    if (!done) {
      // Fallback for pages served without a secure context: select the text and copy it.
      const range = document.createRange();
      range.selectNodeContents(this.code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      try {
        done = document.execCommand("copy");
      } catch {
        done = false;
      }
    }
    this.copyStatus.textContent = done ? "Copied." : "Select the line and copy it (the browser blocked the clipboard).";
  }

  // ------------------------------------------------------------ the drawing

  /** The grid the reader steps through: the output (Conv2d) or the input (ConvTranspose2d). */
  selectable() {
    const c = this.configNow;
    return c.mode === "transposed" ? [c.height, c.width] : this.result.output.slice(2);
  }

  select([row, col]) {
    const [rows, cols] = this.selectable();
    this.selection = [Math.min(Math.max(row, 0), rows - 1), Math.min(Math.max(col, 0), cols - 1)];
    this.drawGrids();
  }

  drawGrids() {
    const board = this.root.querySelector("#sx-board");
    if (board && document.activeElement === board) this.refocus = true; // redrawn under the keyboard
    const c = this.configNow;
    const r = this.result;
    const help = this.drawing.querySelector("#sx-drawing-help");
    const transposed = c.mode === "transposed";
    const drawable = r.valid && r.output[2] > 0 && r.output[3] > 0 && c.height > 0 && c.width > 0 &&
      c.kernel_size.every((k) => k <= MAX_KERNEL_DRAWN);
    this.slider.disabled = !drawable;
    this.legend.hidden = !drawable;
    if (!drawable) {
      this.refocus = false;
      help.textContent = r.valid ? "Nothing to draw for these sizes." : "No drawing: torch refuses these settings (see above).";
      this.description.textContent = "";
      this.gridIn.replaceChildren();
      this.gridOut.replaceChildren();
      return;
    }
    help.textContent = transposed
      ? "Each input cell of a transposed convolution writes a kernel-sized patch into the output, stride cells apart. Pick an input cell with the slider, or focus the input grid and use the arrow keys."
      : "Each output cell of a convolution reads a kernel-sized patch of the padded input. Pick an output cell with the slider, or focus the output grid and use the arrow keys.";
    this.drawLegend(transposed);
    const [rows, cols] = this.selectable();
    this.selection = [Math.min(this.selection[0], rows - 1), Math.min(this.selection[1], cols - 1)];
    const [row, col] = this.selection;
    this.sliderLabel.textContent = transposed ? "Input cell" : "Output cell";
    this.slider.max = String(rows * cols - 1);
    this.slider.value = String(row * cols + col);
    this.slider.setAttribute("aria-valuetext", `row ${row}, column ${col}`);

    const tapRows = taps(c, 0, row);
    const tapCols = taps(c, 1, col);
    const hitRows = new Set(tapRows.map((t) => t.index));
    const hitCols = new Set(tapCols.map((t) => t.index));
    const spatial = outputSpatial(c);
    if (transposed) {
      this.gridIn.replaceChildren(this.grid({
        title: `Input (${c.height} × ${c.width})`, axes: [[0, c.height - 1], [0, c.width - 1]],
        focus: [[row, row], [col, col]], kind: () => "", selected: [row, col], focusable: true,
      }));
      // The full output before padding crops it: padding rows/columns are cut from each side,
      // then output_padding adds rows/columns back at the bottom/right.
      const [pH, pW] = c.padding;
      const [oH, oW] = c.output_padding;
      this.gridOut.replaceChildren(this.grid({
        title: `Output (${spatial[0]} × ${spatial[1]})${pH || pW ? ", with the border that padding crops" : ""}`,
        axes: [[-pH, Math.max(spatial[0] - 1, spatial[0] - 1 + pH - oH)], [-pW, Math.max(spatial[1] - 1, spatial[1] - 1 + pW - oW)]],
        focus: [span(tapRows), span(tapCols)],
        kind: (i, j) => {
          const cropped = i < 0 || j < 0 || i >= spatial[0] || j >= spatial[1] ? "sx-pad" : "";
          return `${cropped} ${hitRows.has(i) && hitCols.has(j) ? "sx-hit" : ""}`;
        },
      }));
    } else {
      const [[top, bottom], [left, right]] = r.padding;
      this.gridIn.replaceChildren(this.grid({
        title: `Padded input (${c.height} × ${c.width}, padding ${formatPair([top, left])}${top !== bottom || left !== right ? ` before, ${formatPair([bottom, right])} after` : ""})`,
        axes: [[-top, c.height - 1 + bottom], [-left, c.width - 1 + right]],
        focus: [span(tapRows), span(tapCols)],
        kind: (i, j) => {
          const pad = i < 0 || j < 0 || i >= c.height || j >= c.width ? "sx-pad" : "";
          return `${pad} ${hitRows.has(i) && hitCols.has(j) ? "sx-hit" : ""}`;
        },
      }));
      this.gridOut.replaceChildren(this.grid({
        title: `Output (${spatial[0]} × ${spatial[1]})`, axes: [[0, spatial[0] - 1], [0, spatial[1] - 1]],
        focus: [[row, row], [col, col]], kind: () => "", selected: [row, col], focusable: true,
      }));
    }
    this.description.textContent = describe(c, row, col, tapRows, tapCols);
    if (this.refocus) {
      // The grid was redrawn while it had the focus: give the focus to the new one.
      this.refocus = false;
      this.root.querySelector("#sx-board").focus();
    }
  }

  /** One grid: a window of at most MAX_DRAWN cells per axis, around the cells of interest. */
  grid({ title, axes, focus, kind, selected = null, focusable = false }) {
    const [rowsRange, colsRange] = [windowOf(axes[0], focus[0]), windowOf(axes[1], focus[1])];
    const clipped = rowsRange[0] > axes[0][0] || rowsRange[1] < axes[0][1] || colsRange[0] > axes[1][0] || colsRange[1] < axes[1][1];
    const ncols = colsRange[1] - colsRange[0] + 1;
    const cells = [h("span", { class: "sx-corner" })];
    for (let j = colsRange[0]; j <= colsRange[1]; j++) cells.push(h("span", { class: "sx-axis" }, String(j)));
    for (let i = rowsRange[0]; i <= rowsRange[1]; i++) {
      cells.push(h("span", { class: "sx-axis" }, String(i)));
      for (let j = colsRange[0]; j <= colsRange[1]; j++) {
        const isSelected = selected && selected[0] === i && selected[1] === j;
        cells.push(h("span", {
          class: `sx-cell ${kind(i, j)}${isSelected ? " sx-selected" : ""}`,
          "data-row": i, "data-col": j,
          onclick: focusable ? () => this.select([i, j]) : null,
        }));
      }
    }
    const board = h("div", {
      class: "sx-board", style: `grid-template-columns: auto repeat(${ncols}, var(--sx-cell))`,
      "aria-hidden": focusable ? null : "true",
    }, cells);
    const caption = h("p", { class: "sx-grid-title" }, title,
      clipped ? h("span", { class: "sx-hint" }, ` — showing rows ${rowsRange[0]}–${rowsRange[1]}, columns ${colsRange[0]}–${colsRange[1]}`) : null);
    if (!focusable) return h("figure", { class: "sx-grid" }, caption, board);
    board.setAttribute("tabindex", "0");
    board.setAttribute("role", "group");
    board.setAttribute("aria-label", `${title}: arrow keys move the selected cell`);
    board.setAttribute("aria-describedby", "sx-drawing-text");
    board.id = "sx-board";
    for (const cell of board.children) cell.setAttribute("aria-hidden", "true");
    board.addEventListener("keydown", (e) => this.onGridKey(e));
    return h("figure", { class: "sx-grid" }, caption, board);
  }

  onGridKey(e) {
    const [row, col] = this.selection;
    const [rows, cols] = this.selectable();
    const moves = {
      ArrowUp: [row - 1, col], ArrowDown: [row + 1, col], ArrowLeft: [row, col - 1], ArrowRight: [row, col + 1],
      Home: [row, 0], End: [row, cols - 1], PageUp: [0, col], PageDown: [rows - 1, col],
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    this.select(moves[e.key]);
  }

  // ------------------------------------------------------------ find padding

  fillFinder() {
    const c = this.configNow;
    this.input("sx-find-input").value = c.height;
    this.input("sx-find-output").value = this.result.valid ? this.result.output[2] : c.height;
    this.input("sx-find-kernel").value = c.kernel_size[0];
    this.input("sx-find-stride").value = c.stride[0];
    this.find();
  }

  find() {
    const mode = this.configNow.mode;
    const query = {
      mode,
      input: this.readInt("sx-find-input"),
      output: this.readInt("sx-find-output"),
      kernel: this.readInt("sx-find-kernel"),
      stride: this.readInt("sx-find-stride"),
    };
    const { settings, problem, truncated } = findSettings(query);
    if (!settings.length) {
      this.finderResults.replaceChildren(h("p", { class: "sx-invalid", id: "sx-find-none" }, `None exist. ${problem}`));
      return;
    }
    const items = settings.map((s, i) => {
      const text = typeof s.padding === "string"
        ? "padding='same'"
        : [`padding=${s.padding}`, mode === "transposed" ? `output_padding=${s.output_padding}` : null, `dilation=${s.dilation}`]
          .filter(Boolean).join(", ");
      return h("li", {}, h("code", {}, text), " ",
        h("button", { type: "button", class: "sx-chip", id: `sx-use-${i}`, "aria-label": `Use ${text}`, onclick: () => this.use(query, s) }, "Use"));
    });
    const layer = mode === "transposed" ? "ConvTranspose2d" : "Conv2d";
    const parts = [
      h("p", {}, `${settings.length}${truncated ? "+" : ""} setting${settings.length === 1 ? "" : "s"} of ${layer} map ${query.input} to ${query.output} with kernel_size ${query.kernel} and stride ${query.stride}:`),
      h("ul", { class: "sx-settings", id: "sx-find-list" }, items),
    ];
    if (truncated) parts.push(h("p", { class: "sx-hint" }, "(the first ones only)"));
    this.finderResults.replaceChildren(...parts);
  }

  use(query, s) {
    this.touched = true;
    const axis = this.input("sx-find-axis").value;
    const sides = axis === "both" ? ["h", "w"] : [axis === "height" ? "h" : "w"];
    if (axis !== "both") this.input("sx-square").checked = false;
    if (typeof s.padding === "string") {
      this.input("sx-padding-mode").value = "same";
    } else {
      this.input("sx-padding-mode").value = "numbers";
    }
    const values = { kernel_size: query.kernel, stride: query.stride, dilation: s.dilation,
      padding: typeof s.padding === "string" ? 0 : s.padding, output_padding: s.output_padding ?? 0 };
    for (const side of sides) {
      for (const [name, value] of Object.entries(values)) this.input(`sx-${name}-${side}`).value = value;
      this.input(side === "h" ? "sx-height" : "sx-width").value = query.input;
    }
    this.update();
    this.summary.scrollIntoView({ block: "nearest" });
  }

  // ------------------------------------------------------------ shareable state in the URL

  toHash(c) {
    const params = new URLSearchParams();
    params.set("mode", c.mode);
    for (const name of SCALARS) params.set(name, String(c[name]));
    for (const name of PAIRS) {
      if (name === "output_padding" && c.mode === "conv") continue;
      params.set(name, typeof c[name] === "string" ? c[name] : c[name].join(","));
    }
    params.set("bias", c.bias ? "1" : "0");
    history.replaceState(null, "", `#${params.toString()}`);
  }

  fromHash() {
    if (!location.hash.includes("=")) return null;
    const params = new URLSearchParams(location.hash.slice(1));
    const c = { ...DEFAULTS, mode: params.get("mode") === "transposed" ? "transposed" : "conv" };
    for (const name of SCALARS) {
      if (params.has(name)) c[name] = Number(params.get(name));
    }
    for (const name of PAIRS) {
      const value = params.get(name);
      if (value === null) continue;
      if (name === "padding" && (value === "same" || value === "valid")) c.padding = value;
      else {
        const parts = value.split(",").map(Number);
        c[name] = [parts[0], parts.length > 1 ? parts[1] : parts[0]];
      }
    }
    if (params.has("bias")) c.bias = params.get("bias") !== "0";
    return c;
  }
}

/** [first, last] of the in-range tap indices (all taps when there is no limit). */
function span(tapList, limit = Infinity) {
  const inside = tapList.map((t) => t.index).filter((i) => limit === Infinity || (i >= 0 && i < limit));
  if (!inside.length) return [0, 0];
  return [Math.min(...inside), Math.max(...inside)];
}

/** A window [from, to] of at most MAX_DRAWN indices inside `range`, centred on `focus` where possible. */
function windowOf([lo, hi], [f0, f1]) {
  if (hi - lo + 1 <= MAX_DRAWN) return [lo, hi];
  const middle = Math.floor((f0 + f1) / 2);
  let from = Math.max(lo, Math.min(f0, middle - Math.floor(MAX_DRAWN / 2)));
  from = Math.min(from, hi - MAX_DRAWN + 1);
  return [from, from + MAX_DRAWN - 1];
}

function rangeText(list) {
  const values = [...new Set(list)].sort((a, b) => a - b);
  if (!values.length) return "none";
  if (values.length === 1) return String(values[0]);
  const step = values[1] - values[0];
  const even = values.every((v, i) => i === 0 || v - values[i - 1] === step);
  if (even && step === 1) return `${values[0]} to ${values[values.length - 1]}`;
  if (even) return `${values[0]} to ${values[values.length - 1]}, every ${step}`;
  return values.join(", ");
}

function describe(c, row, col, tapRows, tapCols) {
  const total = tapRows.length * tapCols.length;
  const inside = tapRows.filter((t) => t.inside).length * tapCols.filter((t) => t.inside).length;
  if (c.mode === "transposed") {
    const writtenRows = tapRows.filter((t) => t.inside).map((t) => t.index);
    const writtenCols = tapCols.filter((t) => t.inside).map((t) => t.index);
    const cropped = total - inside;
    return `Input cell (row ${row}, column ${col}) writes ${inside} output cell${inside === 1 ? "" : "s"}: rows ${rangeText(writtenRows)}, columns ${rangeText(writtenCols)}` +
      (cropped ? `; ${cropped} more fall outside the output (cropped by padding).` : ".");
  }
  const pads = total - inside;
  return `Output cell (row ${row}, column ${col}) reads ${total} input cell${total === 1 ? "" : "s"}: rows ${rangeText(tapRows.map((t) => t.index))}, columns ${rangeText(tapCols.map((t) => t.index))}` +
    (pads ? `; ${pads} of them are padding (zeros).` : ".");
}

// Mount on the page that has the explorer: on load, and again after each instant page switch
// of the theme (document$), which replaces the content without running this module again.
// On a first load this module runs before the theme's deferred bundle has made document$, so
// it waits for DOMContentLoaded (its listener comes before the theme's, which emits document$).
function mount() {
  const root = document.getElementById("sx-app");
  if (root && !root.dataset.mounted) {
    root.dataset.mounted = "true";
    window.shapeExplorer = new Explorer(root);
  }
}
function start() {
  if (window.document$) window.document$.subscribe(mount);
  else mount(); // no theme script on this page
}
if (window.document$) start();
else document.addEventListener("DOMContentLoaded", start);
