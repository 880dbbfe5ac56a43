/* Find a grid by code or name among the features already on the map (no server round trip). */
(() => {
  "use strict";
  const { h, fmt } = window.GG;
  const MAX_RESULTS = 8;

  class Search {
    constructor(form, labels, { items, onPick }) {
      this.form = form;
      this.labels = labels;
      this.items = items; // () => [{code, name, village}]
      this.onPick = onPick;
      this.input = form.querySelector("input");
      this.list = form.querySelector('[role="listbox"]');
      this.matches = [];
      this.active = -1;
      this.input.addEventListener("input", () => this.update());
      this.input.addEventListener("keydown", (event) => this.key(event));
      this.input.addEventListener("focus", () => this.update());
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.pick(this.active >= 0 ? this.active : 0);
      });
      // Let a click on a result land before the list disappears.
      this.input.addEventListener("blur", () => setTimeout(() => this.hide(), 150));
    }

    find(query) {
      const q = query.trim().toLowerCase();
      if (!q) return [];
      const exact = [];
      const starts = [];
      const contains = [];
      for (const item of this.items()) {
        const code = item.code.toLowerCase();
        const name = (item.name || "").toLowerCase();
        if (code === q || name === q) exact.push(item);
        else if (code.startsWith(q) || name.startsWith(q)) starts.push(item);
        else if (code.includes(q) || name.includes(q) || (item.village || "").toLowerCase().includes(q))
          contains.push(item);
      }
      return [...exact, ...starts, ...contains].slice(0, MAX_RESULTS);
    }

    update() {
      const query = this.input.value;
      this.matches = this.find(query);
      this.active = this.matches.length ? 0 : -1;
      if (!query.trim()) return this.hide();
      const rows = this.matches.length
        ? this.matches.map((item, i) =>
            h(
              "button",
              {
                type: "button",
                class: `list-group-item list-group-item-action${i === this.active ? " active" : ""}`,
                role: "option",
                "aria-selected": i === this.active ? "true" : "false",
                "data-code": item.code,
                onmousedown: (event) => event.preventDefault(),
                onclick: () => this.pick(i),
              },
              h("span", { class: "gg-result-name", text: item.name }),
              h("span", { class: "gg-result-meta", text: `${item.village} · ${item.code}` }),
            ),
          )
        : [h("div", { class: "list-group-item gg-result-none", text: fmt(this.labels.noMatch, { q: query.trim() }) })];
      this.list.replaceChildren(...rows);
      this.list.hidden = false;
    }

    key(event) {
      if (event.key === "Escape") {
        this.hide();
        return;
      }
      if (!this.matches.length || !["ArrowDown", "ArrowUp"].includes(event.key)) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.matches.length) % this.matches.length;
      this.list.querySelectorAll("[role=option]").forEach((el, i) => {
        el.classList.toggle("active", i === this.active);
        el.setAttribute("aria-selected", i === this.active ? "true" : "false");
      });
    }

    pick(index) {
      const item = this.matches[index] || this.find(this.input.value)[0];
      if (!item) {
        if (this.input.value.trim()) window.GG.toast(fmt(this.labels.noMatch, { q: this.input.value.trim() }), "secondary");
        return;
      }
      this.input.value = item.name;
      this.hide();
      this.input.blur(); // closes the phone keyboard so the card is visible
      this.onPick(item.code);
    }

    hide() {
      this.list.hidden = true;
      this.list.replaceChildren();
    }
  }

  window.GG.Search = Search;
})();
