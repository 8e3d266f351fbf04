/** What the server's HTTP listeners (admin, Calls API) share. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` listening on `host`:`port` (port 0: a free port); resolves with the bound address, rejects on 'error'. */
export async function listenHttpServer(server: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/** Stops `server` listening and closes every connection, idle (keep-alive) or not; resolves once it has closed. */
export async function closeHttpServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
