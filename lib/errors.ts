// Errors that stop a component at start. Each carries a one-line cause meant for a person,
// printed without a stack trace by lib/main.ts.
export class StartupError extends Error {
  override name = 'StartupError';
}

export class PortInUseError extends StartupError {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(
      `Port ${port} (${variable}) is already in use: stop the process holding it or set ${variable} to a free port`,
    );
  }
}

export class DependencyUnreachableError extends StartupError {
  override name = 'DependencyUnreachableError';
}

/** A connection string with any password replaced, safe to print. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
