// What the catalog needs: the products' specifications and where the gateway and the AS are.
import type { Request } from 'express';
import { findProduct, type Product, type SupportContact } from '../../../lib/products.js';
import { loadProductSpec } from './specs.js';

export interface CatalogDeps {
  /** Where FDX's specification files are (outside the project); without it FDX specs are "not installed". */
  fdxSpecsDir?: string;
  support: SupportContact;
  /** The API gateway's public base URL, e.g. https://api.bank.example. */
  gatewayUrl: string;
  /** The authorization server's issuer. */
  authIssuer: string;
}

/** The product a route's `:productId` names, if any. */
export const productOf = (req: Request) => findProduct(String(req.params.productId));

/** The product's OpenAPI document, or undefined when its specification is not installed. */
export const specOf = (deps: CatalogDeps, product: Product) =>
  loadProductSpec(product, { fdxSpecsDir: deps.fdxSpecsDir });
