// How the bank console shows a consent's customer: by name, documents masked the LGPD way.
import { describe, expect, it } from '@jest/globals';
import { customerLabel, customerText } from '../../api/bank-console/consents/customers.js';
import { maskCnpj, maskCpf, maskId } from '../../lib/web/mask.js';

describe('masking', () => {
  it('shows a CPF’s 4th to 9th digits only', () => {
    expect(maskCpf('52998224725')).toBe('***.982.247-**');
    expect(maskCpf('529.982.247-25')).toBe('***.982.247-**');
  });

  it('hides a CNPJ’s first two and check digits, numeric or alphanumeric', () => {
    expect(maskCnpj('11222333000181')).toBe('**.222.333/0001-**');
    expect(maskCnpj('12.ABC.345/01DE-35')).toBe('**.ABC.345/01DE-**');
  });

  it('shows only the last four characters of anything else, and never a malformed document whole', () => {
    expect(maskId('c0a80001-0000-4000-8000-000000000001')).toBe('***0001');
    expect(maskId('abc')).toBe('***');
    expect(maskCpf('5299822472')).toBe('***2472');
  });
});

describe('a consent’s customer', () => {
  const ana = { _id: 'c-1', name: 'Ana Souza', cpf: '52998224725' };
  const bruno = { _id: 'c-2', name: 'Bruno Lima', cpf: '11144477735', cnpj: '11222333000181' };

  it('names an OFB customer with the masked CPF, and the masked CNPJ for a business', () => {
    expect(customerText(customerLabel({ standard: 'OFB', customerId: 'c-1' }, ana))).toBe(
      'Ana Souza, CPF ***.982.247-**',
    );
    expect(customerText(customerLabel({ standard: 'OFB', customerId: 'c-2' }, bruno))).toBe(
      'Bruno Lima, CNPJ **.222.333/0001-**, CPF ***.444.777-**',
    );
  });

  it('before authorisation shows the CPF the recipient lodged, masked', () => {
    expect(customerLabel({ standard: 'OFB', loggedUserDocument: '52998224725' }, undefined)).toEqual({
      customerId: undefined,
      name: undefined,
      documents: ['CPF ***.982.247-**'],
    });
  });

  it('shows an FDX customer’s id masked, not a Brazilian document', () => {
    expect(customerText(customerLabel({ standard: 'FDX', customerId: 'c0a80001-0001' }, ana))).toBe(
      'Ana Souza, id ***0001',
    );
    expect(customerText(customerLabel({ standard: 'FDX' }, undefined))).toBe('—');
  });
});
