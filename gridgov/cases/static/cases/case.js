/* The case page: its small map, ticking items off without a reload, copying the rating link. */
(() => {
  "use strict";
  const { readJson, toast, smallMap, pointMarker, GRID_STYLE } = window.GG;
  const labels = readJson("gg-labels");

  // ---- the place ----
  const data = readJson("gg-minimap-data");
  const element = document.getElementById("gg-minimap");
  if (element && data.point) {
    const map = smallMap(element, data);
    const [lng, lat] = data.point;
    // The view first: Leaflet cannot draw a layer on a map that has no centre yet.
    const grid = L.geoJSON(data.grid, { style: GRID_STYLE, interactive: false });
    map.fitBounds(grid.getBounds(), { padding: [16, 16], maxZoom: 17 });
    grid.addTo(map);
    pointMarker([lat, lng]).bindTooltip(data.gridName, { direction: "top", offset: [0, -8] }).addTo(map);
    element.dataset.state = "ready";
  }

  // ---- items: a tap ticks one off at once; the server answers with the new count ----
  function updateProgress(ticked, total) {
    const count = document.querySelector("[data-gg-ticked]");
    const bar = document.querySelector("[data-gg-bar]");
    if (count) count.textContent = String(ticked);
    if (bar) bar.style.width = `${total ? Math.round((ticked / total) * 100) : 0}%`;
  }

  document.querySelectorAll("form[data-gg-tick]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const row = form.closest(".gg-item");
      const button = form.querySelector("button");
      const input = form.querySelector("input[name=done]");
      button.disabled = true;
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const body = await response.json().catch(() => null);
        if (!response.ok || !body) throw new Error((body && body.error && body.error.message) || labels.tickFailed);
        row.classList.toggle("is-done", body.done);
        button.setAttribute("aria-pressed", String(body.done));
        input.value = body.done ? "0" : "1";
        updateProgress(body.ticked, body.total);
      } catch (error) {
        toast(error.message || labels.tickFailed);
      } finally {
        button.disabled = false;
      }
    });
  });

  // ---- the rating link ----
  document.querySelectorAll("[data-gg-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const field = document.querySelector(button.dataset.ggCopy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        toast(labels.copied, "success");
      } catch {
        document.execCommand("copy"); // older WebViews (WeChat's) have no async clipboard
      }
    });
  });

  // A form sent twice by a double tap would meet its own new version: one submit per form.
  document.querySelectorAll("form.gg-action-form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) event.preventDefault();
      form.dataset.sent = "1";
    });
  });
})();
