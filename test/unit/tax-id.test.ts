import { describe, expect, it } from '@jest/globals';
import { normalizeCnpj, normalizeEin } from '../../lib/validation/tax-id.js';

describe('CNPJ', () => {
  it('accepts a numeric CNPJ with or without punctuation', () => {
    expect(normalizeCnpj('11.222.333/0001-81')).toBe('11222333000181');
    expect(normalizeCnpj('11222333000181')).toBe('11222333000181');
  });

  it('accepts the alphanumeric CNPJ issued from July 2026 (Receita Federal example)', () => {
    expect(normalizeCnpj('12.ABC.345/01DE-35')).toBe('12ABC34501DE35');
    expect(normalizeCnpj('12abc34501de35')).toBe('12ABC34501DE35');
  });

  it('rejects a wrong check digit, a wrong length and repeated digits', () => {
    expect(normalizeCnpj('11.222.333/0001-80')).toBeUndefined();
    expect(normalizeCnpj('12.ABC.345/01DE-36')).toBeUndefined();
    expect(normalizeCnpj('1122233300018')).toBeUndefined();
    expect(normalizeCnpj('00000000000000')).toBeUndefined();
    expect(normalizeCnpj('11222333000A81')).toBeUndefined();
  });
});

describe('EIN', () => {
  it('accepts nine digits with an IRS-assigned prefix', () => {
    expect(normalizeEin('12-3456789')).toBe('123456789');
    expect(normalizeEin('981234567')).toBe('981234567');
  });

  it('rejects prefixes the IRS does not assign and malformed values', () => {
    expect(normalizeEin('07-1234567')).toBeUndefined();
    expect(normalizeEin('89-1234567')).toBeUndefined();
    expect(normalizeEin('12-345678')).toBeUndefined();
    expect(normalizeEin('AB-3456789')).toBeUndefined();
  });
});
