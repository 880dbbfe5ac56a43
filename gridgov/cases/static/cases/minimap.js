/* A small Leaflet map on the plain background of the main map (no tiles unless configured). */
(() => {
  "use strict";
  const GRID_STYLE = { color: "#114f9b", weight: 2, fillColor: "#1a62b8", fillOpacity: 0.12 };
  const POINT_STYLE = { radius: 9, color: "#ffffff", weight: 3, fillColor: "#d93025", fillOpacity: 1 };

  function smallMap(element, { tileUrl = "", tileAttribution = "", interactive = true } = {}) {
    const map = L.map(element, {
      zoomControl: interactive,
      attributionControl: Boolean(tileUrl),
      scrollWheelZoom: false, // the page scrolls past the map on a phone without getting caught
      dragging: interactive,
      touchZoom: interactive,
      doubleClickZoom: interactive,
      zoomSnap: 0.25,
    });
    if (tileUrl) L.tileLayer(tileUrl, { attribution: tileAttribution, maxZoom: 19 }).addTo(map);
    return map;
  }

  const pointMarker = (latlng) => L.circleMarker(latlng, POINT_STYLE);
  window.GG = Object.assign(window.GG || {}, { smallMap, pointMarker, GRID_STYLE });
})();
