/* The map page: layers from /api/v1/*.geojson, grid colouring, the grid card, search. */
(() => {
  "use strict";
  const { colourFor, getJson, readJson, reportError, toast, Panel, Search, Legend } = window.GG;
  const config = readJson("map-config");
  const labels = readJson("map-labels");
  const WENLING = [28.37, 121.42];
  const LABEL_MIN_ZOOM = 12; // below this, village names pile on top of each other
  const phone = () => window.matchMedia("(max-width: 575.98px)").matches;
  const container = document.getElementById("map");

  const map = L.map(container, { zoomControl: false, minZoom: 7, maxZoom: 19, zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  L.control.zoom({ position: "bottomright" }).addTo(map);
  map.setView(WENLING, 11);

  if (config.tileUrl) {
    // Leaflet's default Web Mercator (EPSG:3857) fits WGS-84 and GCJ-02 tiles: GCJ-02 only shifts
    // coordinates, and the server applies the same shift to our polygons (?crs=gcj02). BD-09 tiles
    // (Baidu) are drawn in Baidu's own Mercator variant, which Leaflet does not have: with
    // tileCrs "bd09" the polygons get BD-09 coordinates, but the BD-09 tile *projection* is not
    // supported, so they will not line up with such tiles.
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  // Grids take the clicks; outlines and labels sit above them but let every click through.
  map.createPane("gg-grids").style.zIndex = "410";
  map.createPane("gg-outlines").style.zIndex = "420";
  map.getPane("gg-outlines").style.pointerEvents = "none";

  const state = { mode: "village", selected: null, byCode: new Map() };
  const panel = new Panel(document.getElementById("gg-panel"), labels, { onClose: () => deselect() });

  const groupOf = (props) =>
    state.mode === "village"
      ? { key: props.village_code, name: props.village }
      : { key: props.police_zone_code, name: props.police_zone };

  function gridStyle(feature, hover = false) {
    const selected = feature.properties.code === state.selected;
    return {
      color: selected ? "#0a2c5a" : "#ffffff",
      weight: selected ? 3 : 1.2,
      opacity: 1,
      fillColor: colourFor(groupOf(feature.properties).key),
      fillOpacity: selected ? 0.6 : hover ? 0.52 : 0.38,
    };
  }

  const grids = L.geoJSON(null, {
    pane: "gg-grids",
    className: "gg-grid",
    bubblingMouseEvents: false, // a click on a grid is not also a click on the empty map
    style: (feature) => gridStyle(feature),
    onEachFeature(feature, layer) {
      const { code, name } = feature.properties;
      state.byCode.set(code, layer);
      layer.bindTooltip(name, { sticky: true, direction: "top", className: "gg-tip", offset: [0, -6] });
      layer.on("click", () => select(code));
      layer.on("mouseover", () => layer.setStyle(gridStyle(feature, true)));
      layer.on("mouseout", () => layer.setStyle(gridStyle(feature)));
      // Stable hooks for tests and for people reading the DOM.
      layer.on("add", () => {
        const el = layer.getElement();
        if (el) el.setAttribute("data-code", code);
      });
    },
  });

  function outline(style, labelClass) {
    return L.geoJSON(null, {
      pane: "gg-outlines",
      interactive: false,
      style: { fill: false, ...style },
      onEachFeature(feature, layer) {
        if (!labelClass) return;
        layer.bindTooltip(feature.properties.name, {
          permanent: true, direction: "center", className: `gg-label ${labelClass}`,
        });
      },
    });
  }
  const subDistricts = outline({ color: "#0b3d7a", weight: 3.5, opacity: 0.9 });
  const villages = outline({ color: "#2b3f56", weight: 1.8, opacity: 0.85 }, "gg-label--village");
  const zones = outline({ color: "#c0392b", weight: 2.2, opacity: 0.9, dashArray: "7 5" }, "gg-label--zone");

  [subDistricts, villages, grids].forEach((layer) => layer.addTo(map));
  L.control
    .layers(
      null,
      {
        [labels.subDistricts]: subDistricts,
        [labels.villages]: villages,
        [labels.grids]: grids,
        [labels.policeZones]: zones,
      },
      { position: "topright", collapsed: window.innerWidth < 992 },
    )
    .addTo(map);

  const updateLabels = () => container.classList.toggle("gg-labels-off", map.getZoom() < LABEL_MIN_ZOOM);
  map.on("zoomend", updateLabels);

  // Room the floating panel and sheet take, so zooming never hides the grid behind them.
  function padding() {
    const open = panel.isOpen;
    if (phone()) {
      const sheet = open ? panel.root.offsetHeight : 0;
      return { paddingTopLeft: [16, 72], paddingBottomRight: [16, 24 + sheet] };
    }
    const side = open ? panel.root.offsetWidth + 24 : 0;
    const legendBox = document.getElementById("gg-legend");
    const left = legendBox.classList.contains("is-folded") ? 48 : legendBox.offsetWidth + 36;
    return { paddingTopLeft: [left, 88], paddingBottomRight: [64 + side, 56] };
  }

  async function select(code, { zoom = false } = {}) {
    const layer = state.byCode.get(code);
    if (!layer) return;
    const previous = state.byCode.get(state.selected);
    state.selected = code;
    if (previous) previous.setStyle(gridStyle(previous.feature));
    layer.setStyle(gridStyle(layer.feature));
    layer.bringToFront();
    container.dataset.selected = code;
    // Move the map once the card has its final size: the padding depends on it.
    await panel.open(code, layer.feature.properties);
    if (state.selected !== code) return;
    if (zoom) map.flyToBounds(layer.getBounds(), { ...padding(), maxZoom: 16, duration: 0.5 });
    else map.panInside(layer.getBounds().getCenter(), padding());
  }

  function deselect() {
    const layer = state.byCode.get(state.selected);
    state.selected = null;
    delete container.dataset.selected;
    if (layer) layer.setStyle(gridStyle(layer.feature));
  }

  // A click on empty ground (or outside every grid) just closes the card.
  map.on("click", () => panel.close());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel.isOpen) panel.close();
  });

  const legend = new Legend(document.getElementById("gg-legend"), labels, {
    onMode(mode) {
      state.mode = mode;
      grids.setStyle((feature) => gridStyle(feature));
      renderLegend();
    },
    onFocus(key) {
      const members = grids.getLayers().filter((layer) => groupOf(layer.feature.properties).key === key);
      if (members.length) map.flyToBounds(L.featureGroup(members).getBounds(), { ...padding(), duration: 0.5 });
    },
  });

  function renderLegend() {
    const groups = new Map();
    for (const layer of grids.getLayers()) {
      const { key, name } = groupOf(layer.feature.properties);
      const group = groups.get(key) || { key, name, colour: colourFor(key), count: 0 };
      group.count += 1;
      groups.set(key, group);
    }
    const sorted = [...groups.values()].sort((a, b) => a.name.localeCompare(b.name, "zh-Hans-CN"));
    legend.render(sorted, grids.getLayers().length);
  }

  new Search(document.querySelector(".gg-search"), labels, {
    items: () => grids.getLayers().map((layer) => layer.feature.properties),
    onPick: (code) => select(code, { zoom: true }),
  });

  async function loadLayer(path, layer) {
    const crs = encodeURIComponent(config.tileCrs || "wgs84");
    layer.addData(await getJson(`/api/v1/${path}?crs=${crs}`, labels.loadFailed));
  }

  async function load() {
    const results = await Promise.allSettled([
      loadLayer("sub-districts.geojson", subDistricts),
      loadLayer("villages.geojson", villages),
      loadLayer("police-zones.geojson", zones),
      loadLayer("grids.geojson", grids),
    ]);
    const failures = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    // One toast per distinct message: four layers failing the same way is one problem.
    const seen = new Set();
    for (const error of failures) {
      if (seen.has(error.message)) continue;
      seen.add(error.message);
      reportError(error, labels.sessionEnded);
    }
    renderLegend();
    const target = [grids, villages, subDistricts, zones].find((layer) => layer.getLayers().length);
    if (target) map.fitBounds(target.getBounds(), { ...padding(), maxZoom: 16 });
    if (!grids.getLayers().length && !failures.length) toast(labels.emptyMap, "secondary");
    updateLabels();
    container.dataset.state = failures.length ? "error" : "ready";
  }

  window.GG.map = map; // handy from the browser console when checking an imported map
  load();
})();
