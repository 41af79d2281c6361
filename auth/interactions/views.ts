// Server-rendered pages of the bank's identity provider. Plain HTML with labels and a logical
// focus order; nothing is loaded from outside the server.
export type Html = { __html: string };

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escape = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Tagged template that escapes every interpolated value unless it is already Html. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    // A list is joined as markup: its strings are escaped, its Html items kept.
    const part = Array.isArray(v)
      ? { __html: v.map((x: Html | string) => (typeof x === 'string' ? escape(x) : x.__html)).join('') }
      : v;
    out +=
      (part && typeof part === 'object' && '__html' in part ? (part as Html).__html : escape(part ?? '')) +
      strings[i + 1]!;
  });
  return { __html: out };
}

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.4rem}label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;padding:.6rem;font-size:1rem;box-sizing:border-box;border:1px solid #555;border-radius:4px}
input[type=checkbox]{width:auto;margin-right:.5rem}
button{margin-top:1.5rem;padding:.7rem 1.2rem;font-size:1rem;border-radius:4px;border:0;background:#0b5394;color:#fff;cursor:pointer}
button.secondary{background:#eee;color:#1b1b1b;border:1px solid #555}
:focus-visible{outline:3px solid #f1a208;outline-offset:2px}
.error{color:#a40000;font-weight:600}.hint{color:#444;font-size:.9rem}
`;

export function page(title: string, body: Html): string {
  return `<!doctype html>${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — Bank</title>
        <style>
          ${{ __html: STYLE }}
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`.__html
  }`;
}

export function loginPage(o: {
  action: string;
  csrf: string;
  client: string;
  error?: string;
  username?: string;
}): string {
  return page(
    'Log in',
    html`<h1>Log in to your bank</h1>
      <p><strong>${o.client}</strong> asks to access your data. Log in to review the request.</p>
      ${o.error ? html`<p class="error" role="alert" id="error">${o.error}</p>` : ''}
      <form method="post" action="${o.action}" autocomplete="off" novalidate>
        <input type="hidden" name="csrf" value="${o.csrf}" />
        <label for="username">CPF</label>
        <input
          id="username"
          name="username"
          inputmode="numeric"
          autocomplete="username"
          required
          value="${o.username ?? ''}"
          ${o.error ? '' : html`autofocus`}${o.error ? html` aria-describedby="error"` : ''}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          ${o.error ? html`autofocus` : ''}
        />
        <button type="submit">Continue</button>
      </form>`,
  );
}

export function codePage(o: { action: string; csrf: string; error?: string }): string {
  return page(
    'Confirm it is you',
    html`<h1>Confirm it is you</h1>
      <p>We sent a six-digit code to your registered email address.</p>
      ${o.error ? html`<p class="error" role="alert" id="error">${o.error}</p>` : ''}
      <form method="post" action="${o.action}" autocomplete="off" novalidate>
        <input type="hidden" name="csrf" value="${o.csrf}" />
        <label for="code">One-time code</label>
        <input
          id="code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxlength="6"
          required
          autofocus${o.error ? html` aria-describedby="error"` : ''}
        />
        <p class="hint">The code expires in 5 minutes.</p>
        <button type="submit">Log in</button>
      </form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(
    title,
    html`<h1>${title}</h1>
      <p role="alert">${message}</p>`,
  );
}

export interface ConsentView {
  action: string;
  csrf: string;
  client: string;
  permissions: string[];
  /** "For how long", already in words. */
  duration: string;
  accounts: { accountId: string; label: string }[];
  error?: string;
}

export function consentPage(o: ConsentView): string {
  return page(
    'Review the request',
    html`<h1>Share your data with ${o.client}?</h1>
      ${o.error ? html`<p class="error" role="alert" id="error">${o.error}</p>` : ''}
      <form method="post" action="${o.action}">
        <input type="hidden" name="csrf" value="${o.csrf}" />
        <h2>What they will see</h2>
        <ul>
          ${o.permissions.map((p) => html`<li>${p}</li>`)}
        </ul>
        <h2>For how long</h2>
        <p>${o.duration}</p>
        <fieldset>
          <legend>Accounts to share</legend>
          ${o.accounts.map(
            (a) =>
              html`<div>
                <input
                  type="checkbox"
                  name="accountIds"
                  value="${a.accountId}"
                  id="acc-${a.accountId}"
                  checked
                /><label for="acc-${a.accountId}" style="display:inline;font-weight:400"> ${a.label}</label>
              </div>`,
          )}
        </fieldset>
        <button type="submit" name="decision" value="authorise">Share</button>
        <button type="submit" name="decision" value="reject" class="secondary">Do not share</button>
      </form>`,
  );
}
