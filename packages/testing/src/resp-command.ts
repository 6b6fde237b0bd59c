import { createConnection } from 'node:net';

/** One RESP command over a fresh socket; avoids depending on a client for cluster bootstrap. */
export function command(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`Timed out sending ${args.join(' ')} to port ${port}`));
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`),
    );
    socket.on('data', (data) => {
      chunks.push(data);
      const reply = parseReply(Buffer.concat(chunks).toString());
      if (reply === undefined) return;
      socket.destroy();
      if (reply instanceof Error) reject(reply);
      else resolve(reply);
    });
  });
}

/** Parses a simple, error or bulk string reply; `undefined` when more bytes are needed. */
function parseReply(text: string): string | Error | undefined {
  const lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) return undefined;
  const head = text.slice(1, lineEnd);
  switch (text[0]) {
    case '+':
    case ':':
      return head;
    case '-':
      return new Error(head);
    case '$': {
      const length = Number(head);
      if (length < 0) return '';
      const body = Buffer.from(text.slice(lineEnd + 2));
      return body.length >= length + 2 ? body.subarray(0, length).toString() : undefined;
    }
    default:
      return new Error(`Unexpected reply: ${text.slice(0, 40)}`);
  }
}
