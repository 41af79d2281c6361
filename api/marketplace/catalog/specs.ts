// The OpenAPI documents of the catalog's products. OFB files are vendored under specs/ofb
// (Apache-2.0); FDX files are read at run time from a directory outside the project, since FDX's
// licence forbids copying them in. A missing FDX directory is a normal state ("not installed"),
// not an error. Multi-file specs (FDX's `$ref: '/fdxapi.components.yaml#/…'`) are bundled into
// one self-contained document, so the explorer and the JSON endpoint need no second request.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Product } from '../../../lib/products.js';

/** The parsed document; only the parts the catalog reads are typed. */
export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string; [key: string]: unknown };
  servers?: { url: string; description?: string }[];
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface Operation {
  method: string;
  path: string;
  summary: string;
  operationId?: string;
}

interface SpecSources {
  /** The project root, holding specs/ofb; defaults to this checkout's. */
  projectRoot?: string;
  /** Where FDX's files are; without it FDX products have no specification. */
  fdxSpecsDir?: string;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Production's default FDX directory: `../shared/specs/fdx` next to the project, never inside it. */
export const DEFAULT_FDX_SPECS_DIR = path.resolve(PROJECT_ROOT, '../shared/specs/fdx');

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, unknown>;

const cache = new Map<string, OpenApiDocument>();

/** The absolute file of a product's spec and the directory it must stay in; undefined when FDX has none. */
function specLocation(
  product: Pick<Product, 'spec'>,
  sources: SpecSources = {},
): { file: string; root: string } | undefined {
  const [kind, rel] = splitSpec(product.spec);
  const root =
    kind === 'ofb'
      ? path.join(sources.projectRoot ?? PROJECT_ROOT, 'specs/ofb')
      : sources.fdxSpecsDir
        ? path.resolve(sources.fdxSpecsDir)
        : undefined;
  if (!root) return undefined;
  const file = path.resolve(root, rel);
  if (!inside(root, file)) throw new Error(`spec ${product.spec} points outside ${root}`);
  return { file, root };
}

/**
 * The product's OpenAPI document, parsed once and kept in memory; undefined when its file (or the
 * FDX directory) is not there. The result is shared: do not modify it.
 */
export function loadProductSpec(
  product: Pick<Product, 'spec'>,
  sources: SpecSources = {},
): OpenApiDocument | undefined {
  const where = specLocation(product, sources);
  if (!where) return undefined;
  const cached = cache.get(where.file);
  if (cached) return cached;
  const doc = readYaml(where.file);
  if (doc === undefined) return undefined;
  if (!isObject(doc) || typeof doc.openapi !== 'string')
    throw new Error(`${where.file}: not an OpenAPI document`);
  const bundled = bundle(doc as OpenApiDocument, where.file, where.root);
  cache.set(where.file, bundled);
  return bundled;
}

/** The operations of a document in file order: method (upper case), path and summary. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      ops.push({
        method: method.toUpperCase(),
        path: p,
        summary: typeof op.summary === 'string' ? op.summary : '',
        ...(typeof op.operationId === 'string' ? { operationId: op.operationId } : {}),
      });
    }
  }
  return ops;
}

/**
 * A copy of the document for publishing: `servers` is the gateway's base URL and OAuth/OpenID
 * security schemes point at the platform's authorization server.
 */
export function publishedSpec(
  doc: OpenApiDocument,
  o: { serverUrl: string; authIssuer: string; tokenPath?: string; authorizationPath?: string },
): OpenApiDocument {
  const issuer = o.authIssuer.replace(/\/+$/, '');
  const schemes = doc.components?.securitySchemes;
  const components =
    doc.components && isObject(schemes)
      ? {
          ...doc.components,
          securitySchemes: Object.fromEntries(
            Object.entries(schemes).map(([name, scheme]) => [
              name,
              pointSchemeAt(scheme, issuer, o.tokenPath ?? '/token', o.authorizationPath ?? '/auth'),
            ]),
          ),
        }
      : doc.components;
  return {
    ...doc,
    servers: [{ url: o.serverUrl, description: 'API gateway' }],
    ...(components ? { components } : {}),
  };
}

function pointSchemeAt(scheme: unknown, issuer: string, tokenPath: string, authPath: string): unknown {
  if (!isObject(scheme)) return scheme;
  if (scheme.type === 'openIdConnect')
    return { ...scheme, openIdConnectUrl: `${issuer}/.well-known/openid-configuration` };
  if (scheme.type !== 'oauth2' || !isObject(scheme.flows)) return scheme;
  const flows = Object.fromEntries(
    Object.entries(scheme.flows).map(([name, flow]) => {
      if (!isObject(flow)) return [name, flow];
      const next: Json = { ...flow };
      if ('tokenUrl' in flow) next.tokenUrl = `${issuer}${tokenPath}`;
      if ('authorizationUrl' in flow) next.authorizationUrl = `${issuer}${authPath}`;
      if ('refreshUrl' in flow) next.refreshUrl = `${issuer}${tokenPath}`;
      return [name, next];
    }),
  );
  return { ...scheme, flows };
}

function splitSpec(spec: string): ['ofb' | 'fdx', string] {
  const m = /^(ofb|fdx):(.+)$/.exec(spec);
  if (!m) throw new Error(`unknown spec reference ${spec}`);
  return [m[1] as 'ofb' | 'fdx', m[2]!];
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The parsed file, or undefined when it (or its directory) does not exist. */
function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  // The OFB files start with a UTF-8 BOM.
  return parse(text.replace(/^\uFEFF/, ''), { maxAliasCount: -1 });
}

/**
 * Inline every external `$ref` (`other.yaml#/components/schemas/X`) into the root document's
 * components, renaming on a clash, so that only local `#/…` refs remain. A leading `/` in a ref
 * resolves against the root file's directory, as FDX's files are written.
 */
function bundle(doc: OpenApiDocument, rootFile: string, root: string): OpenApiDocument {
  const out = structuredClone(doc);
  const rootDir = path.dirname(rootFile);
  const files = new Map<string, Json>();
  const imported = new Map<string, string>();
  // Names the document already uses, per component kind.
  const taken = (kind: string) => {
    out.components ??= {};
    return (out.components[kind] ??= {});
  };

  const loadFile = (file: string): Json => {
    let parsed = files.get(file);
    if (!parsed) {
      const text = readYaml(file);
      if (!isObject(text))
        throw new Error(`${rootFile}: referenced file ${file} is missing or not a document`);
      files.set(file, (parsed = text));
    }
    return parsed;
  };

  const resolveFile = (ref: string, from: string) => {
    const file = ref.startsWith('/') ? path.join(rootDir, ref) : path.resolve(path.dirname(from), ref);
    if (!inside(root, file)) throw new Error(`${rootFile}: $ref ${ref} points outside ${root}`);
    return file;
  };

  const importRef = (file: string, pointer: string): string => {
    const key = `${file}#${pointer}`;
    const known = imported.get(key);
    if (known) return known;
    const parts = pointer
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let value: unknown = loadFile(file);
    for (const part of parts)
      value = isObject(value) || Array.isArray(value) ? (value as Json)[part] : undefined;
    if (value === undefined) throw new Error(`${rootFile}: $ref ${path.basename(file)}#${pointer} not found`);
    const [kind, name] =
      parts.length === 3 && parts[0] === 'components' ? [parts[1]!, parts[2]!] : ['schemas', parts.join('_')];
    const names = taken(kind);
    let local = name;
    const stem = path
      .basename(file)
      .replace(/\.[^.]+$/, '')
      .replace(/[^\w.-]/g, '_');
    for (let i = 2; local in names; i++) local = i === 2 ? `${stem}_${name}` : `${stem}_${name}_${i}`;
    const ref = `#/components/${kind}/${local.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    imported.set(key, ref);
    const copy = structuredClone(value);
    names[local] = copy;
    rewrite(copy, file);
    return ref;
  };

  const rewrite = (node: unknown, from: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => rewrite(n, from));
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const hash = ref.indexOf('#');
      const filePart = hash < 0 ? ref : ref.slice(0, hash);
      const pointer = hash < 0 ? '' : ref.slice(hash + 1);
      const file = filePart ? resolveFile(filePart, from) : from;
      if (file !== rootFile) node.$ref = importRef(file, pointer);
      else if (filePart) node.$ref = `#${pointer}`;
    }
    for (const [k, v] of Object.entries(node)) if (k !== '$ref') rewrite(v, from);
  };

  rewrite(out, rootFile);
  return out;
}
