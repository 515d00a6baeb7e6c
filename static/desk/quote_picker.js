"use strict";
// Pick a quote from a source's stored text: select words, press the button beside the text,
// and they fill the quote box of the passage citing that source (or the first empty one).
// Without this script the editor pastes the words; the server checks them either way.
document.addEventListener("DOMContentLoaded", () => {
  const passages = () => Array.from(document.querySelectorAll(".desk-passage"));
  const quoteFor = (sourceId) => {
    const rows = passages();
    const citing = rows.find((row) => {
      const select = row.querySelector("select[name$='-source']");
      return select && select.value === sourceId;
    });
    const empty = rows.find((row) => !row.querySelector("textarea[name$='-quote']").value.trim());
    const row = citing || empty || rows[0];
    return row && row.querySelector("textarea[name$='-quote']");
  };
  for (const button of document.querySelectorAll("[data-use-selection]")) {
    button.hidden = false;
    const status = button.nextElementSibling;
    button.addEventListener("click", () => {
      const pane = document.getElementById(button.dataset.useSelection);
      const selection = window.getSelection();
      const words = selection ? selection.toString().trim() : "";
      if (!words || !pane.contains(selection.anchorNode)) {
        status.textContent = "Select the words in the text below first.";
        return;
      }
      const box = quoteFor(button.dataset.source);
      box.value = words;
      box.focus();
      status.textContent = "Copied into the quote.";
    });
  }
  for (const button of document.querySelectorAll("[data-fill]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const box = document.getElementById(button.dataset.fill);
      box.value = button.dataset.text;
      box.focus();
    });
  }
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
