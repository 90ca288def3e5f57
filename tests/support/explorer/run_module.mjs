// Runs the explorer's JS module (docs/javascripts/explorer/conv-shapes.js) on many inputs at once.
//   node run_module.mjs MODULE_PATH < request.json > reply.json
// request: {"analyze": [config, ...], "taps": [[config, row, col], ...], "find": [query, ...]}
// The module is imported from a data: URL, so Node treats it as an ES module whatever its
// extension and Node's version (no package.json needed next to it).
import { readFileSync } from "node:fs";

const source = readFileSync(process.argv[2], "utf8");
const mod = await import("data:text/javascript;base64," + Buffer.from(source).toString("base64"));
const request = JSON.parse(readFileSync(0, "utf8"));

const analyze = (request.analyze || []).map((config) => {
  const r = mod.analyze(config);
  return {
    valid: r.valid,
    codes: r.errors.map((e) => e.code),
    parameters_named: r.errors.map((e) => e.parameter),
    messages: r.errors.map((e) => e.message),
    notes: r.notes,
    output: r.output,
    weight: r.weight,
    bias: r.bias,
    parameters: r.parameters === null ? null : String(r.parameters),
    macs: r.macs === null ? null : String(r.macs),
    formulas: r.formulas,
    pytorch: mod.toPyTorch(config),
  };
});
const taps = (request.taps || []).map(([config, row, col]) => ({
  rows: mod.taps(config, 0, row),
  cols: mod.taps(config, 1, col),
}));
const find = (request.find || []).map((query) => mod.findSettings(query));
process.stdout.write(JSON.stringify({ analyze, taps, find }));
