// A statement as a small, valid PDF document (one page of text), built by hand: FDX serves
// statements as `application/pdf`, and this keeps a PDF library out of the gateway.
import type { Statement } from '../../../../connectors/sdk/model.js';

const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');

export function statementPdf(s: Statement): Buffer {
  const lines = [
    `Account statement ${s.statementId}`,
    `Account: ${s.accountId}`,
    `Period: ${s.startDate.slice(0, 10)} to ${s.endDate.slice(0, 10)}`,
    `Opening balance: ${s.openingBalance} ${s.currency}`,
    `Closing balance: ${s.closingBalance} ${s.currency}`,
  ];
  const text = lines.map((l, i) => `BT /F1 12 Tf 72 ${720 - i * 20} Td (${escape(l)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
