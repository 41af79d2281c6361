// `npm run screenshots [-- --out docs/screenshots]`: regenerate the README's screenshots
// from scratch. Removes the directory's old PNGs (a renamed step leaves none behind), runs in
// Chromium with SCREENSHOTS set the end-to-end journeys (test/integration/journeys/journeys.test.ts),
// so each step saves `<standard>-<n>-<step>.png`, and the accessibility walk
// (test/integration/journeys/accessibility.test.ts), so each kind of page saves
// `<area>-<page>-<width>.png` at 390 and 1280 px, and lists what it wrote.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/screenshots' } } });
const out = path.resolve(root, values.out!);
const pngs = () => readdirSync(out).filter((f) => f.endsWith('.png'));

mkdirSync(out, { recursive: true });
for (const old of pngs()) rmSync(path.join(out, old));

const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const tests = [
  'test/integration/journeys/journeys.test.ts',
  'test/integration/journeys/accessibility.test.ts',
];
const run = spawnSync(process.execPath, [jest, ...tests], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '),
    SCREENSHOTS: out,
  },
});

const written = pngs().sort();
for (const f of written)
  console.log(
    `${path.relative(root, path.join(out, f))}  ${Math.round(statSync(path.join(out, f)).size / 1024)} KiB`,
  );
if (run.status !== 0) {
  console.error(`the walks failed (exit ${run.status ?? run.signal}): the screenshots are incomplete`);
  process.exit(run.status ?? 1);
}
console.log(`${written.length} screenshots in ${path.relative(root, out) || '.'}`);
