/* Starts ReDoc on /api/redoc/; its <style> elements get the page's CSP nonce. */
"use strict";
(function () {
  const root = document.getElementById("redoc-container");
  Redoc.init(root.dataset.schemaUrl, { nonce: root.dataset.nonce, disableSearch: true }, root);
})();
