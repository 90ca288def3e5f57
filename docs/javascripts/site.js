// What every page needs beyond the theme, run on load and again after each instant page
// switch (the theme's document$). Small on purpose: no math engine, no framework.
(function () {
  "use strict";

  // Old anchors: a chapter index page (once a single long page) carries a map from the old
  // page's anchors to their new pages (tools/anchors.py). An address that names one of them,
  // and no element on this page, goes to the new home.
  function followOldAnchor() {
    var data = document.getElementById("old-anchors");
    if (!data || location.hash.length < 2) return;
    var id = decodeURIComponent(location.hash.slice(1));
    var map = JSON.parse(data.textContent);
    if (Object.prototype.hasOwnProperty.call(map, id) && !document.getElementById(id)) {
      location.replace(new URL(map[id], location.href).href);
    }
  }

  // Keyboard access to what scrolls sideways (WCAG 2.1.1): a code or output block, a wide
  // formula or table that overflows gets tabindex=0, so it can be focused and scrolled with the arrow
  // keys. The theme does this for code only on devices with hover, and removes it elsewhere;
  // this observer is created after the theme's, so its callback runs last and wins.
  var SCROLLERS = [
    ".md-typeset pre > code",
    ".md-typeset pre > samp",
    ".md-typeset .math-display",
    ".md-typeset__scrollwrap",
    ".jupyter-wrapper .notebook-code pre",
  ].join(", ");
  var resized = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var el = entry.target;
      if (el.scrollWidth > el.clientWidth + 1) el.setAttribute("tabindex", "0");
      else if (!el.matches("pre > code")) el.removeAttribute("tabindex");
    });
  });

  // The theme wraps each code block's copy button in a <nav>: a page with twelve blocks would
  // have twelve navigation landmarks with the same name. A copy button is not a landmark;
  // the button itself keeps its name ("Copy to clipboard").
  function unlandmarkCodeButtons() {
    document.querySelectorAll("nav.md-code__nav").forEach(function (nav) {
      nav.setAttribute("role", "none");
    });
  }

  // Measuring every block costs layout time at load; it waits until the page is idle (the
  // observer still runs after the theme's, which measured at load).
  var whenIdle = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };

  function onPage() {
    followOldAnchor();
    unlandmarkCodeButtons();
    resized.disconnect();
    whenIdle(function () {
      document.querySelectorAll(SCROLLERS).forEach(function (el) { resized.observe(el); });
    });
  }

  window.addEventListener("hashchange", followOldAnchor);
  if (window.document$) window.document$.subscribe(onPage);
  else document.addEventListener("DOMContentLoaded", onPage);
})();
