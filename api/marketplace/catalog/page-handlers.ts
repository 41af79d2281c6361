// The catalog's pages: every product, one product, its API explorer; a product that does not
// exist is a 404 page.
import type { RequestHandler, Response } from 'express';
import { productOf, specOf, type CatalogDeps } from './deps.js';
import { catalogPage, explorerPage, notFoundPage, productPage } from './pages.js';

const sendHtml = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);

/** GET /products */
export const showCatalog =
  (deps: CatalogDeps): RequestHandler =>
  (req, res) =>
    sendHtml(res, 200, catalogPage(req, deps));

/** GET /products/:productId */
export const showProduct =
  (deps: CatalogDeps): RequestHandler =>
  (req, res) => {
    const product = productOf(req);
    if (!product) return sendHtml(res, 404, notFoundPage(req, String(req.params.productId)));
    sendHtml(res, 200, productPage(req, deps, product, specOf(deps, product)));
  };

/** GET /products/:productId/explorer */
export const showExplorer =
  (deps: CatalogDeps): RequestHandler =>
  (req, res) => {
    const product = productOf(req);
    if (!product) return sendHtml(res, 404, notFoundPage(req, String(req.params.productId)));
    sendHtml(res, 200, explorerPage(req, deps, product, specOf(deps, product)));
  };
