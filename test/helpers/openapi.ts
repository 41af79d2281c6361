// Validates HTTP responses (status, headers, JSON body) against an official OpenAPI 3.0 file,
// read as is from disk: the files are third-party and must not be copied into this repository.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Obj = Record<string, unknown>;

/** The parsed YAML; only the parts this helper reads are typed. */
export interface OpenApiDocument {
  openapi: string;
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface ResponseUnderTest {
  status: number;
  /** A plain object (any case; Node's IncomingHttpHeaders fits) or a WHATWG Headers. */
  headers?: Record<string, string | string[] | undefined> | Headers;
  /** Parsed JSON; undefined or '' when there was no body. */
  body: unknown;
}

// OpenAPI/vendor formats that JSON Schema does not define: accepted as is so ajv does not warn.
const LENIENT_FORMATS = ['int32', 'int64', 'float', 'double', 'integer', 'byte', 'binary', 'password', 'url'];

const cache = new Map<string, OpenApiSpec>();

/** Parses `file` once per absolute path. */
export function loadOpenApi(file: string): OpenApiSpec {
  const abs = path.resolve(file);
  let spec = cache.get(abs);
  if (!spec) cache.set(abs, (spec = new OpenApiSpec(abs)));
  return spec;
}

export class OpenApiSpec {
  readonly doc: OpenApiDocument;
  private readonly ajv: Ajv;
  private readonly id: string;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly file: string) {
    // The OFB files start with a UTF-8 BOM.
    const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    this.doc = parse(text) as OpenApiDocument;
    if (!String(this.doc?.openapi).startsWith('3.0.'))
      throw new Error(`${file}: not an OpenAPI 3.0 document`);
    this.ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
    addFormats.default(this.ajv);
    for (const f of LENIENT_FORMATS) this.ajv.addFormat(f, true);
    // The whole document is one schema, so every local `#/components/...` ref resolves inside it;
    // each response schema is compiled as a ref to its JSON pointer in that document.
    this.id = pathToFileURL(file).href;
    this.ajv.addSchema({ ...(toJsonSchema(this.doc) as Obj), $id: this.id });
  }

  /** Throws an Error listing every violation when the response does not match the file. */
  assertResponse(method: string, pathTemplate: string, res: ResponseUnderTest): void {
    const problems = this.responseProblems(method, pathTemplate, res);
    if (problems.length > 0)
      throw new Error(
        `${method.toUpperCase()} ${pathTemplate} ${res.status} does not match ${path.basename(this.file)}:\n` +
          problems.map((p) => `  - ${p}`).join('\n'),
      );
  }

  /** The violations, empty when the response matches. */
  responseProblems(method: string, pathTemplate: string, res: ResponseUnderTest): string[] {
    const m = method.toLowerCase();
    const responses = this.doc.paths?.[pathTemplate]?.[m] as { responses?: Obj } | undefined;
    if (!responses?.responses) return [`${method.toUpperCase()} ${pathTemplate} is not in the file`];
    const key = pickResponseKey(Object.keys(responses.responses), res.status);
    if (!key) return [`status ${res.status} is not documented`];
    const { node: response, pointer } = this.deref(
      responses.responses[key],
      `/paths/${esc(pathTemplate)}/${m}/responses/${esc(key)}`,
    );
    return [...this.headerProblems(response, res.headers), ...this.bodyProblems(response, pointer, res.body)];
  }

  /** Compiles every response schema of every operation (throws on an unresolvable ref); returns how many. */
  compileResponseSchemas(): number {
    let count = 0;
    for (const [p, item] of Object.entries(this.doc.paths ?? {}))
      for (const [m, op] of Object.entries(item))
        for (const [key, r] of Object.entries((op as { responses?: Obj }).responses ?? {})) {
          const { node, pointer } = this.deref(r, `/paths/${esc(p)}/${m}/responses/${esc(key)}`);
          const mediaType = pickJsonMediaType(node);
          if (mediaType && isObj(node.content) && (node.content[mediaType] as Obj).schema) {
            this.validator(`${pointer}/content/${esc(mediaType)}/schema`);
            count++;
          }
        }
    return count;
  }

  private headerProblems(response: Obj, given: ResponseUnderTest['headers']): string[] {
    const problems: string[] = [];
    for (const [name, raw] of Object.entries(isObj(response.headers) ? response.headers : {})) {
      const header = this.deref(raw, '').node;
      const value = readHeader(given, name);
      if (value === undefined) {
        if (header.required === true) problems.push(`header ${name} is required but missing`);
        continue;
      }
      const schema = header.schema === undefined ? {} : this.deref(header.schema, '').node;
      // The same `u` flag ajv uses for body patterns.
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
        problems.push(`header ${name} ${JSON.stringify(value)} must match pattern "${schema.pattern}"`);
    }
    return problems;
  }

  private bodyProblems(response: Obj, pointer: string, body: unknown): string[] {
    const empty = body === undefined || body === '';
    if (!isObj(response.content) || Object.keys(response.content).length === 0)
      return empty ? [] : [`the response documents no body, got ${preview(body)}`];
    const mediaType = pickJsonMediaType(response);
    if (!mediaType) return [`no JSON content type among: ${Object.keys(response.content).join(', ')}`];
    if (!(response.content[mediaType] as Obj).schema) return [];
    if (empty) return ['body is missing'];
    const validate = this.validator(`${pointer}/content/${esc(mediaType)}/schema`);
    return validate(body) ? [] : (validate.errors ?? []).map(describe);
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.validators.get(pointer);
    if (!v)
      this.validators.set(
        pointer,
        (v = this.ajv.compile({
          $ref: `${this.id}#${pointer.split('/').map(encodeURIComponent).join('/')}`,
        })),
      );
    return v;
  }

  /** Follows local `$ref`s; returns the target and its JSON pointer. */
  private deref(node: unknown, pointer: string): { node: Obj; pointer: string } {
    for (let hops = 0; isObj(node) && typeof node.$ref === 'string'; hops++) {
      const ref = node.$ref;
      if (!ref.startsWith('#/') || hops > 20) throw new Error(`${this.file}: unsupported $ref ${ref}`);
      pointer = decodeURIComponent(ref.slice(1));
      node = pointer
        .split('/')
        .slice(1)
        .reduce<unknown>(
          (at, part) => (isObj(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
          this.doc,
        );
    }
    if (!isObj(node)) throw new Error(`${this.file}: nothing at ${pointer}`);
    return { node, pointer };
  }
}

/** Exact status, then its `4XX`-style range, then `default` (the precedence OpenAPI 3.0 defines). */
function pickResponseKey(keys: string[], status: number): string | undefined {
  const range = `${String(status)[0]}XX`;
  return (
    keys.find((k) => k === String(status)) ??
    keys.find((k) => k.toUpperCase() === range) ??
    keys.find((k) => k === 'default')
  );
}

/** `application/json`, then `application/json; charset=...`, then anything JSON (e.g. `+json`). */
function pickJsonMediaType(response: Obj): string | undefined {
  const types = isObj(response.content) ? Object.keys(response.content) : [];
  const norm = (t: string) => t.toLowerCase().replace(/\s+/g, '');
  return (
    types.find((t) => norm(t) === 'application/json') ??
    types.find((t) => norm(t).startsWith('application/json;')) ??
    types.find((t) => norm(t).includes('json'))
  );
}

/**
 * OpenAPI 3.0 schema dialect → JSON Schema draft-07: `nullable` and boolean `exclusiveMinimum`/
 * `exclusiveMaximum`. Other OpenAPI-only keywords (example, discriminator, xml, x-*, ...) are
 * ignored by ajv in non-strict mode.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObj(node)) return node;
  const out: Obj = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, toJsonSchema(v)]));
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else delete out[flag];
  }
  if (typeof out.nullable !== 'boolean') return out;
  const nullable = out.nullable;
  delete out.nullable;
  if (!nullable) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

function readHeader(headers: ResponseUnderTest['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  // Duck-typed: undici's Headers is not the global class.
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const plain = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(plain).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : plain[key];
  return Array.isArray(value) ? value.join(', ') : value;
}

function describe(e: ErrorObject): string {
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
      : e.keyword === 'enum'
        ? ` (allowed: ${(e.params as { allowedValues?: unknown[] }).allowedValues?.join(', ')})`
        : '';
  return `${e.instancePath || '/'} ${e.message}${extra}, got ${preview(e.data)}`;
}

function preview(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** One JSON-pointer segment. */
function esc(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
