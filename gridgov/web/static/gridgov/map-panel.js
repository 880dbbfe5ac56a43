/* The grid card: a side panel on wide screens, a bottom sheet on phones (map.css decides which). */
(() => {
  "use strict";
  const { h, fmt, getJson } = window.GG;

  const PHONE_ICON =
    '<svg viewBox="0 0 20 20" aria-hidden="true" width="14" height="14"><path fill="currentColor" d="M5.6 2.2 7.9 4.5c.5.5.6 1.3.2 1.9l-1 1.5a11 11 0 0 0 5 5l1.5-1c.6-.4 1.4-.3 1.9.2l2.3 2.3c.6.6.6 1.5 0 2.1l-1.2 1.2c-1 1-2.6 1.3-3.9.6A20 20 0 0 1 2.7 7.3c-.7-1.3-.4-2.9.6-3.9l1.2-1.2c.6-.6 1.5-.6 2.1 0Z"/></svg>';

  class Panel {
    constructor(root, labels, { onClose }) {
      this.root = root;
      this.labels = labels;
      this.onClose = onClose;
      this.current = null; // the code whose card is (being) shown; late answers for others are dropped
      this.slot = (id) => root.querySelector(`[data-testid="${id}"]`);
      root.querySelector('[data-action="close"]').addEventListener("click", () => this.close());
    }

    get isOpen() {
      return !this.root.hidden;
    }

    // Show at once what the layer already knows, then the people from the card endpoint.
    async open(code, props) {
      this.current = code;
      this.root.hidden = false;
      this.root.dataset.state = "loading";
      this.root.dataset.code = code;
      document.getElementById("gg-map-shell").classList.add("has-panel");
      this.slot("card-name").textContent = props.name || code;
      this.slot("card-code").textContent = code;
      this.slot("card-village").textContent = props.village || "";
      this.slot("card-sub-district").textContent = "";
      this.slot("card-police-zone").textContent = props.police_zone || "";
      for (const id of ["card-officer", "card-leader", "card-workers"]) this.slot(id).replaceChildren();
      try {
        const card = await getJson(`/api/v1/grids/${encodeURIComponent(code)}`, this.labels.cardFailed);
        if (this.current === code) this.fill(card);
      } catch (error) {
        if (this.current !== code) return;
        this.root.dataset.state = "error";
        window.GG.reportError(error, this.labels.sessionEnded);
      }
    }

    fill(card) {
      const { grid, village, sub_district: subDistrict, police_zone: zone } = card;
      const kind = village.kind === "community" ? this.labels.kindCommunity : this.labels.kindVillage;
      this.slot("card-name").textContent = grid.name;
      this.slot("card-code").textContent = grid.code;
      this.slot("card-village").replaceChildren(
        village.name, " ", h("span", { class: "badge gg-kind", text: kind }),
      );
      this.slot("card-sub-district").textContent = subDistrict.name;
      this.slot("card-police-zone").replaceChildren(
        zone.name, " ", h("small", { class: "gg-code", text: zone.code }),
      );
      this.slot("card-officer").replaceChildren(this.people(zone.officer ? [zone.officer] : []));
      this.slot("card-leader").replaceChildren(this.people(grid.leader ? [grid.leader] : []));
      this.slot("card-workers").replaceChildren(this.people(grid.workers || []));
      this.root.dataset.state = "ready";
    }

    people(list) {
      if (!list.length) return h("p", { class: "gg-nobody", text: this.labels.nobody });
      return h("ul", { class: "gg-people" }, list.map((person) => this.person(person)));
    }

    person(person) {
      const name = person.name || person.username;
      const digits = (person.work_phone || "").replace(/[^\d+]/g, "");
      let call = null;
      if (digits) {
        call = h("a", {
          class: "btn btn-sm btn-outline-primary gg-call",
          href: `tel:${digits}`,
          "aria-label": fmt(this.labels.call, { name }),
          "data-testid": "tel-link",
        });
        call.innerHTML = PHONE_ICON; // a constant icon; the number itself is added as text below
        call.append(" ", person.work_phone);
      }
      return h(
        "li",
        { class: "gg-person", "data-testid": "person", "data-username": person.username },
        h("span", { class: "gg-person-avatar", "aria-hidden": "true", text: name.slice(0, 1) }),
        h("span", { class: "gg-person-name", text: name }),
        call,
      );
    }

    close() {
      if (!this.isOpen) return;
      this.current = null;
      this.root.hidden = true;
      this.root.dataset.state = "empty";
      delete this.root.dataset.code;
      document.getElementById("gg-map-shell").classList.remove("has-panel");
      this.onClose();
    }
  }

  window.GG.Panel = Panel;
})();
