// The table every console, portal and insights list draws: a caption, a row of column headings,
// then the rows (built by the caller, or with `row` when every cell is plain).
import { html, type Html } from './html.js';

type Cell = string | number | Html;

interface TableOptions {
  className?: string;
  /** Said in one full-width cell when there are no rows. */
  empty?: string;
}

export const table = (caption: Cell, columns: Cell[], rows: Html[], o: TableOptions = {}): Html =>
  html`<table${o.className ? html` class="${o.className}"` : ''}>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${columns.map((c) => html`<th scope="col">${c}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${
        rows.length || o.empty === undefined
          ? rows
          : html`<tr>
              <td colspan="${columns.length}">${o.empty}</td>
            </tr>`
      }
    </tbody>
  </table>`;

/** A row of plain cells. */
export const row = (cells: Cell[]): Html =>
  html`<tr>
    ${cells.map((c) => html`<td>${c}</td>`)}
  </tr>`;
