import { describe, expect, it } from '@jest/globals';
import { consentPage, html, loginPage } from '../../auth/interactions/views.js';

/** Markup with runs of whitespace collapsed, so assertions ignore formatting. */
const flat = (markup: string) => markup.replace(/\s+/g, ' ');

describe('server-rendered pages', () => {
  it('escape every interpolated value, in lists too, and keep nested markup', () => {
    const evil = '<script>alert(1)</script>';
    const tight = (h: { __html: string }) => flat(h.__html).replace(/> </g, '><').trim();
    expect(tight(html`<p>${evil}</p>`)).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    const list = html`<ul>
      ${['a<b', html`<li>${'x&y'}</li>`]}
    </ul>`;
    expect(
      tight(list)
        .replace(/<ul> /, '<ul>')
        .replace(/ <\/ul>/, '</ul>'),
    ).toBe('<ul>a&lt;b<li>x&amp;y</li></ul>');
  });

  it('render the consent page with real list items and checkboxes, and a hostile client name as text', () => {
    const page = flat(
      consentPage({
        action: '/interaction/u/consent',
        csrf: 't',
        recipient: { client: '<img src=x onerror=alert(1)>', legalName: '<img src=x onerror=alert(1)>' },
        data: [{ title: '', items: ['Your accounts'] }],
        duration: 'Until you revoke it.',
        accounts: [{ accountId: 'acc-1', label: 'Checking "1"' }],
        preselect: true,
      }),
    );
    expect(page).toContain('<li>Your accounts</li>');
    expect(page).toMatch(
      /<input type="checkbox" name="accountIds" value="acc-1" id="acc-acc-1" checked \/><label for="acc-acc-1"/,
    );
    expect(page).toContain('Checking &quot;1&quot;');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img src=x');
  });

  it('label every field of the login page', () => {
    const page = flat(loginPage({ action: '/a', csrf: 't', client: 'App' }));
    expect(page).toMatch(/<label for="username">CPF<\/label>\s*<input id="username"/);
    expect(page).toMatch(/<label for="password">Password<\/label>\s*<input id="password"/);
    expect(page).toContain('<html lang="en">');
  });
});
