/* The staff intake form: the place by a tap on the map, the phone's location or a registry
   address; the supply list's rows. */
(() => {
  "use strict";
  const { h, getJson, readJson, reportError, toast, colourFor, smallMap, pointMarker } = window.GG;
  const labels = readJson("gg-labels");
  const config = readJson("map-config");
  const mapCrs = config.tileCrs || "wgs84";
  const field = (name) => document.querySelector(`input[name=${name}]`);
  const chosen = document.getElementById("gg-place-chosen");
  const chosenText = document.getElementById("gg-place-text");

  // ---- the map of the grids in the reader's scope ----
  const element = document.getElementById("gg-pick-map");
  const map = smallMap(element, config);
  map.setView([28.37, 121.42], 11);
  let marker = null;

  function showChoice(text) {
    chosenText.textContent = text;
    field("place_label").value = text;
    chosen.hidden = false;
  }

  function putMarker(lat, lng) {
    if (marker) marker.setLatLng([lat, lng]);
    else marker = pointMarker([lat, lng]).addTo(map);
  }

  function setPoint(lat, lng, crs, text) {
    field("lng").value = lng.toFixed(7);
    field("lat").value = lat.toFixed(7);
    field("crs").value = crs;
    field("building_id").value = "";
    field("household_id").value = "";
    putMarker(lat, lng);
    showChoice(text);
    element.dataset.picked = "1";
  }

  const grids = L.geoJSON(null, {
    className: "gg-grid",
    bubblingMouseEvents: false, // a tap on a grid is not also a tap on the empty map
    style: (feature) => ({
      color: "#ffffff", weight: 1.2, fillColor: colourFor(feature.properties.village_code), fillOpacity: 0.4,
    }),
    onEachFeature(feature, layer) {
      layer.bindTooltip(feature.properties.name, { sticky: true, direction: "top" });
      layer.on("add", () => layer.getElement() && layer.getElement().setAttribute("data-code", feature.properties.code));
      layer.on("click", (event) => {
        const { lat, lng } = event.latlng;
        setPoint(lat, lng, mapCrs, `${labels.picked} ${feature.properties.name}`);
      });
    },
  }).addTo(map);
  map.on("click", (event) => setPoint(event.latlng.lat, event.latlng.lng, mapCrs, labels.picked));

  getJson(`/api/v1/grids.geojson?crs=${encodeURIComponent(mapCrs)}`, labels.loadFailed)
    .then((data) => {
      grids.addData(data);
      if (grids.getLayers().length) map.fitBounds(grids.getBounds(), { padding: [12, 12], maxZoom: 16 });
      const lng = parseFloat(field("lng").value);
      const lat = parseFloat(field("lat").value);
      if (!Number.isNaN(lng) && !Number.isNaN(lat)) putMarker(lat, lng); // the form came back with an error
      element.dataset.state = "ready";
    })
    .catch((error) => {
      reportError(error, labels.sessionEnded);
      element.dataset.state = "error";
    });

  // ---- the phone's own position (WGS-84 from the browser) ----
  document.getElementById("gg-locate").addEventListener("click", () => {
    if (!navigator.geolocation) {
      toast(labels.noLocation, "warning");
      return;
    }
    toast(labels.locating, "secondary");
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude } = position.coords;
        setPoint(latitude, longitude, "wgs84", labels.located);
        map.setView([latitude, longitude], Math.max(map.getZoom(), 16));
      },
      () => toast(labels.noLocation, "warning"),
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
    );
  });

  // ---- a building or household from the registry ----
  const search = document.getElementById("gg-place-q");
  const results = document.getElementById("gg-place-results");
  let timer = null;

  function pick(place) {
    field("lng").value = "";
    field("lat").value = "";
    field("building_id").value = place.kind === "building" ? place.id : "";
    field("household_id").value = place.kind === "household" ? place.id : "";
    putMarker(place.lat, place.lng);
    map.setView([place.lat, place.lng], Math.max(map.getZoom(), 16));
    showChoice(place.label);
    results.replaceChildren();
    search.value = "";
  }

  search.addEventListener("input", () => {
    clearTimeout(timer);
    const q = search.value.trim();
    if (q.length < 2) {
      results.replaceChildren();
      return;
    }
    timer = setTimeout(async () => {
      try {
        const data = await getJson(`${search.dataset.url}?q=${encodeURIComponent(q)}`, labels.loadFailed);
        results.replaceChildren(
          ...(data.results.length
            ? data.results.map((place) =>
                h("button", { type: "button", class: "list-group-item list-group-item-action", onclick: () => pick(place) }, place.label),
              )
            : [h("div", { class: "list-group-item gg-muted small" }, labels.noPlaces)]),
        );
      } catch (error) {
        reportError(error, labels.sessionEnded);
      }
    }, 250);
  });

  // ---- the supply list ----
  const rows = document.getElementById("gg-item-rows");
  const template = document.getElementById("gg-item-template");
  document.getElementById("gg-add-item").addEventListener("click", () => {
    const row = template.content.firstElementChild.cloneNode(true);
    rows.append(row);
    row.querySelector("input").focus();
  });
  rows.addEventListener("click", (event) => {
    const button = event.target.closest("[data-gg-remove]");
    if (!button) return;
    const row = button.closest(".gg-item-row");
    if (rows.children.length > 1) row.remove();
    else row.querySelectorAll("input").forEach((input) => { input.value = ""; });
  });
})();
