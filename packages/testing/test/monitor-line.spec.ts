import { parseMonitorLine } from '../src/monitor-line.js';

describe('parseMonitorLine', () => {
  it('reads the source and the arguments of a client command', () => {
    expect(parseMonitorLine('1700000000.123456 [0 127.0.0.1:51234] "mget" "ns:e:{ab}:k" "ns:n"')).toEqual({
      source: '127.0.0.1:51234',
      args: ['mget', 'ns:e:{ab}:k', 'ns:n'],
    });
  });

  it('tells a command a script ran by its source', () => {
    expect(parseMonitorLine('1700000000.1 [0 lua] "GET" "k"')?.source).toBe('lua');
  });

  it('unescapes what Redis escapes: quotes, backslashes, control characters, bytes', () => {
    const line = String.raw`1.0 [0 127.0.0.1:1] "set" "say \"hi\"" "a\\b" "x\r\ny\tz" "\x00\xff"`;
    expect(parseMonitorLine(line)?.args).toEqual(['set', 'say "hi"', 'a\\b', 'x\r\ny\tz', '\x00\xff']);
  });

  it('keeps empty arguments and refuses what is not a MONITOR line', () => {
    expect(parseMonitorLine('1.0 [0 127.0.0.1:1] "set" "k" ""')?.args).toEqual(['set', 'k', '']);
    expect(parseMonitorLine('OK')).toBeUndefined();
    expect(parseMonitorLine('1.0 [0 127.0.0.1:1] ')).toBeUndefined();
  });
});
