/* The resident's form: share the phone's position (WGS-84, as browsers give it) if they agree. */
(() => {
  "use strict";
  const { readJson, toast } = window.GG;
  const labels = readJson("gg-labels");
  const button = document.getElementById("gg-share-location");
  if (!button) return;
  const ok = document.getElementById("gg-location-ok");
  const field = (name) => document.querySelector(`input[name=${name}]`);
  if (field("lng").value) ok.hidden = false;

  button.addEventListener("click", () => {
    if (!navigator.geolocation) {
      toast(labels.noLocation, "warning");
      return;
    }
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        field("lng").value = position.coords.longitude.toFixed(7);
        field("lat").value = position.coords.latitude.toFixed(7);
        ok.hidden = false;
        button.disabled = false;
      },
      () => {
        toast(labels.noLocation, "warning");
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
    );
  });
})();
