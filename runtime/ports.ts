// Fail fast, with the variable's name, when a port the platform needs is taken.
import net from 'node:net';
import { PortInUseError } from '../lib/errors.js';

export function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, variable) : err),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** A port the OS says is free right now, for tests and throwaway servers. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
