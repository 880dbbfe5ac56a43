/* The legend: which colour is which village (or police zone), and the colouring switch. */
(() => {
  "use strict";
  const { h, fmt } = window.GG;

  class Legend {
    constructor(root, labels, { onMode, onFocus }) {
      this.root = root;
      this.labels = labels;
      this.onFocus = onFocus;
      this.list = root.querySelector('[data-testid="legend-list"]');
      this.foot = root.querySelector('[data-testid="grid-count"]');
      this.head = root.querySelector(".gg-legend-head");
      this.head.addEventListener("click", () => this.toggle());
      // On a phone the legend starts folded: the map is the point of the screen.
      if (window.matchMedia("(max-width: 575.98px)").matches) this.toggle(false);
      for (const button of root.querySelectorAll("[data-colour-by]")) {
        button.addEventListener("click", () => {
          for (const other of root.querySelectorAll("[data-colour-by]")) {
            const on = other === button;
            other.classList.toggle("active", on);
            other.setAttribute("aria-pressed", on ? "true" : "false");
          }
          onMode(button.dataset.colourBy);
        });
      }
    }

    toggle(open = this.root.classList.contains("is-folded")) {
      this.root.classList.toggle("is-folded", !open);
      this.head.setAttribute("aria-expanded", open ? "true" : "false");
    }

    // groups: [{key, name, colour, count}], already sorted.
    render(groups, gridCount) {
      this.list.replaceChildren(
        ...groups.map((group) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "gg-legend-item", "data-key": group.key, onclick: () => this.onFocus(group.key) },
              h("span", { class: "gg-swatch", style: `--swatch:${group.colour}`, "aria-hidden": "true" }),
              h("span", { class: "gg-legend-name", text: group.name }),
              h("span", { class: "gg-legend-count", text: String(group.count) }),
            ),
          ),
        ),
      );
      this.foot.textContent = fmt(this.labels.gridCount, { n: gridCount });
    }
  }

  window.GG.Legend = Legend;
})();
