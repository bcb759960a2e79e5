/**
 * The page's only script, inlined with the CSP nonce. It polls `/pay/:id/status`; when anything but the
 * server clock changes it fetches `/pay/:id/regions` and swaps those server-rendered regions (`data-region`)
 * in place, so every word, amount and QR code is rendered in one place, on the server, escaped there. It also runs the
 * countdown (against the server's clock) and the copy buttons. Plain ES2020, no build step, no libraries.
 * `formatCountdown` in `countdown.ts` is the server's copy of `countdownText`; keep them alike.
 */
export const checkoutScript = `
(() => {
  "use strict";
  const root = document.querySelector("[data-checkout]");
  if (!root) return;
  const ACTIVE_POLL_MS = 2000;
  const CLOSED_POLL_MS = 10000;
  const MAX_BACKOFF_MS = 30000;
  let last = JSON.parse(root.dataset.initialStatus);
  let clockOffsetMs = Date.parse(last.server_time) - Date.now();
  let failures = 0;
  let pollTimer;

  const withoutClock = (status) => JSON.stringify({ ...status, server_time: null });
  const pad = (value) => String(value).padStart(2, "0");

  function countdownText(remainingMs) {
    const total = Math.max(0, Math.ceil(remainingMs / 1000));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = pad(total % 60);
    return hours > 0 ? hours + ":" + pad(minutes) + ":" + seconds : minutes + ":" + seconds;
  }

  function tick() {
    const timer = document.querySelector("[data-expires-at]");
    if (!timer) return;
    const remainingMs = Date.parse(timer.dataset.expiresAt) - (Date.now() + clockOffsetMs);
    timer.textContent = countdownText(remainingMs);
    if (remainingMs <= 0 && !timer.dataset.elapsed) {
      timer.dataset.elapsed = "true";
      schedule(0);
    }
  }

  async function refreshRegions() {
    const response = await fetch(root.dataset.regionsUrl, { cache: "no-store", headers: { accept: "text/html" } });
    if (!response.ok) throw new Error("regions answered " + response.status);
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const region of document.querySelectorAll("[data-region]")) {
      const replacement = fresh.querySelector('[data-region="' + region.dataset.region + '"]');
      if (!replacement) continue;
      region.className = replacement.className;
      region.hidden = replacement.hidden;
      region.replaceChildren(...Array.from(replacement.childNodes, (node) => document.importNode(node, true)));
    }
    tick();
  }

  function schedule(delayMs) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, delayMs);
  }

  async function poll() {
    try {
      const response = await fetch(root.dataset.statusUrl, { cache: "no-store", headers: { accept: "application/json" } });
      if (!response.ok) throw new Error("status answered " + response.status);
      const next = await response.json();
      clockOffsetMs = Date.parse(next.server_time) - Date.now();
      if (withoutClock(next) !== withoutClock(last)) await refreshRegions();
      last = next;
      failures = 0;
    } catch (error) {
      failures += 1;
    }
    if (last.final) return;
    // quick while a payment is invited or confirming; an expired request only waits for a late one
    const active = last.accepting_payment || last.status === "pending";
    schedule(failures > 0 ? Math.min(MAX_BACKOFF_MS, ACTIVE_POLL_MS * 2 ** failures) : active ? ACTIVE_POLL_MS : CLOSED_POLL_MS);
  }

  // a payer who switched to a wallet app and back should not wait for the next poll
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !last.final) schedule(0);
  });

  const feedback = document.getElementById("copy-feedback");
  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const label = button.dataset.copyLabel || "Text";
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = "Copied";
      feedback.textContent = label + " copied to the clipboard.";
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    } catch (error) {
      // no clipboard access (an old browser, an insecure origin): select it for a manual copy instead
      getSelection().selectAllChildren(source);
      feedback.textContent = label + " selected: copy it with your device's copy command.";
    }
  });

  setInterval(tick, 1000);
  tick();
  if (!last.final) schedule(ACTIVE_POLL_MS);
})();
`;
