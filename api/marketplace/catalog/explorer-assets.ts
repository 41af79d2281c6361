// The explorer's files (Swagger UI's script and style sheet, its initializer), served from here:
// the marketplace's CSP allows no inline script and nothing from elsewhere. Any other name is not
// found.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestHandler } from 'express';

/** Where the explorer's files are served, under the router's mount point. */
export const SWAGGER_UI_ASSETS = '/assets/swagger-ui';
export const CATALOG_ASSETS = '/assets/catalog';

const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_FILES = new Set(['swagger-ui-bundle.js', 'swagger-ui.css']);
const CATALOG_ASSETS_DIR = fileURLToPath(new URL('./assets', import.meta.url));
const CATALOG_FILES = new Set(['explorer.js']);

/** GET ${SWAGGER_UI_ASSETS}/:file */
export const swaggerUiFile: RequestHandler = (req, res, next) => {
  if (!SWAGGER_UI_FILES.has(req.params.file as string)) return next();
  res.sendFile(req.params.file as string, { root: SWAGGER_UI_DIR, maxAge: '1d' });
};

/** GET ${CATALOG_ASSETS}/:file */
export const catalogFile: RequestHandler = (req, res, next) => {
  if (!CATALOG_FILES.has(req.params.file as string)) return next();
  res.sendFile(req.params.file as string, { root: CATALOG_ASSETS_DIR, maxAge: '1h' });
};
