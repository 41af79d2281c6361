// Where the catalog's pages, documents and API are, relative to the router's mount point, and a
// product's base URL at the gateway.
import type { Request } from 'express';
import { CATALOG_ASSETS, SWAGGER_UI_ASSETS } from './explorer-assets.js';
import type { CatalogDeps } from './deps.js';
import type { Product } from '../../../lib/products.js';

export const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** `/products/ofb-accounts`-style links that also work when the router is mounted under a prefix. */
export const links = (req: Request, product?: Product) => {
  const base = req.baseUrl;
  const id = product ? encodeURIComponent(product.id) : '';
  return {
    catalog: `${base}/products`,
    page: `${base}/products/${id}`,
    openapi: `${base}/products/${id}/openapi.json`,
    explorer: `${base}/products/${id}/explorer`,
    api: `${base}/api/products/${id}`,
    assets: { swaggerUi: `${base}${SWAGGER_UI_ASSETS}`, catalog: `${base}${CATALOG_ASSETS}` },
  };
};

export const baseUrl = (deps: CatalogDeps, product: Product) =>
  `${trimSlash(deps.gatewayUrl)}${product.basePath}`;
