// Server-rendered pages: an escaping `html` tagged template and one plain layout, shared by the
// bank's login and consent pages, the consent console and the customers' self-service pages.
// Nothing is loaded from outside the server: no CDN, no scripts, one inline style sheet.
import type { Branding } from '../config.js';

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
input[type=checkbox],input[type=radio]{width:auto;margin-right:.5rem}
textarea,img{max-width:100%;box-sizing:border-box}fieldset{min-width:0}
button{margin-top:1.5rem;padding:.7rem 1.2rem;font-size:1rem;border-radius:4px;border:0;background:#0b5394;color:#fff;cursor:pointer}
button.secondary{background:#eee;color:#1b1b1b;border:1px solid #555}
:focus-visible{outline:3px solid #f1a208;outline-offset:2px}
.error{color:#a40000;font-weight:600}.hint{color:#444;font-size:.9rem}
`;

// Consoles: wider pages with tables, a header and a skip link. On a phone's screen a table of
// class "stack" becomes one card per row, each cell led by its column's name (`data-label`);
// any other table scrolls sideways by itself, so the page does not.
const WIDE_STYLE = `
body{max-width:75rem;margin:1rem auto}
select{width:100%;padding:.55rem;font-size:1rem;border:1px solid #555;border-radius:4px;background:#fff}
table{border-collapse:collapse;width:100%;margin:1rem 0}caption{text-align:left;font-weight:600;padding:.4rem 0}
th,td{border-bottom:1px solid #bbb;padding:.4rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
td code,dd code{word-break:break-all}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;border-bottom:2px solid #0b5394;padding-bottom:.5rem}
header form button{margin-top:0}
.skip{position:absolute;left:-10000px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:0 1rem}
.notice{background:#e7f1fa;border-left:4px solid #0b5394;padding:.5rem 1rem}
.error-banner{background:#fbeaea;border-left:4px solid #a40000;padding:.5rem 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}dd{margin:0}
.actions{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem}
.actions form{border:1px solid #bbb;border-radius:4px;padding:0 1rem 1rem}
nav.pages a{margin-right:1rem}
@media (max-width:40rem){
table:not(.stack){display:block;overflow-x:auto}
table.stack thead{position:absolute;left:-10000px}
table.stack tr{display:block;border:1px solid #bbb;border-radius:4px;margin:0 0 1rem;padding:.3rem .6rem}
table.stack td{display:block;position:relative;border:0;padding:.3rem 0 .3rem 8rem;overflow-wrap:anywhere}
table.stack td::before{content:attr(data-label);position:absolute;left:0;width:7.5rem;font-weight:600}
table.stack td ul{margin:0;padding-left:1.1rem}
dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}
}
`;

interface LayoutOptions {
  /** Shown after the title in the window title. */
  site?: string;
  /** A header (site name, navigation, log-out); pages that have one also get a skip link. */
  header?: Html;
  /** The wider console layout, for tables. */
  wide?: boolean;
  /** The page's language (`<html lang>`); English unless said. */
  lang?: string;
  /** The bank's brand: its colours over the plain style (brandTheme). */
  theme?: Branding;
  /** The skip link's words, in the page's language. */
  skipLabel?: string;
}

/**
 * The bank's colours as one style sheet over the plain one, for any page that shows the brand:
 * buttons and links in the primary colour, the focus ring in the accent, text in the text colour.
 * The values are validated #rrggbb colours (lib/config.ts), safe inside a style element.
 */
function brandTheme(b: Branding): string {
  const { primary, accent, text } = b.colors;
  return `
:root{--brand:${primary};--accent:${accent};--text:${text}}
body{color:var(--text)}a{color:var(--brand)}
button{background:var(--brand)}button.secondary{color:var(--text)}
:focus-visible{outline-color:var(--accent)}
.brand{display:flex;align-items:center;gap:.6rem;border-bottom:3px solid var(--brand);padding-bottom:.6rem}
.brand img,.brand svg{height:2.5rem;width:auto;max-width:8rem}.brand strong{font-size:1.1rem}
.languages{margin-left:auto;font-size:.9rem}
footer{margin-top:2.5rem;border-top:1px solid #bbb;padding-top:.6rem;font-size:.85rem;color:#444}
footer ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:.3rem 0}
.choices{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.choices button{width:100%}
.choices form{display:flex}.choices form button{flex:1}
button.choice{background:#fff;color:var(--brand);border:2px solid var(--brand);font-weight:600}
dl.parties dt{font-weight:600}dl.parties dd{margin:0 0 .6rem}#recipient-cnpj{white-space:nowrap}img.logo{display:block;height:2.5rem;width:auto;max-width:8rem;margin-bottom:.3rem}
details.group{border:1px solid #bbb;border-radius:4px;padding:.4rem .8rem;margin:.5rem 0}
details.group summary{font-weight:600;cursor:pointer}.notice{color:var(--brand);font-weight:600}
`;
}

export function page(title: string, body: Html, o: LayoutOptions = {}): string {
  const style = (o.wide ? STYLE + WIDE_STYLE : STYLE) + (o.theme ? brandTheme(o.theme) : '');
  return `<!doctype html>${
    html`<html lang="${o.lang ?? 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — ${o.site ?? 'Bank'}</title>
        <style>
          ${{ __html: style }}
        </style>
      </head>
      <body>
        ${o.header ? html`<a class="skip" href="#main">${o.skipLabel ?? 'Skip to main content'}</a>${o.header}` : ''}
        <main${o.header ? html` id="main" tabindex="-1"` : ''}>${body}</main>
      </body>
    </html>`.__html
  }`;
}

/** The log-out button in a logged-in header (a POST with the session's CSRF token). */
export const logoutForm = (action: string, csrf: string): Html =>
  html`<form method="post" action="${action}">
    <input type="hidden" name="csrf" value="${csrf}" />
    <button type="submit" class="secondary">Log out</button>
  </form>`;
