import net from 'node:net';

/** A TCP hop to Redis whose replies arrive late: what a congested or distant link looks like to one client. */
export interface SlowLink {
  /** `redis://` URL of the proxy, to hand to the client that should sit behind the slow link. */
  url: string;
  close(): Promise<void>;
}

/**
 * Forwards every connection to `target` at once, and delays everything the
 * server sends back by `replyDelayMs`. Replies keep their order: timers of one
 * duration fire in the order they were set.
 */
export async function slowLink(target: string, replyDelayMs: number): Promise<SlowLink> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    track(client);
    track(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
      }, replyDelayMs);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => setTimeout(() => client.destroy(), replyDelayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${proxyPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
