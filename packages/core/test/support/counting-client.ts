import { Redis } from 'ioredis';

/** An ioredis client that records the name of every command it sends: round trips, counted from the client side. */
export function countingClient(url: string): { client: Redis; sent: string[] } {
  const client = new Redis(url, { enableAutoPipelining: true });
  const sent: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, stream) => {
    sent.push(command.name);
    return send(command, stream);
  };
  return { client, sent };
}
