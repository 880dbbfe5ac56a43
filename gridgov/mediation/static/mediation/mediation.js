/* Disputes and consultations: the registry picker, party rows, the location button, the funding
   plan's running sum and its pie. Each part is optional; every form still posts without scripts, and
   the server's answer is the authority (this only helps the worker see a mistake before sending). */
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer;
    return function (...args) { clearTimeout(timer); timer = setTimeout(() => fn.apply(this, args), ms); };
  }

  // ---- registry search: results are rendered on the server, within the reader's scope ----------
  function setUpPicker(picker) {
    const input = picker.querySelector("[data-people-search]");
    const results = picker.querySelector("[data-people-results]");
    let asked = 0;
    const search = debounce(async () => {
      const q = input.value.trim();
      const mine = ++asked;
      if (!q) { results.innerHTML = ""; return; }
      const response = await fetch(`${picker.dataset.url}?q=${encodeURIComponent(q)}`, {
        headers: { "X-Requested-With": "fetch" }, credentials: "same-origin",
      });
      if (mine !== asked || !response.ok) return; // a newer search has started, or the session ended
      results.innerHTML = await response.text();
    }, 250);
    input.addEventListener("input", search);
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); search(); } });
    results.addEventListener("click", (e) => {
      const pick = e.target.closest("[data-pick]");
      if (!pick) return;
      const person = { id: pick.dataset.id, name: pick.dataset.name, address: pick.dataset.address };
      if (picker.dataset.picker === "clue") addChip(picker.closest("form"), person);
      else addRegistryParty(picker.closest("form"), person);
      input.value = "";
      results.innerHTML = "";
    });
  }

  function addChip(form, person) {
    const list = form.querySelector("[data-picked]");
    if (list.querySelector(`input[name=resident_ids][value="${person.id}"]`)) return;
    const chip = document.createElement("li");
    chip.className = "md-chip";
    chip.dataset.testid = "chip";
    const label = person.address ? `${person.name} · ${person.address}` : person.name;
    chip.append(hidden("resident_ids", person.id), hidden("resident_labels", label), label);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "md-chip-x";
    remove.dataset.unpick = "";
    remove.textContent = "×";
    chip.append(remove);
    list.append(chip);
  }

  function hidden(name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  // ---- parties of a new dispute -----------------------------------------------------------------
  function newPartyRow(form) {
    const template = form.querySelector("[data-party-template]");
    const row = template.content.firstElementChild.cloneNode(true);
    form.querySelector("[data-party-rows]").append(row);
    return row;
  }

  function addRegistryParty(form, person) {
    const rows = [...form.querySelectorAll("[data-party-rows] [data-party-row]")];
    if (rows.some((r) => r.querySelector("[data-party-resident]").value === person.id)) return;
    // Fill the first blank row before adding one, so the two rows the form opens with get used.
    let row = rows.find((r) => !r.querySelector("[data-party-name]").value.trim());
    if (!row) row = newPartyRow(form);
    row.querySelector("[data-party-resident]").value = person.id;
    row.querySelector("[data-party-label]").value = person.name;
    const name = row.querySelector("[data-party-name]");
    name.value = person.name;
    name.readOnly = true;
    const address = row.querySelector("[data-party-address]");
    if (!address.value) address.value = person.address || "";
    row.classList.add("md-party-row--registry");
    row.querySelector("[data-registry-tag]").hidden = false;
  }

  document.addEventListener("click", (e) => {
    const target = e.target;
    if (target.closest("[data-unpick]")) target.closest(".md-chip").remove();
    if (target.closest("[data-party-add]")) newPartyRow(target.closest("form")).querySelector("[data-party-name]").focus();
    if (target.closest("[data-party-remove]")) target.closest("[data-party-row]").remove();
    if (target.closest("[data-share-add]")) {
      const form = target.closest("form");
      const row = form.querySelector("[data-share-template]").content.firstElementChild.cloneNode(true);
      form.querySelector("[data-share-rows]").append(row);
      row.querySelector("select").value = "other";
      sumPlan(form);
    }
    if (target.closest("[data-share-remove]")) {
      const form = target.closest("form");
      target.closest("[data-share-row]").remove();
      sumPlan(form);
    }
  });

  // ---- where it happened: the phone's position, else the grid stands for the place -------------
  document.querySelectorAll("[data-locate]").forEach((button) => {
    button.addEventListener("click", () => {
      const form = button.closest("form");
      const status = form.querySelector("[data-locate-status]");
      if (!navigator.geolocation) { status.textContent = button.dataset.fail; return; }
      status.textContent = button.dataset.wait;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(6);
          form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
          status.textContent = button.dataset.done;
        },
        () => { status.textContent = button.dataset.fail; },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
      );
    });
  });

  // ---- the funding plan: a running sum against the total (in fen, so no float drift) ----------
  function fen(text) {
    const clean = String(text || "").replace(/[,\s，]/g, "");
    if (!/^\d+(\.\d{0,2})?$/.test(clean)) return null;
    const [whole, part = ""] = clean.split(".");
    return Number(whole) * 100 + Number((part + "00").slice(0, 2));
  }
  function yuan(cents) {
    const sign = cents < 0 ? "-" : "";
    const abs = Math.abs(cents);
    const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${sign}${whole}.${String(abs % 100).padStart(2, "0")}`;
  }
  function sumPlan(form) {
    const plan = form.querySelector("[data-plan]");
    if (!plan) return;
    let sum = 0;
    form.querySelectorAll("[data-amount]").forEach((input) => {
      const value = fen(input.value);
      input.classList.toggle("is-invalid", input.value.trim() !== "" && value === null);
      sum += value || 0;
    });
    form.querySelector("[data-plan-sum]").textContent = yuan(sum);
    const total = fen(form.querySelector("[data-plan-total]").value);
    const status = form.querySelector("[data-plan-status]");
    status.classList.remove("md-plan-status--ok", "md-plan-status--off");
    if (total === null) { status.textContent = plan.dataset.none; return; }
    if (sum === total) {
      status.textContent = plan.dataset.equal;
      status.classList.add("md-plan-status--ok");
    } else {
      const text = sum < total ? plan.dataset.short : plan.dataset.over;
      status.textContent = text.replace("{d}", yuan(Math.abs(total - sum)));
      status.classList.add("md-plan-status--off");
    }
  }
  document.querySelectorAll("[data-plan]").forEach((plan) => {
    const form = plan.closest("form");
    form.addEventListener("input", () => sumPlan(form));
    sumPlan(form);
  });

  // ---- the plan's pie (ECharts, served from our own static files) ------------------------------
  const COLOURS = { residents: "#1a62b8", village: "#1e9e6a", enterprise: "#f5a623", subsidy: "#8e5cc7", other: "#8795a5" };
  document.querySelectorAll("[data-pie]").forEach((box) => {
    if (!window.echarts) return;
    const data = JSON.parse(document.getElementById(box.dataset.pie).textContent).map((d) => ({
      name: d.name, value: Number(d.value), itemStyle: { color: COLOURS[d.source] || COLOURS.other },
    }));
    const chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      // The total in the ring's hole: the pie is of that whole.
      title: {
        text: box.dataset.total, subtext: box.dataset.totalLabel, left: "center", top: "center",
        textStyle: { fontSize: 15, fontWeight: 600, color: "#0a2c5a" }, subtextStyle: { fontSize: 11, color: "#5d6b7a" },
        itemGap: 2,
      },
      tooltip: { trigger: "item", formatter: (p) => `${p.name}<br>${yuan(Math.round(p.value * 100))} (${p.percent}%)` },
      series: [{
        type: "pie", radius: ["42%", "72%"], center: ["50%", "50%"], avoidLabelOverlap: true,
        label: { formatter: "{d}%", fontSize: 12 }, labelLine: { length: 8, length2: 6 },
        data,
      }],
    });
    box.dataset.ready = "1";
    window.addEventListener("resize", () => chart.resize());
  });

  document.querySelectorAll("[data-picker]").forEach(setUpPicker);
})();
