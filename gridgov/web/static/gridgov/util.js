/* Small helpers shared by the map scripts: DOM building, toasts, the API's error body, colours. */
(() => {
  "use strict";

  // Build elements with textContent only: names and phone numbers come from the database and
  // must never be parsed as HTML.
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  // "{n} grids" style placeholders: the translated sentence decides where the value goes.
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function toast(message, kind = "danger") {
    const box = document.getElementById("gg-toasts");
    if (!box || !window.bootstrap) {
      console.error(message);
      return;
    }
    const close = h("button", {
      type: "button",
      class: "btn-close btn-close-white me-2 m-auto",
      "data-bs-dismiss": "toast",
      "aria-label": box.dataset.closeLabel || "×",
    });
    const el = h(
      "div",
      { class: `toast align-items-center text-bg-${kind} border-0`, role: "alert", "aria-live": "assertive",
        "aria-atomic": "true", "data-testid": "toast" },
      h("div", { class: "d-flex" }, h("div", { class: "toast-body", text: message }), close),
    );
    box.append(el);
    el.addEventListener("hidden.bs.toast", () => el.remove());
    new window.bootstrap.Toast(el, { delay: 6000 }).show();
  }

  class ApiError extends Error {
    constructor(message, status, code) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // Every API failure carries {"error": {"code", "message", "fields"}}, already in the user's
  // language; fall back to our own sentence when the body is something else (a proxy's page).
  async function getJson(url, fallbackMessage) {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch {
      throw new ApiError(fallbackMessage, 0, "network");
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.ok && body) return body;
    const error = body && body.error ? body.error : {};
    throw new ApiError(error.message || fallbackMessage, response.status, error.code || "error");
  }

  // A qualitative palette that stays readable at 40 % opacity on a light background. No pure red:
  // on a government map red reads as an alarm.
  const PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
    "#9c755f", "#ff9da7", "#8cd17d", "#a0cbe8", "#d37295", "#bab0ac",
  ];

  // FNV-1a: neighbouring codes (…001, …002) land on unrelated colours, and a code always gets
  // the same colour on every screen and every day.
  function colourFor(code) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < code.length; i += 1) {
      hash ^= code.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return PALETTE[hash % PALETTE.length];
  }

  // Show an API failure; a 401 means the session ended (idle time-out), so go back to log in.
  function reportError(error, sessionEnded) {
    toast(error.status === 401 && sessionEnded ? sessionEnded : error.message);
    const shell = document.querySelector("[data-login-url]");
    if (error.status === 401 && shell) {
      const next = encodeURIComponent(window.location.pathname);
      setTimeout(() => window.location.assign(`${shell.dataset.loginUrl}?next=${next}`), 2500);
    }
  }

  function readJson(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : {};
  }

  window.GG = Object.assign(window.GG || {}, { h, fmt, toast, reportError, getJson, ApiError, colourFor, readJson, PALETTE });
})();
