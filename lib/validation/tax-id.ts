// Tax ids of data-recipient organizations: Brazil's CNPJ (numeric, and the alphanumeric form the
// Receita Federal issues from July 2026) and the US Employer Identification Number.

/** Normalized CNPJ (12 alphanumerics + 2 check digits, upper case) or undefined when invalid. */
export function normalizeCnpj(input: string): string | undefined {
  const v = input.replace(/[.\-/\s]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{12}[0-9]{2}$/.test(v) || /^(\d)\1{13}$/.test(v)) return undefined;
  // Check digits: modulus 11 over the characters' values (ASCII code minus 48, so digits keep their value).
  const digit = (body: string) => {
    const weights =
      body.length === 12 ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const sum = [...body].reduce((acc, ch, i) => acc + (ch.charCodeAt(0) - 48) * (weights[i] ?? 0), 0);
    const r = sum % 11;
    return r < 2 ? 0 : 11 - r;
  };
  const d1 = digit(v.slice(0, 12));
  const d2 = digit(v.slice(0, 12) + d1);
  return v.endsWith(`${d1}${d2}`) ? v : undefined;
}

// Prefixes the IRS assigns (campus and online codes); others are not issued.
const EIN_PREFIXES = new Set(
  [
    [1, 6],
    [10, 16],
    [20, 27],
    [30, 48],
    [50, 68],
    [71, 77],
    [80, 88],
    [90, 95],
    [98, 99],
  ].flatMap(([a, b]) => Array.from({ length: b! - a! + 1 }, (_, i) => String(a! + i).padStart(2, '0'))),
);

/** Normalized EIN (9 digits) or undefined when invalid. */
export function normalizeEin(input: string): string | undefined {
  const v = input.replace(/[-\s]/g, '');
  if (!/^\d{9}$/.test(v) || !EIN_PREFIXES.has(v.slice(0, 2))) return undefined;
  return v;
}

/** A CPF (11 digits, two modulus-11 check digits) or undefined when invalid. */
export function normalizeCpf(input: string): string | undefined {
  const v = input.replace(/[.\-\s]/g, '');
  if (!/^\d{11}$/.test(v) || /^(\d)\1{10}$/.test(v)) return undefined;
  const digit = (body: string) => {
    const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * (body.length + 1 - i), 0);
    const r = (sum * 10) % 11;
    return r === 10 ? 0 : r;
  };
  const d1 = digit(v.slice(0, 9));
  const d2 = digit(v.slice(0, 9) + d1);
  return v.endsWith(`${d1}${d2}`) ? v : undefined;
}
