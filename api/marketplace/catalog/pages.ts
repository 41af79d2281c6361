// The catalog's server-rendered pages: every product by standard, one product (scopes, plans,
// documentation, operations), its API explorer, and the page for a product that does not exist.
import type { Request } from 'express';
import { html, page, type Html } from '../../../lib/http/html.js';
import { table } from '../../../lib/http/table.js';
import type { CatalogDeps } from './deps.js';
import { baseUrl, links, trimSlash } from './links.js';
import { PRODUCTS, type Product, type SupportContact } from '../../../lib/products.js';
import { operationsOf, type OpenApiDocument, type Operation } from './specs.js';

const SITE = 'Developer marketplace';

/** Swagger UI's "Try it out": off, since browsers cannot present the app's certificate and token. */
const TRY_IT_OUT = false;

const STANDARD_NAMES: Record<Product['standard'], string> = {
  OFB: 'Open Finance Brasil',
  FDX: 'Financial Data Exchange (FDX)',
};

const APPROVAL_TEXT: Record<Product['approval'], string> = {
  automatic: 'Automatic: a subscription is active at once',
  manual: 'Manual: the bank reviews each subscription request',
};

function marketplacePage(req: Request, title: string, body: Html): string {
  const header = html`<header>
    <p><strong>${SITE}</strong></p>
    <nav aria-label="Marketplace"><a href="${links(req).catalog}">API products</a></nav>
  </header>`;
  return page(title, body, { site: SITE, header, wide: true });
}

const safeHttpUrl = (url: string) => /^https?:\/\//i.test(url);

function supportSection(support: SupportContact): Html {
  const tel = support.phone.replace(/[^\d+]/g, '');
  return html`<section aria-labelledby="support-heading">
    <h2 id="support-heading">Support</h2>
    <dl>
      <dt>Contact</dt>
      <dd>${support.name}</dd>
      <dt>Email</dt>
      <dd><a href="mailto:${support.email}">${support.email}</a></dd>
      <dt>Phone</dt>
      <dd>${tel ? html`<a href="tel:${tel}">${support.phone}</a>` : support.phone}</dd>
      <dt>Hours</dt>
      <dd>${support.hours}</dd>
      <dt>Website</dt>
      <dd>
        ${safeHttpUrl(support.website) ? html`<a href="${support.website}">${support.website}</a>` : support.website}
      </dd>
    </dl>
  </section>`;
}

const scopeList = (product: Product) =>
  product.scopes.length
    ? html`<ul>
        ${product.scopes.map((s) => html`<li><code>${s}</code></li>`)}
      </ul>`
    : html`<p>None of its own: its calls use the access token of the customer's consent.</p>`;

const planList = (product: Product) =>
  html`${product.plans.map((p, i) => html`${i ? ', ' : ''}${p.name} (${p.callsPerMinute} calls/min)`)}`;

export function catalogPage(req: Request, deps: CatalogDeps): string {
  const standards = [...new Set(PRODUCTS.map((p) => p.standard))];
  return marketplacePage(
    req,
    'API products',
    html`<h1>API products</h1>
      <p>
        Subscribe your organization to a product to let its applications request the product's scopes. Calls
        go through the gateway at <code>${trimSlash(deps.gatewayUrl)}</code>; tokens come from the
        authorization server <code>${trimSlash(deps.authIssuer)}</code>.
      </p>
      ${standards.map((standard) => {
        const id = `standard-${standard.toLowerCase()}`;
        return html`<section aria-labelledby="${id}">
          <h2 id="${id}">${STANDARD_NAMES[standard]}</h2>
          ${table(
            `${STANDARD_NAMES[standard]} products`,
            ['Product', 'Summary', 'Version', 'Approval', 'Plans', 'Scopes'],
            PRODUCTS.filter((p) => p.standard === standard).map(
              (p) =>
                html`<tr>
                  <th scope="row"><a href="${links(req, p).page}">${p.name}</a></th>
                  <td>${p.summary}</td>
                  <td>${p.version}</td>
                  <td>${APPROVAL_TEXT[p.approval]}</td>
                  <td>${planList(p)}</td>
                  <td>
                    ${
                      p.scopes.length
                        ? html`<ul>
                            ${p.scopes.map((s) => html`<li>${s}</li>`)}
                          </ul>`
                        : 'None'
                    }
                  </td>
                </tr>`,
            ),
          )}
        </section>`;
      })}
      ${supportSection(deps.support)}`,
  );
}

const notInstalled = (product: Product) =>
  html`<p class="notice" role="status">
    Specification not installed: the ${product.standard} specification files for ${product.name} are not
    installed on this server.
    ${
      product.standard === 'FDX'
        ? "FDX's licence does not allow shipping them with the platform: the operator can install them " +
          '(FDX_SPECS_DIR) to publish the documentation and the explorer.'
        : 'The operator can restore them under specs/ofb.'
    }
  </p>`;

const operationsTable = (ops: Operation[]): Html =>
  table(
    'Operations, relative to the base URL',
    ['Method', 'Path', 'Summary'],
    ops.map(
      (op) =>
        html`<tr>
          <td><code>${op.method}</code></td>
          <th scope="row"><code>${op.path}</code></th>
          <td>${op.summary}</td>
        </tr>`,
    ),
  );

export function productPage(
  req: Request,
  deps: CatalogDeps,
  product: Product,
  doc: OpenApiDocument | undefined,
): string {
  const l = links(req, product);
  const issuer = trimSlash(deps.authIssuer);
  return marketplacePage(
    req,
    product.name,
    html`<nav aria-label="Breadcrumb"><a href="${l.catalog}">API products</a> › ${product.name}</nav>
      <h1>${product.name}</h1>
      <p>${product.summary}</p>
      <dl>
        <dt>Standard</dt>
        <dd>${STANDARD_NAMES[product.standard]}</dd>
        <dt>Version</dt>
        <dd>${product.version}</dd>
        <dt>Base URL</dt>
        <dd><code>${baseUrl(deps, product)}</code></dd>
        <dt>Approval</dt>
        <dd>${APPROVAL_TEXT[product.approval]}</dd>
        <dt>Authorization server</dt>
        <dd><code>${issuer}</code> (<a href="${issuer}/.well-known/openid-configuration">discovery</a>)</dd>
        ${
          doc
            ? html`<dt>Specification</dt>
                <dd>${doc.info?.title ?? product.name} ${doc.info?.version ?? ''}</dd>`
            : ''
        }
      </dl>
      <section aria-labelledby="scopes-heading">
        <h2 id="scopes-heading">Scopes</h2>
        ${scopeList(product)}
      </section>
      <section aria-labelledby="plans-heading">
        <h2 id="plans-heading">Plans</h2>
        ${table(
          `Plans of ${product.name}`,
          ['Plan', 'Calls per minute'],
          product.plans.map(
            (p) =>
              html`<tr>
                <th scope="row">${p.name}</th>
                <td>${p.callsPerMinute}</td>
              </tr>`,
          ),
        )}
      </section>
      <section aria-labelledby="docs-heading">
        <h2 id="docs-heading">Documentation</h2>
        ${
          doc
            ? html`<ul>
                <li><a href="${l.explorer}">API explorer</a></li>
                <li><a href="${l.openapi}">OpenAPI document (JSON)</a></li>
              </ul>`
            : notInstalled(product)
        }
      </section>
      <section aria-labelledby="operations-heading">
        <h2 id="operations-heading">Operations</h2>
        ${doc ? operationsTable(operationsOf(doc)) : html`<p>No operations to list without the specification.</p>`}
      </section>
      ${supportSection(deps.support)}`,
  );
}

export function explorerPage(
  req: Request,
  deps: CatalogDeps,
  product: Product,
  doc: OpenApiDocument | undefined,
): string {
  const l = links(req, product);
  const title = `${product.name} API explorer`;
  return marketplacePage(
    req,
    title,
    html`<nav aria-label="Breadcrumb">
        <a href="${l.catalog}">API products</a> › <a href="${l.page}">${product.name}</a> › API explorer
      </nav>
      <h1>${title}</h1>
      ${
        doc
          ? html`<p>
                Base URL <code>${baseUrl(deps, product)}</code>. Calls need the application's client
                certificate and a certificate-bound access token: use your application's Postman collection to
                send them. <a href="${l.openapi}">OpenAPI document (JSON)</a>.
              </p>
              <noscript>
                <p>
                  The explorer needs JavaScript. The <a href="${l.page}">product page</a> lists every
                  operation.
                </p>
              </noscript>
              <link rel="stylesheet" href="${l.assets.swaggerUi}/swagger-ui.css" />
              <div
                id="swagger-ui"
                role="region"
                aria-label="${title}"
                aria-busy="true"
                data-spec-url="${l.openapi}"
                data-try-it-out="${String(TRY_IT_OUT)}"
              ></div>
              <script src="${l.assets.swaggerUi}/swagger-ui-bundle.js" defer></script>
              <script src="${l.assets.catalog}/explorer.js" defer></script>`
          : notInstalled(product)
      }`,
  );
}

export function notFoundPage(req: Request, id: string): string {
  return marketplacePage(
    req,
    'Product not found',
    html`<h1>Product not found</h1>
      <p role="alert">There is no API product "${id}".</p>
      <p><a href="${links(req).catalog}">See all API products</a></p>`,
  );
}
