/* Starts Swagger UI on /api/docs/ with the schema named by the page (no inline script). */
"use strict";
(function () {
  const root = document.getElementById("swagger-ui");
  const csrfHeader = root.dataset.csrfHeader;
  const csrfToken = root.dataset.csrfToken;
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // "Try it out" from a signed-in browser: the session's CSRF token on every write.
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET") {
        request.headers[csrfHeader] = csrfToken;
      }
      return request;
    },
  });
})();
