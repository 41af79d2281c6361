// The portal's new-application form proposes the client authentication the organization's standard
// needs: tls_client_auth for an FDX-only organization, private_key_jwt for OFB (and for both); what
// the developer chose is shown again as chosen.
import { describe, expect, it } from '@jest/globals';
import type { Response } from 'express';
import { newAppPage } from '../../api/marketplace/portal/apps/new.js';

const developer = { id: 'd1', email: 'ana@fintech.example', name: 'Ana', organizationId: 'o1', csrf: 'c' };

function drawn(standards: string[], values?: Record<string, string>): string {
  let body = '';
  const res = {
    status: () => res,
    type: () => res,
    send: (b: string) => {
      body = b;
      return res;
    },
  };
  newAppPage(res as unknown as Response, 200, developer, standards, values ? { values } : {});
  return body;
}

const selected = (page: string) => /<option\s+value="(\w+)"\s+selected\s*>/.exec(page)?.[1];

describe("the new application form's client authentication", () => {
  it("defaults to what the organization's standard needs", () => {
    expect(selected(drawn(['FDX']))).toBe('tls_client_auth');
    expect(selected(drawn(['OFB']))).toBe('private_key_jwt');
    expect(selected(drawn(['OFB', 'FDX']))).toBe('private_key_jwt');
  });

  it('keeps what the developer chose', () => {
    expect(selected(drawn(['FDX'], { tokenEndpointAuthMethod: 'private_key_jwt' }))).toBe('private_key_jwt');
    expect(selected(drawn(['OFB'], { tokenEndpointAuthMethod: 'tls_client_auth' }))).toBe('tls_client_auth');
  });
});
