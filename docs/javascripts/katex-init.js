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
    load().then(function () {
      arith.forEach(function (el) {
        window.renderMathInElement(el, {
          delimiters: [
            { left: "\\(", right: "\\)", display: false },
            { left: "\\[", right: "\\]", display: true },
          ],
          throwOnError: false,
        });
      });
      nb.forEach(function (el) {
        window.renderMathInElement(el, {
          delimiters: [
            { left: "$$", right: "$$", display: true },
            { left: "$", right: "$", display: false },
          ],
          throwOnError: false,
        });
      });
    });
  }

  if (window.document$) {
    window.document$.subscribe(render);
  } else {
    document.addEventListener("DOMContentLoaded", render);
  }
})();
