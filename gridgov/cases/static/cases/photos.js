/* Photo inputs: refuse too many, too large or the wrong kind before a slow upload on a phone
   network. The server checks again by the file's bytes; this only saves the resident a wait. */
(() => {
  "use strict";
  const { fmt, readJson } = window.GG;
  const labels = readJson("gg-labels");
  const limits = Object.assign({ maxBytes: 10 * 1024 * 1024, maxFiles: 9 }, readJson("gg-limits"));
  const TYPES = new Set(["image/jpeg", "image/png", "image/webp", "application/pdf"]);

  function problem(files) {
    if (files.length > limits.maxFiles) return fmt(labels.tooMany || "", { n: limits.maxFiles });
    for (const file of files) {
      if (file.size > limits.maxBytes) return fmt(labels.tooBig || "", { name: file.name });
      if (!TYPES.has(file.type)) return fmt(labels.badType || "", { name: file.name });
    }
    return "";
  }

  function check(input) {
    const message = problem([...input.files]);
    input.setCustomValidity(message);
    input.classList.toggle("is-invalid", Boolean(message));
    const feedback = input.parentElement.querySelector(".invalid-feedback");
    if (feedback) feedback.textContent = message;
    return !message;
  }

  document.querySelectorAll("input[data-gg-photos]").forEach((input) => {
    input.addEventListener("change", () => check(input));
  });
  window.GG.checkPhotos = check;
})();
