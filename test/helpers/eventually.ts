/**
 * Retry an assertion until it passes or `timeoutMs` runs out (for effects of asynchronous workflow
 * steps). The default ceiling is generous for a loaded machine: it costs nothing when the assertion
 * passes early, and a test's own timeout (jest.config.js) leaves room for it.
 */
export async function eventually<T>(assertion: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
