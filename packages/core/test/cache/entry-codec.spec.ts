import { decodeEntry, EntryFlags } from '@cachet/core/store';
import { encodeEntryBody } from '../../src/cache/entry-codec.js';

/** What the write script stores: the server's times in front of the body. */
const stamped = (times: string, body: Buffer) => Buffer.concat([Buffer.from(`c1 ${times} `), body]);

describe('the entry envelope (c1)', () => {
  const body = {
    deltaMs: 12.6,
    flags: EntryFlags.compressed | EntryFlags.sliding,
    generation: '1700000000-5',
    tags: [
      ['users', '17-1'],
      ['user:1', '17-2+'],
    ] as const,
    payload: Buffer.from([0, 10, 255, 10, 32]), // binary, with newlines
  };

  it('reads back what was written, with the stamped times, the tags and the payload untouched', () => {
    expect(decodeEntry(stamped('3000 2000 1000', encodeEntryBody(body)))).toEqual({
      hardExpireAt: 3000,
      logicalExpireAt: 2000,
      createdAt: 1000,
      deltaMs: 13,
      flags: EntryFlags.compressed | EntryFlags.sliding,
      generation: '1700000000-5',
      tags: [
        ['users', '17-1'],
        ['user:1', '17-2+'],
      ],
      payload: body.payload,
    });
  });

  it('writes the header the Lua scripts parse: delta, flags, generation, tag count, then one line per tag name and version', () => {
    expect(encodeEntryBody({ ...body, deltaMs: -5, payload: Buffer.from('v') }).toString()).toBe(
      `0 9 1700000000-5 2\nusers\n17-1\nuser:1\n17-2+\nv`,
    );
  });

  it('reads an entry without tags and with an empty payload', () => {
    const decoded = decodeEntry(stamped('3 2 1', encodeEntryBody({ ...body, tags: [], payload: Buffer.alloc(0) })));
    expect(decoded?.tags).toEqual([]);
    expect(decoded?.payload.length).toBe(0);
  });

  it('treats another format, a damaged header or missing tag lines as a miss', () => {
    const good = stamped('3000 2000 1000', encodeEntryBody(body));
    expect(decodeEntry(Buffer.from(good.toString('latin1').replace(/^c1/, 'c2'), 'latin1'))).toBeUndefined();
    expect(decodeEntry(Buffer.from('c1 3000 2000 1000 0 0 g'))).toBeUndefined(); // no end of header
    expect(decodeEntry(Buffer.from('c1 3000 2000 1000 0 0 g\npayload'))).toBeUndefined(); // 7 fields
    expect(decodeEntry(Buffer.from('c1 3000 2000 1000 0 0 g 2\nusers\n17-1\nuser:1'))).toBeUndefined();
    expect(decodeEntry(Buffer.from('0 0 g 0\npayload'))).toBeUndefined(); // not stamped
  });
});
