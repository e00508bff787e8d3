// Safehub's page start-up: GOV.UK Frontend components (including moving focus to the error
// summary on load), re-initialised inside anything htmx swaps in, and the CSRF header on every
// htmx request. Loaded as a module with the page's CSP nonce; no inline script anywhere.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

const csrfMeta = document.querySelector('meta[name="csrf-token"]');

document.addEventListener("htmx:configRequest", (event) => {
  if (csrfMeta && csrfMeta.content) {
    event.detail.headers["X-CSRFToken"] = csrfMeta.content;
  }
});

document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail && event.detail.elt;
  if (target instanceof HTMLElement) {
    initAll({ scope: target });
  }
});
