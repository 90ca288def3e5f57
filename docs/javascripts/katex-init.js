// Renders math with the self-hosted KaTeX in docs/assets/katex: no CDN, works offline.
// KaTeX (268 KB) is fetched only on pages that contain math, so other pages stay light.
(function () {
  "use strict";
  var base = new URL("../assets/katex/", document.currentScript.src).href;
  var loading = null;

  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = base + "katex.min.css";
      document.head.appendChild(css);
      var core = document.createElement("script");
      core.src = base + "katex.min.js";
      core.onload = function () {
        var auto = document.createElement("script");
        auto.src = base + "contrib/auto-render.min.js";
        auto.onload = resolve;
        auto.onerror = reject;
        document.head.appendChild(auto);
      };
      core.onerror = reject;
      document.head.appendChild(core);
    });
    return loading;
  }

  function render() {
    // pymdownx.arithmatex (generic mode) wraps math in .arithmatex with \( \) and \[ \];
    // mkdocs-jupyter leaves notebook math as raw $...$ inside .jp-RenderedMarkdown.
    var arith = document.querySelectorAll(".arithmatex");
    var nb = document.querySelectorAll(".jp-RenderedMarkdown");
    if (arith.length === 0 && nb.length === 0) return;
    var tex = [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ];
    var dollars = [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
    ];
    var jobs = [];
    arith.forEach(function (el) { jobs.push([el, tex]); });
    nb.forEach(function (el) { jobs.push([el, dollars]); });
    load().then(function () { renderInSlices(jobs, 0); });
  }

  // A long page has hundreds of formulas: render for at most ~8 ms at a time, then yield,
  // so that no long task blocks input (or the first paint) while the math appears.
  function renderInSlices(jobs, start) {
    var began = performance.now();
    var i = start;
    while (i < jobs.length && performance.now() - began < 8) {
      window.renderMathInElement(jobs[i][0], { delimiters: jobs[i][1], throwOnError: false });
      i++;
    }
    if (i < jobs.length) {
      setTimeout(function () { renderInSlices(jobs, i); }, 0);
    }
  }

  if (window.document$) {
    window.document$.subscribe(render);
  } else {
    document.addEventListener("DOMContentLoaded", render);
  }
})();
