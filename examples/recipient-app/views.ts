// The app's pages: plain server-rendered HTML, one inline style sheet and, on the OFB callback
// only, one inline script (both allowed by the page's CSP nonce); nothing loaded from elsewhere.
// Tokens and keys never reach a page.
import type { RecipientConfig } from './config.js';
import type { ApiCall } from './gateway.js';
import type { DataResult, RevokeResult, Row } from './journey.js';
import type { Session } from './sessions.js';

export type Html = { html: string };

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escape = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Escapes every value unless it is Html; arrays are joined. */
export function h(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const part = (v: unknown): string =>
    Array.isArray(v)
      ? v.map(part).join('')
      : v && typeof v === 'object' && 'html' in v
        ? (v as Html).html
        : escape(v ?? '');
  return { html: strings.reduce((out, s, i) => out + s + (i < values.length ? part(values[i]) : ''), '') };
}

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #bbb;padding:.35rem .5rem;text-align:left}
th{background:#f2f2f2}code{word-break:break-all}
label{display:block;margin-top:.75rem;font-weight:600}input{padding:.5rem;font-size:1rem;border:1px solid #555;border-radius:4px}
button{margin-top:1rem;padding:.6rem 1.1rem;font-size:1rem;border-radius:4px;border:0;background:#0b5394;color:#fff;cursor:pointer}
button.danger{background:#a40000}.journeys{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.5rem}
.journeys section{border:1px solid #bbb;border-radius:6px;padding:0 1rem 1rem}
.notice{background:#e7f1fa;border-left:4px solid #0b5394;padding:.5rem 1rem}
.error{background:#fbeaea;border-left:4px solid #a40000;padding:.5rem 1rem}.hint{color:#444;font-size:.9rem}
:focus-visible{outline:3px solid #f1a208;outline-offset:2px}
`;

export function page(title: string, body: Html, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} · Recipient example app</title><style nonce="${escape(nonce)}">${STYLE}</style></head>
<body><header><p><a href="/">Recipient example app</a></p></header><main>${body.html}</main></body>
</html>`;
}

const csrfField = (session: Session) => h`<input type="hidden" name="csrf" value="${session.csrf}">`;

export function home(cfg: RecipientConfig, session: Session): Html {
  const ofb = cfg.standard === 'OFB';
  const other = (standard: string) =>
    h`<p class="hint">This app runs with ${cfg.standard} credentials. Start it with
      <code>RECIPIENT_STANDARD=${standard}</code> and the credentials of a ${standard} application to try this journey.</p>`;
  return h`<h1>Connect your bank account</h1>
    <p>This example data recipient reads your accounts at the bank, with your consent, using the
    credentials the bank's developer marketplace issued to it (client <code>${cfg.credentials.clientId}</code>).</p>
    ${session.grant && !session.grant.revoked ? h`<p class="notice">You have a consent in place: <a href="/data">see your data</a>.</p>` : ''}
    <div class="journeys">
      <section aria-labelledby="ofb-heading">
        <h2 id="ofb-heading">Open Finance Brasil</h2>
        <ol>
          <li>The app lodges a consent at the bank (accounts, balances, transactions, resources).</li>
          <li>You log in at the bank with your password and a one-time code and choose the accounts.</li>
          <li>The bank sends you back; the app reads your resources, accounts and transactions.</li>
        </ol>
        ${
          ofb
            ? h`<form method="post" action="/ofb/start">${csrfField(session)}
                <label for="cpf">Your CPF</label>
                <input id="cpf" name="cpf" inputmode="numeric" autocomplete="off" required>
                <button type="submit">Connect with Open Finance Brasil</button></form>`
            : other('OFB')
        }
      </section>
      <section aria-labelledby="fdx-heading">
        <h2 id="fdx-heading">FDX</h2>
        <ol>
          <li>The app asks the bank for account details, transactions and statements for 90 days.</li>
          <li>You log in at the bank and choose the accounts to share.</li>
          <li>The bank sends you back; the app reads your accounts, transactions and statements.</li>
        </ol>
        ${
          ofb
            ? other('FDX')
            : h`<form method="post" action="/fdx/start">${csrfField(session)}
                <button type="submit">Connect with FDX</button></form>`
        }
      </section>
    </div>`;
}

/** OFB's hybrid response comes in the URL fragment, which only the browser sees: post it here. */
export function fragmentRelay(session: Session, nonce: string): Html {
  return h`<h1>Finishing…</h1>
    <form id="relay" method="post" action="/callback">${csrfField(session)}
      <input type="hidden" id="response" name="response">
      <noscript><p class="error">This step needs JavaScript: the bank's answer is in the address's
      fragment, which only the browser can pass on.</p></noscript>
    </form>
    <script nonce="${nonce}">
      document.getElementById('response').value = location.hash.slice(1);
      history.replaceState(null, '', location.pathname);
      document.getElementById('relay').submit();
    </script>`;
}

function table(caption: string, id: string, rows: Row[] | undefined, empty: string): Html {
  if (!rows) return h``;
  const columns = Object.keys(rows[0] ?? {});
  return h`<h2 id="${id}">${caption}</h2>
    ${
      rows.length
        ? h`<table aria-labelledby="${id}">
            <thead><tr>${columns.map((c) => h`<th scope="col">${c}</th>`)}</tr></thead>
            <tbody>${rows.map((r) => h`<tr>${columns.map((c) => h`<td>${r[c]}</td>`)}</tr>`)}</tbody>
          </table>`
        : h`<p>${empty}</p>`
    }`;
}

const callList = (calls: ApiCall[]) =>
  h`<h2 id="calls">Calls to the bank's gateway</h2>
    <table aria-labelledby="calls"><thead><tr><th scope="col">Request</th><th scope="col">Status</th><th scope="col">x-fapi-interaction-id</th></tr></thead>
    <tbody>${calls.map((c) => h`<tr><td><code>${c.method} ${c.path}</code></td><td>${c.status}</td><td><code>${c.interactionId}</code></td></tr>`)}</tbody></table>`;

export function data(result: DataResult, session: Session): Html {
  return h`<h1>Your data at the bank</h1>
    <p>${result.standard} consent <code id="consent-id">${result.consentId}</code>.</p>
    ${result.problem ? h`<p class="error" role="alert">${result.problem}</p>` : ''}
    ${table('Resources', 'resources', result.resources, 'The consent covers no resources.')}
    ${table('Accounts', 'accounts', result.accounts, 'No account was shared.')}
    ${table('Transactions of the first account', 'transactions', result.transactions, 'No transactions in this period.')}
    ${table('Statements of the first account', 'statements', result.statements, 'No statements.')}
    ${callList(result.calls)}
    <p><a href="/data">Read again</a></p>
    <form method="post" action="/revoke">${csrfField(session)}
      <p>Stop sharing: the app revokes the consent at the bank, which ends its tokens.</p>
      <button type="submit" class="danger">Revoke consent</button></form>`;
}

export function revoked(result: RevokeResult): Html {
  const ok = result.revocation.status === 204;
  return h`<h1>${ok ? 'Consent revoked' : 'The bank did not revoke the consent'}</h1>
    <p>${result.revocation.method} <code>${result.revocation.path}</code> answered
      <strong id="revocation-status">${result.revocation.status}</strong>.</p>
    <p>The next call with the same access token, ${result.after.method} <code>${result.after.path}</code>, answered
      <strong id="after-status">${result.after.status}</strong>${result.after.status === 401 ? ': the bank no longer accepts the token.' : '.'}</p>
    ${callList([result.revocation, result.after])}
    <p><a href="/">Start again</a></p>`;
}

export function problem(title: string, message: string): Html {
  return h`<h1>${title}</h1><p class="error" role="alert">${message}</p><p><a href="/">Back to the start</a></p>`;
}
