// Tax ids and customer ids shown masked, the way Brazilian public bodies publish a CPF under the
// LGPD: enough digits to tell two people apart on a page, too few to use. A CPF keeps its 4th to
// 9th digits (***.456.789-**); a CNPJ hides its first two and its check digits alike.

/** Without punctuation; a CNPJ may hold letters since July 2026. */
const plain = (s: string) => s.replace(/[^0-9A-Za-z]/g, '').toUpperCase();

/** 52998224725 → ***.982.247-** */
export function maskCpf(cpf: string): string {
  const d = plain(cpf);
  return /^\d{11}$/.test(d) ? `***.${d.slice(3, 6)}.${d.slice(6, 9)}-**` : maskId(cpf);
}

/** 11222333000181 → **.222.333/0001-**; 12ABC34501DE35 → **.ABC.345/01DE-** */
export function maskCnpj(cnpj: string): string {
  const d = plain(cnpj);
  return /^[0-9A-Z]{12}\d{2}$/.test(d)
    ? `**.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-**`
    : maskId(cnpj);
}

/** Any other identifier (an FDX customer's id): only its last four characters. */
export function maskId(id: string): string {
  return id.length > 4 ? `***${id.slice(-4)}` : '***';
}
