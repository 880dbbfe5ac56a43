/* Pick a building's location on a small map of its grid; the typed fields stay the source of truth. */
(() => {
  "use strict";
  const { fmt, readJson } = window.GG;
  const el = document.getElementById("building-picker");
  if (!el || !window.L) return;
  const config = readJson("picker-config");
  const labels = readJson("picker-labels");
  const lng = document.getElementById("id_lng");
  const lat = document.getElementById("id_lat");
  const crs = document.getElementById("id_crs");
  const hint = document.getElementById("picker-hint");

  const map = L.map(el, { zoomControl: true, attributionControl: Boolean(config.tileUrl), maxZoom: 19 });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  const outline = L.geoJSON(config.boundary, {
    style: { color: "#114f9b", weight: 2, fillColor: "#1a62b8", fillOpacity: 0.08 },
    interactive: false,
  }).addTo(map);
  map.fitBounds(outline.getBounds(), { padding: [16, 16] });
  for (const b of config.buildings) {
    L.circleMarker([b.lat, b.lng], { radius: 5, color: "#5d6b7a", weight: 1, fillOpacity: 0.6, interactive: true })
      .bindTooltip(b.name)
      .addTo(map);
  }

  const marker = L.circleMarker([0, 0], { radius: 9, color: "#fff", weight: 3, fillColor: "#d93025", fillOpacity: 1 });
  const round = (v) => Math.round(v * 1e6) / 1e6; // about 0.1 m: more digits would only be noise

  function place(latlng, fromMap) {
    marker.setLatLng(latlng).addTo(map);
    hint.classList.add("is-set");
    hint.textContent = fmt(labels.picked, { lng: round(latlng.lng), lat: round(latlng.lat) });
    if (!fromMap) return;
    lng.value = round(latlng.lng);
    lat.value = round(latlng.lat);
    crs.value = config.crs; // a point picked on the map is in the map's system
    const inside = outline.getLayers().some((layer) => layer.getBounds().contains(latlng));
    if (!inside) hint.textContent += ` — ${labels.outside}`;
  }

  map.on("click", (event) => place(event.latlng, true));
  for (const input of [lng, lat]) {
    input.addEventListener("input", () => {
      crs.value = "wgs84"; // typed coordinates come from a GPS
      const x = parseFloat(lng.value);
      const y = parseFloat(lat.value);
      if (Number.isFinite(x) && Number.isFinite(y)) place(L.latLng(y, x), false);
    });
  }
  if (lng.value && lat.value) place(L.latLng(parseFloat(lat.value), parseFloat(lng.value)), false);
})();
