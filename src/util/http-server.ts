/** What the server's HTTP listeners (admin, Calls API) share. */
import type { Server } from 'node:http';

/** Stops `server` listening and closes every connection, idle (keep-alive) or not; resolves once it has closed. */
export async function closeHttpServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
