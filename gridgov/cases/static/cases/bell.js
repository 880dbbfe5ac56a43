/* The navbar's bell: the unread count, fetched after the page (so no page waits for it) and
   refreshed every minute while the tab is in view. */
(() => {
  "use strict";
  const bells = document.querySelectorAll("[data-gg-bell]");
  if (!bells.length) return;
  const url = bells[0].dataset.ggBell;

  async function refresh() {
    if (document.hidden) return;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const { unread } = await response.json();
      bells.forEach((bell) => {
        const badge = bell.querySelector(".gg-bell-count");
        badge.textContent = unread > 99 ? "99+" : String(unread);
        badge.hidden = unread === 0;
        bell.dataset.unread = String(unread);
      });
    } catch {
      // offline for a moment: the next round tries again
    }
  }
  refresh();
  setInterval(refresh, 60000);
  document.addEventListener("visibilitychange", refresh);
})();
