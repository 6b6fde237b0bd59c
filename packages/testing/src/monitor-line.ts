/** One line of MONITOR output: `<time> [<db> <source>] "<name>" "<arg>" ...` */
export interface MonitorLine {
  /** `ip:port` of the client, `lua` for a command a script ran, `unix:<path>` for a socket client. */
  source: string;
  /** The command and its arguments, unescaped (`\\"`, `\\n`, `\\xHH`, ... as Redis's `sdscatrepr` writes them). */
  args: string[];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', '"': '"', '\\': '\\' };

/** Parses one MONITOR line (without its `+` and CRLF); `undefined` for anything else. */
export function parseMonitorLine(line: string): MonitorLine | undefined {
  const open = line.indexOf(' [');
  const close = open < 0 ? -1 : line.indexOf('] ', open);
  if (close < 0) return undefined;
  const where = line.slice(open + 2, close);
  const source = where.slice(where.indexOf(' ') + 1);
  const args: string[] = [];
  let i = close + 2;
  while (i < line.length) {
    if (line[i] !== '"') return undefined;
    let arg = '';
    for (i++; i < line.length && line[i] !== '"'; i++) {
      if (line[i] !== '\\') {
        arg += line[i];
      } else if (line[i + 1] === 'x') {
        arg += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
        i += 3;
      } else {
        arg += ESCAPES[line[i + 1]!] ?? line[i + 1];
        i++;
      }
    }
    args.push(arg);
    i += 2; // the closing quote and the space before the next argument
  }
  return args.length > 0 ? { source, args } : undefined;
}
