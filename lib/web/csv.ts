// CSV (RFC 4180: CRLF, quotes doubled). A cell a spreadsheet would run as a formula (=, +, -, @,
// or a tab or carriage return first) is prefixed with ' so it stays text.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  let text =
    value === undefined || value === null ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
