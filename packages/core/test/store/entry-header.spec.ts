import { decodeEntry, encodeEntryBody } from '../../src/cache/entry-codec.js';
import {
  ENTRY_FORMAT,
  EntryFlags,
  entryHeaderRest,
  entryTimes,
  parseEntryHeader,
} from '../../src/store/entries/entry-header.js';

describe('entry header', () => {
  it('reads back what the write stamps and the cache encodes', () => {
    const raw = Buffer.from(
      `${entryTimes(3_000, 2_000, 1_000)}${entryHeaderRest(12.6, EntryFlags.sliding, 'g-1', 0)}payload`,
    );
    expect(raw.toString()).toBe(`${ENTRY_FORMAT} 3000 2000 1000 13 8 g-1 0\npayload`);
    expect(parseEntryHeader(raw)).toEqual({
      hardExpireAt: 3_000,
      logicalExpireAt: 2_000,
      createdAt: 1_000,
      deltaMs: 13,
      flags: EntryFlags.sliding,
      generation: 'g-1',
      tagCount: 0,
      end: raw.indexOf('payload'),
    });
  });

  it('is the codec’s header: tags and payload follow it', () => {
    const body = encodeEntryBody({
      deltaMs: 5,
      flags: 0,
      generation: 'g',
      tags: [['t', 'v1']],
      payload: Buffer.from('x'),
    });
    const entry = decodeEntry(Buffer.concat([Buffer.from(entryTimes(9, 8, 7)), body]));
    expect(entry).toMatchObject({ hardExpireAt: 9, logicalExpireAt: 8, createdAt: 7, tags: [['t', 'v1']] });
    expect(entry!.payload.toString()).toBe('x');
  });

  it('an unknown format, a missing line end or a wrong field count is a miss', () => {
    expect(parseEntryHeader(Buffer.from('c2 3 2 1 0 0 g 0\n'))).toBeUndefined();
    expect(parseEntryHeader(Buffer.from('c1 3 2 1 0 0 g 0'))).toBeUndefined();
    expect(parseEntryHeader(Buffer.from('c1 3 2 1 0 0 0\n'))).toBeUndefined();
  });
});
