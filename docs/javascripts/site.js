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

// The light/dark toggle in the header. The theme's own palette component is left out
// (overrides/partials/palette.html): on every load it re-applies the palette that the page
// already has, marks <body> as switching and reads the header's style, which restyles the
// whole page twice. This one changes the page only when the palette must change: on a click,
// or on a first visit from a system that asks for dark. It stores the choice as the theme does
// (__palette), so the theme's inline script applies it on the next page before it is drawn.
(function () {
  "use strict";

  var form = document.querySelector("form[data-palette]");
  if (!form || !window.__md_get) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input.md-option"));
  var KEYS = ["media", "scheme", "primary", "accent"];
  var system = matchMedia("(prefers-color-scheme: light)");

  // The browser's bar takes the header's colour, and its own controls the scheme's, as the theme
  // does. overrides/main.html writes the light values into <head>; a meta tag is written only when
  // its value changes, because a new color-scheme restyles the whole page.
  function colourBrowser() {
    var style = getComputedStyle(document.querySelector("[data-md-component=header]"));
    var wanted = {
      "color-scheme": style.colorScheme,
      "theme-color": "#" + (style.backgroundColor.match(/\d+/g) || []).slice(0, 3).map(function (v) {
        return (+v).toString(16).padStart(2, "0");
      }).join(""),
    }; // read before anything is written: a read after a write restyles the page again
    Object.keys(wanted).forEach(function (name) {
      var el = document.head.querySelector('meta[name="' + name + '"]');
      if (!el) {
        el = document.createElement("meta");
        el.name = name;
        document.head.append(el);
      }
      if (el.content !== wanted[name]) el.content = wanted[name];
    });
  }

  function current() {
    var stored = __md_get("__palette");
    if (stored && typeof stored.index === "number") return Math.max(0, Math.min(stored.index, inputs.length - 1));
    var index = inputs.findIndex(function (input) { return matchMedia(input.getAttribute("data-md-color-media")).matches; });
    return Math.max(0, index);
  }

  function apply(index) {
    var body = document.body;
    var color = {};
    KEYS.forEach(function (key) { color[key] = inputs[index].getAttribute("data-md-color-" + key); });
    var change = KEYS.slice(1).some(function (key) { return body.getAttribute("data-md-color-" + key) !== color[key]; });
    if (change) {
      body.setAttribute("data-md-color-switching", ""); // no colour transitions while switching
      KEYS.forEach(function (key) { body.setAttribute("data-md-color-" + key, color[key]); });
      setTimeout(function () { body.removeAttribute("data-md-color-switching"); });
    } else {
      body.setAttribute("data-md-color-media", color.media); // no stylesheet reads it: no restyle
    }
    inputs.forEach(function (input, i) {
      var label = input.nextElementSibling;
      if (label && label.tagName === "LABEL") label.hidden = i !== index;
    });
    __md_set("__palette", { index: index, color: color });
    // After a change, now; on load, once the browser has styled the page anyway.
    if (change) colourBrowser();
    else (window.requestIdleCallback || setTimeout)(colourBrowser);
  }

  form.addEventListener("change", function (event) {
    var index = inputs.indexOf(event.target);
    if (index >= 0) apply(index);
  });
  // Enter on the focused toggle switches too (Space and the arrow keys do it natively).
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var next = inputs[(current() + 1) % inputs.length];
    next.click();
    next.focus();
  });
  system.addEventListener("change", function () { apply(current()); });
  apply(current());
})();
