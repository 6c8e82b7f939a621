// Small behaviours of the portal. Loaded from our own origin (CSP: script-src 'self').
document.addEventListener("htmx:configRequest", (event) => {
  // htmx requests carry the CSRF token so POST partials work without inline scripts.
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});
