// Progressive enhancement only: every page works without this file (links and GET forms).
// Loaded from 'self' (the Content-Security-Policy forbids inline scripts).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Event table: changing the category list applies the filters at once.
  const form = document.getElementById("event-filters");
  if (form) {
    const select = form.querySelector("select[name=category]");
    if (select) select.addEventListener("change", () => form.submit());
  }
  // Article page: bring the focused sentence (from a chart drill-down) into view.
  const focus = document.getElementById("focus");
  if (focus) focus.scrollIntoView({ block: "center" });
});
