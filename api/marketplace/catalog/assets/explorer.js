// The API explorer's initializer, served by the marketplace itself (the CSP allows no inline
// script). It reads the OpenAPI document's URL from the container's data attributes.
/* global document, window, SwaggerUIBundle */
(function () {
  function start() {
    var root = document.getElementById('swagger-ui');
    if (!root || typeof SwaggerUIBundle !== 'function') return;
    var tryItOut = root.getAttribute('data-try-it-out') === 'true';
    window.ui = SwaggerUIBundle({
      url: root.getAttribute('data-spec-url'),
      domNode: root,
      deepLinking: true,
      docExpansion: 'list',
      defaultModelsExpandDepth: 0,
      // No calls to swagger.io's validator: nothing leaves the marketplace.
      validatorUrl: null,
      supportedSubmitMethods: tryItOut ? ['get', 'put', 'post', 'delete', 'patch'] : [],
      presets: [SwaggerUIBundle.presets.apis],
      layout: 'BaseLayout',
    });
    root.setAttribute('aria-busy', 'false');
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
