import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'hang' | 'bad-gateway';

export interface ToggleProxy {
  /** The subgraph's URL with the proxy's port. */
  url: string;
  /**
   * `pass` forwards; `refuse` resets every connection, open or new (a subgraph that died);
   * `hang` accepts and never answers (a stopped process, a full accept queue); `bad-gateway`
   * answers 502 with an HTML page, as a load balancer in front of a dead subgraph does.
   */
  set(mode: ProxyMode): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of a subgraph that a test can break and mend without touching the subgraph. */
export async function startToggleProxy(target: string): Promise<ToggleProxy> {
  const targetUrl = new URL(target);
  let mode: ProxyMode = 'pass';
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (mode === 'refuse') return void client.resetAndDestroy();
    if (mode === 'hang') return; // read nothing, answer nothing
    if (mode === 'bad-gateway') {
      const page = '<html><body>502 Bad Gateway</body></html>';
      client.once('data', () => client.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: ${page.length}\r\nconnection: close\r\n\r\n${page}`));
      return;
    }
    const upstream = connect(Number(targetUrl.port), targetUrl.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    set(next) {
      mode = next;
      // Kept-alive connections would otherwise go on forwarding (or hanging) in the old mode.
      if (next !== 'pass') for (const socket of sockets) socket.resetAndDestroy();
      else for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
