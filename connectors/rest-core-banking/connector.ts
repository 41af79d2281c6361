// `rest-core-banking`: a core banking system that speaks the mock core's JSON contract over HTTP
// (connectors/sdk/core-rest-contract.ts). A 404 with the contract's not-found codes is "no
// such thing for this customer" (undefined or empty); anything that is not an answer — refused
// connection, timeout, 5xx, a body off contract — is ConnectorUnavailable, which the worker
// retries and counts in its circuit breaker. Nothing here logs, and errors carry no customer data.
import { Agent, request } from 'undici';
import {
  NOT_FOUND_CODES,
  clampLimit,
  corePaths,
  type CoreError,
  type CoreItem,
  type CorePage,
} from '../sdk/core-rest-contract.js';
import {
  ConnectorRequestRefused,
  ConnectorUnavailable,
  type BankConnector,
  type PageRequest,
  type TimeRange,
} from '../sdk/connector.js';
import type {
  Account,
  Balance,
  Bill,
  CardTransaction,
  CreditCardAccount,
  Customer,
  Page,
  Statement,
  Transaction,
} from '../sdk/model.js';
import { registerConnector } from '../sdk/registry.js';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { inSpan, SpanKind, tracingOn, withTraceContext } from '../../lib/tracing/spans.js';

const DEFAULT_CORE_BANKING_URL = 'http://127.0.0.1:8600';
const DEFAULT_TIMEOUT_MS = 5000;

interface RestCoreBankingOptions {
  /** Base URL of the core banking service, e.g. http://core.bank.internal:8600. */
  url: string;
  /** Per request, connecting included. */
  timeoutMs: number;
}

const NOT_FOUND = Symbol('not found');

/** A request the core refused as malformed (400): a bug to fix, not an outage to retry. */
export class CoreBankingRequestRefused extends ConnectorRequestRefused {
  override name = 'CoreBankingRequestRefused';
}

const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

/** A contract path with its ids as placeholders, for traces: `/core/v1/customers/{customerId}/accounts`. */
function pathTemplate(path: string): string {
  const ids: Record<string, string> = {
    customers: '{customerId}',
    accounts: '{accountId}',
    'credit-cards': '{creditCardAccountId}',
  };
  const segments = path.split('/');
  return segments.map((s, i) => (i > 0 && ids[segments[i - 1]!] ? ids[segments[i - 1]!] : s)).join('/');
}

export class RestCoreBankingConnector implements BankConnector {
  readonly name = 'rest-core-banking';
  private readonly base: string;
  private readonly agent: Agent;
  private readonly server: { address: string; port: number };

  constructor(private readonly options: RestCoreBankingOptions) {
    this.base = options.url.replace(/\/$/, '');
    const { hostname, port, protocol } = new URL(this.base);
    this.server = { address: hostname, port: Number(port) || (protocol === 'https:' ? 443 : 80) };
    this.agent = new Agent({ connect: { timeout: options.timeoutMs }, keepAliveTimeout: 10_000 });
  }

  /** Closes the kept-alive connections. */
  close(): Promise<void> {
    return this.agent.close();
  }

  /** One GET to the core; traced, in a client span that hands the core the trace context (W3C `traceparent`). */
  private get<T>(
    what: string,
    path: string,
    query: Record<string, string | number | undefined> = {},
  ): Promise<T | typeof NOT_FOUND> {
    if (!tracingOn()) return this.send<T>(what, path, query);
    const template = pathTemplate(path);
    const attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: 'GET',
      'url.template': template,
      [ATTR_SERVER_ADDRESS]: this.server.address,
      [ATTR_SERVER_PORT]: this.server.port,
    };
    return inSpan(`GET ${template}`, { kind: SpanKind.CLIENT, attributes }, (span) =>
      this.send<T>(what, path, query, (status) => span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)),
    );
  }

  private async send<T>(
    what: string,
    path: string,
    query: Record<string, string | number | undefined>,
    answered?: (status: number) => void,
  ): Promise<T | typeof NOT_FOUND> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
    const url = `${this.base}${path}${search.size ? `?${search}` : ''}`;
    let status: number;
    let body: unknown;
    try {
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      const send = () =>
        request(url, {
          dispatcher: this.agent,
          headers: withTraceContext({ accept: 'application/json' }),
          signal,
        });
      // A kept-alive socket the core closed just as it was reused resets at once: these are GETs,
      // so one more try on a fresh socket, within the same deadline, is safe.
      const res = await send().catch((err: unknown) => {
        if (STALE_SOCKET_CODES.has((err as NodeJS.ErrnoException).code ?? '') && !signal.aborted)
          return send();
        throw err;
      });
      status = res.statusCode;
      answered?.(status);
      body = await res.body.json().catch(() => undefined);
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new ConnectorUnavailable(
        timedOut
          ? `core banking did not answer ${what} within ${this.options.timeoutMs} ms`
          : `core banking unreachable for ${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).name}`,
        { cause: err },
      );
    }
    const error = (body as Partial<CoreError> | undefined)?.error;
    if (status === 200 && body && typeof body === 'object' && 'data' in body) return body as T;
    if (status === 404 && (NOT_FOUND_CODES as readonly string[]).includes(error?.code ?? ''))
      return NOT_FOUND;
    if (status === 400)
      throw new CoreBankingRequestRefused(`core banking refused ${what}: ${error?.message ?? 'HTTP 400'}`);
    // 404 without the contract's codes means a wrong CORE_BANKING_URL as surely as a 5xx means an outage.
    throw new ConnectorUnavailable(
      status === 200
        ? `core banking answered ${what} off contract`
        : `core banking answered ${what} with HTTP ${status}${error ? ` ${error.code}` : ''}`,
    );
  }

  private async item<T>(what: string, path: string, query?: Record<string, string | undefined>) {
    const body = await this.get<CoreItem<T>>(what, path, query);
    return body === NOT_FOUND ? undefined : body.data;
  }

  private async page<T>(what: string, path: string, range: TimeRange, page: PageRequest): Promise<Page<T>> {
    const body = await this.get<CorePage<T>>(what, path, {
      from: range.from,
      to: range.to,
      limit: clampLimit(page.limit),
      cursor: page.cursor,
    });
    if (body === NOT_FOUND) return { items: [], total: 0 };
    return {
      items: body.data,
      total: body.total,
      ...(body.nextCursor ? { nextCursor: body.nextCursor } : {}),
    };
  }

  getCustomer(customerId: string): Promise<Customer | undefined> {
    return this.item('the customer', corePaths.customer(customerId));
  }

  async listAccounts(customerId: string): Promise<Account[]> {
    return (await this.item<Account[]>('the accounts', corePaths.accounts(customerId))) ?? [];
  }

  getBalance(customerId: string, accountId: string): Promise<Balance | undefined> {
    return this.item('a balance', corePaths.balance(customerId, accountId));
  }

  listTransactions(customerId: string, accountId: string, range: TimeRange, page: PageRequest) {
    return this.page<Transaction>('transactions', corePaths.transactions(customerId, accountId), range, page);
  }

  async listStatements(customerId: string, accountId: string, range: TimeRange): Promise<Statement[]> {
    return (
      (await this.item<Statement[]>('statements', corePaths.statements(customerId, accountId), {
        ...range,
      })) ?? []
    );
  }

  async listCreditCardAccounts(customerId: string): Promise<CreditCardAccount[]> {
    return (
      (await this.item<CreditCardAccount[]>('the credit cards', corePaths.creditCards(customerId))) ?? []
    );
  }

  async listBills(customerId: string, creditCardAccountId: string, range: TimeRange): Promise<Bill[]> {
    return (
      (await this.item<Bill[]>('bills', corePaths.bills(customerId, creditCardAccountId), { ...range })) ?? []
    );
  }

  listCardTransactions(customerId: string, creditCardAccountId: string, range: TimeRange, page: PageRequest) {
    return this.page<CardTransaction>(
      'card transactions',
      corePaths.cardTransactions(customerId, creditCardAccountId),
      range,
      page,
    );
  }
}

registerConnector('rest-core-banking', (options) => {
  const timeoutMs = Number(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (!(timeoutMs > 0)) throw new RangeError('rest-core-banking: timeoutMs must be a positive number');
  return new RestCoreBankingConnector({ url: options.url ?? DEFAULT_CORE_BANKING_URL, timeoutMs });
});
