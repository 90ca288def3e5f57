"""The Benchmarks page: what each ×2 upsampling choice costs, measured by `python -m snippets.benchmarks`.

- `variants`: the upsampling modules compared, and their FLOP and byte counts;
- `harness`: timing in blocks, reruns of noisy cases, precision modes, the matmul and copy peaks;
- `from_scratch`: the site's from-scratch convolutions timed as a ratio to the library op;
- `grid`, `run`: what a run measures and how long it takes (the machine record is `snippets.experiment`),
  saved as JSON in `results/`;
- `readings`: every sentence that reads the results (roofline, fastest, ratios, noise), computed from them;
- `report` and `figures`: the page's tables and plots, drawn from the saved results only.
"""
