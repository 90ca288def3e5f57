// "Copy as script": a second copy button on each Python block. The theme's own button copies
// the block as shown; this one copies the block as a script that runs on its own (the block,
// with the imports and the code it needs from the blocks above). The build writes each script
// as a file, scripts/<page>/<n>.py, and marks its block with data-script (tools/script_hook.py);
// the file is fetched, from this site, only when the button is pressed.
(() => {
  const LABEL = "Copy as script";
  let status; // one polite live region, so that screen readers hear the result

  function announce(message) {
    if (!status || !status.isConnected) {
      status = document.createElement("div");
      status.className = "copy-script-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.append(status);
    }
    status.textContent = "";
    setTimeout(() => {
      status.textContent = message; // a change, even when the message repeats
    }, 50);
    if (window.alert$) window.alert$.next(message); // the theme's own toast, as for its copy button
  }

  async function copyScript(url) {
    const text = fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${response.status} ${url}`);
      return response.text();
    });
    try {
      // A clipboard item that waits for the file keeps the click's permission to write (Safari).
      const blob = text.then((t) => new Blob([t], { type: "text/plain" }));
      await navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]);
    } catch {
      await navigator.clipboard.writeText(await text);
    }
  }

  function addButton(block) {
    const pre = block.querySelector("pre");
    if (!pre || pre.querySelector('.md-code__button[data-md-type="script"]')) return;
    let nav = pre.querySelector(":scope > .md-code__nav"); // the theme's buttons
    if (!nav) {
      nav = document.createElement("nav");
      nav.className = "md-code__nav";
      pre.prepend(nav);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-code__button";
    button.dataset.mdType = "script";
    button.title = `${LABEL}: this block, with what it needs from the blocks above`;
    button.setAttribute("aria-label", LABEL);
    button.addEventListener("click", async () => {
      try {
        await copyScript(new URL(block.dataset.script, document.baseURI).href);
        announce("Script copied");
      } catch {
        announce("Could not copy the script");
      }
    });
    nav.append(button);
  }

  // In slices, while the browser is idle: a page with many blocks would otherwise add all its
  // buttons in one long task (up to 170 ms measured on a slow phone), which delays the reader's
  // first tap or scroll (Lighthouse counts it as blocking time).
  const idle = window.requestIdleCallback || ((run) => setTimeout(() => run({ timeRemaining: () => 8 }), 1));

  function addButtons() {
    const blocks = [...document.querySelectorAll("div.highlight[data-script]")];
    const slice = (deadline) => {
      // At most ~8 ms a slice, well under the 50 ms of a long task on a phone 4x slower.
      const start = performance.now();
      do addButton(blocks.shift());
      while (blocks.length && deadline.timeRemaining() > 0 && performance.now() - start < 8);
      if (blocks.length) idle(slice, { timeout: 500 });
    };
    if (blocks.length) idle(slice, { timeout: 500 });
  }

  // The theme adds its own buttons when a page is shown, also after instant navigation.
  if (window.document$) window.document$.subscribe(() => setTimeout(addButtons));
  else document.addEventListener("DOMContentLoaded", addButtons);
})();
