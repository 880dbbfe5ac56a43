/* The registry's pages: the ID number read as it is typed, the floating-resident fields, the unmask
   dialog, breadcrumbs. The server checks everything again; this only saves a grid worker a round trip. */
(() => {
  "use strict";
  const { fmt, readJson } = window.GG;

  // ---- breadcrumbs: a long trail scrolls; show its end, where the reader is ---------------------
  const crumbs = document.querySelector(".gg-crumbs");
  if (crumbs) crumbs.scrollLeft = crumbs.scrollWidth;

  // ---- GB 11643 resident ID numbers --------------------------------------------------------------
  const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const CHECK = "10X98765432";
  // Document types whose 18-character numbers follow GB 11643 (birth date, sequence, check character).
  const GB11643_TYPES = new Set(["resident_id", "hmt_residence_permit", "foreign_permanent_residence"]);

  // Full-width digits and letters typed with a Chinese input method count as ASCII, as on the server.
  const normalise = (value) => value.normalize("NFKC").replace(/\s+/g, "").toUpperCase();

  function readId(raw, today = new Date()) {
    const number = normalise(raw);
    if (number.length < 18) return { state: "partial" };
    if (number.length > 18) return { state: "error", code: "idLength" };
    if (!/^[0-9]{17}[0-9X]$/.test(number)) return { state: "error", code: "idCharacters" };
    const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(number[i]), 0);
    if (CHECK[sum % 11] !== number[17]) return { state: "error", code: "idChecksum" };
    const [y, m, d] = [number.slice(6, 10), number.slice(10, 12), number.slice(12, 14)].map(Number);
    const birth = new Date(Date.UTC(y, m - 1, d));
    if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || y < 1900)
      return { state: "error", code: "idBirthDate" };
    if (birth > today) return { state: "error", code: "idFuture" };
    const iso = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
    return { state: "ok", birth: iso, gender: Number(number[16]) % 2 ? "male" : "female" };
  }

  function residentForm(form) {
    const labels = readJson("registry-labels");
    const hint = form.querySelector("#id-hint");
    const hintIdle = hint ? hint.textContent : "";
    // Back to the idle sentence: nothing read (yet) from the number.
    const resetHint = () => {
      if (!hint) return;
      hint.textContent = hintIdle;
      hint.classList.remove("is-read");
    };
    const byName = (name) => form.querySelector(`[name="${name}"]`);

    // The field's own error line: the server's message after a check, ours while typing.
    function showError(name, message) {
      const field = form.querySelector(`.gg-field[data-field="${name}"]`);
      if (!field) return;
      const input = field.querySelector("input, select");
      const feedback = field.querySelector(".invalid-feedback");
      input.classList.toggle("is-invalid", Boolean(message));
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      feedback.textContent = message || "";
      feedback.classList.toggle("d-block", Boolean(message));
    }

    function onIdInput() {
      const type = byName("document_type");
      const input = byName("document_number");
      if (!input || !type) return;
      if (!GB11643_TYPES.has(type.value)) {
        resetHint();
        return;
      }
      const result = readId(input.value);
      if (result.state === "partial") {
        showError("document_number", "");
        resetHint();
        return;
      }
      if (result.state === "error") {
        showError("document_number", labels[result.code]);
        resetHint();
        return;
      }
      showError("document_number", "");
      // Fill birth date and gender unless the worker typed them: then the server says if they disagree.
      const birth = byName("birth_date");
      if (birth && (!birth.value || birth.dataset.auto === "1")) {
        birth.value = result.birth;
        birth.dataset.auto = "1";
        showError("birth_date", "");
      }
      const gender = form.querySelector(`[name="gender"][value="${result.gender}"]`);
      const chosen = form.querySelector('[name="gender"]:checked');
      if (gender && (!chosen || chosen.dataset.auto === "1")) {
        form.querySelectorAll('[name="gender"]').forEach((el) => delete el.dataset.auto);
        gender.checked = true;
        gender.dataset.auto = "1";
        showError("gender", "");
      }
      hint.textContent = fmt(labels.idRead, { date: result.birth, gender: labels[result.gender] });
      hint.classList.add("is-read");
    }

    function toggleRegistration() {
      const box = form.querySelector("#registration-fields");
      const floating = form.querySelector('[name="kind"][value="floating"]');
      if (box && floating) box.hidden = !floating.checked;
    }

    // Delegated: htmx replaces a field's contents after each server check.
    form.addEventListener("input", (event) => {
      if (event.target.name === "document_number") onIdInput();
      if (event.target.name === "birth_date") delete event.target.dataset.auto;
    });
    form.addEventListener("change", (event) => {
      const { name } = event.target;
      if (name === "kind") toggleRegistration();
      if (name === "document_type") onIdInput();
      if (name === "gender") form.querySelectorAll('[name="gender"]').forEach((el) => delete el.dataset.auto);
    });
    // A check that could not run (offline, session ended) must not look like a pass.
    form.addEventListener("htmx:responseError", (event) => {
      const field = event.detail.elt.closest(".gg-field");
      if (field) showError(field.dataset.field, labels.checkFailed);
    });
    form.addEventListener("htmx:sendError", (event) => {
      const field = event.detail.elt.closest(".gg-field");
      if (field) showError(field.dataset.field, labels.checkFailed);
    });
    toggleRegistration();
    onIdInput();
  }

  document.querySelectorAll("form[data-resident-form]").forEach(residentForm);

  // ---- the unmask dialog -------------------------------------------------------------------------
  const dialog = document.getElementById("unmask-dialog");
  if (dialog && window.bootstrap) {
    dialog.addEventListener("shown.bs.modal", () => dialog.querySelector("textarea")?.focus());
    // The server's "state a reason" stays until the reader starts typing one.
    dialog.addEventListener("input", (event) => {
      if (event.target.name === "reason") event.target.classList.remove("is-invalid");
    });
    // The server answered with the numbers (swapped into the card): close the dialog over them.
    document.body.addEventListener("gg:unmasked", () => {
      window.bootstrap.Modal.getOrCreateInstance(dialog).hide();
      document.getElementById("resident-numbers")?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
  }

  window.GG.readId = readId;
})();
