import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/**
 * Stands between the gateway and deals: GraphQL passes, an export is held unanswered (a large
 * export read by a slow client, or a slow database) until the test lets it go.
 */
export async function stallingExports(target: string): Promise<{ url: string; held: ServerResponse[]; close(): Promise<void> }> {
  const held: ServerResponse[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/exports')) {
      held.push(res);
      return;
    }
    const forwarded = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forwarded);
  });
  // Subscriptions (graphql-ws) pass too, as raw bytes once the upgrade request is replayed.
  const tunnels = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`)];
      target.write(`${lines.join('\r\n')}\r\n\r\n`);
      target.write(head);
      target.pipe(client).pipe(target);
    });
    for (const socket of [client, target]) {
      tunnels.add(socket);
      socket.on('error', () => undefined).on('close', () => tunnels.delete(socket));
    }
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`,
    held,
    close: async () => {
      for (const res of held) res.destroy();
      for (const socket of tunnels) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
