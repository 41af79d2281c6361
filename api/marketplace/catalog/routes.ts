// The API product catalog: server-rendered pages (catalog, product, explorer), the products'
// OpenAPI documents with the gateway as server, and a JSON API. Everything the explorer loads
// (Swagger UI's script and style sheet, its initializer) is served from here: the marketplace's
// CSP allows no inline script and nothing from elsewhere.
// The handlers live beside it (page-handlers.ts, api-handlers.ts, explorer-assets.ts); this is
// the table of their routes.
import { Router } from 'express';
import { describeProduct, listProducts, openApiDocument } from './api-handlers.js';
import type { CatalogDeps } from './deps.js';
import { CATALOG_ASSETS, catalogFile, SWAGGER_UI_ASSETS, swaggerUiFile } from './explorer-assets.js';
import { showCatalog, showExplorer, showProduct } from './page-handlers.js';

export function catalogRouter(deps: CatalogDeps): Router {
  const router = Router();
  router.get(`${SWAGGER_UI_ASSETS}/:file`, swaggerUiFile);
  router.get(`${CATALOG_ASSETS}/:file`, catalogFile);
  router.get('/products', showCatalog(deps));
  router.get('/products/:productId', showProduct(deps));
  router.get('/products/:productId/explorer', showExplorer(deps));
  router.get('/products/:productId/openapi.json', openApiDocument(deps));
  router.get('/api/products', listProducts(deps));
  router.get('/api/products/:productId', describeProduct(deps));
  return router;
}
