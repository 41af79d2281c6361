// The catalog as data: the products' OpenAPI documents with the gateway as server, and the JSON
// API of the products (problem+json for one that does not exist).
import type { Request, RequestHandler } from 'express';
import { sendProblem } from '../../../lib/http/problem.js';
import { productOf, specOf, type CatalogDeps } from './deps.js';
import { baseUrl, links } from './links.js';
import { PRODUCTS, type Product } from '../../../lib/products.js';
import { operationsOf, publishedSpec } from './specs.js';

function productJson(req: Request, deps: CatalogDeps, product: Product) {
  const l = links(req, product);
  return {
    ...product,
    baseUrl: baseUrl(deps, product),
    links: { self: l.api, page: l.page, openapi: l.openapi, explorer: l.explorer },
  };
}

/** GET /products/:productId/openapi.json */
export const openApiDocument =
  (deps: CatalogDeps): RequestHandler =>
  (req, res) => {
    const product = productOf(req);
    if (!product)
      return sendProblem(res, 404, 'Product not found', `There is no API product ${req.params.productId}.`);
    const doc = specOf(deps, product);
    if (!doc)
      return sendProblem(
        res,
        404,
        'Specification not installed',
        `The ${product.standard} specification of ${product.name} is not installed on this server.`,
      );
    res.json(publishedSpec(doc, { serverUrl: baseUrl(deps, product), authIssuer: deps.authIssuer }));
  };

/** GET /api/products */
export const listProducts =
  (deps: CatalogDeps): RequestHandler =>
  (req, res) => {
    res.json({ products: PRODUCTS.map((p) => productJson(req, deps, p)), support: deps.support });
  };

/** GET /api/products/:productId */
export const describeProduct =
  (deps: CatalogDeps): RequestHandler =>
  (req, res) => {
    const product = productOf(req);
    if (!product)
      return sendProblem(res, 404, 'Product not found', `There is no API product ${req.params.productId}.`);
    const doc = specOf(deps, product);
    res.json({
      ...productJson(req, deps, product),
      specification: doc
        ? {
            installed: true,
            title: doc.info?.title ?? null,
            version: doc.info?.version ?? null,
            operations: operationsOf(doc),
          }
        : { installed: false },
      support: deps.support,
    });
  };
