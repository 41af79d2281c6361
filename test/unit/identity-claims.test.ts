import { describe, expect, it } from '@jest/globals';
import { unmetIdentityClaim } from '../../auth/identity-claims.js';

const person = { cpf: '52998224725' };
const forCompany = { cpf: '11144477735', cnpj: '11222333000181' };
const asking = (claims: object) => JSON.stringify(claims);

describe('essential identity claims a logged-in customer must meet (OFB 5.2.2.2-3)', () => {
  it('accepts what the customer holds, asked for with a value, with values, or with none', () => {
    expect(
      unmetIdentityClaim(asking({ id_token: { cpf: { essential: true, value: person.cpf } } }), person),
    ).toBe(undefined);
    expect(
      unmetIdentityClaim(
        asking({ userinfo: { cnpj: { essential: true, values: ['00000000000191', forCompany.cnpj] } } }),
        forCompany,
      ),
    ).toBe(undefined);
    expect(unmetIdentityClaim(asking({ id_token: { cpf: { essential: true }, cnpj: null } }), person)).toBe(
      undefined,
    );
  });

  it("names the claim when it asks for another person's CPF or another company's CNPJ", () => {
    expect(
      unmetIdentityClaim(asking({ id_token: { cpf: { essential: true, value: forCompany.cpf } } }), person),
    ).toBe('cpf');
    expect(
      unmetIdentityClaim(
        asking({ userinfo: { cnpj: { essential: true, value: '00000000000191' } } }),
        forCompany,
      ),
    ).toBe('cnpj');
  });

  it('names cnpj when it is essential for a customer acting for no company, and ignores what is voluntary', () => {
    expect(unmetIdentityClaim(asking({ id_token: { cnpj: { essential: true } } }), person)).toBe('cnpj');
    expect(unmetIdentityClaim(asking({ id_token: { cnpj: { value: '00000000000191' } } }), person)).toBe(
      undefined,
    );
    expect(unmetIdentityClaim(undefined, person)).toBe(undefined);
  });
});
