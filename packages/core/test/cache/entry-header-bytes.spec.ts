import fc from 'fast-check';
import { decodeEntry } from '@cachet/core/store';

/** The envelope parser as it read headers before it parsed bytes in place: split the header line on spaces. */
function referenceDecode(raw: Buffer) {
  let lineEnd = raw.indexOf(10);
  if (lineEnd < 0) return undefined;
  const fields = raw.toString('utf8', 0, lineEnd).split(' ');
  if (fields.length !== 8 || fields[0] !== 'c1') return undefined;
  const [, hard, logical, created, delta, flags, generation, count] = fields;
  const tags: Array<[string, string]> = [];
  let offset = lineEnd + 1;
  for (let i = 0; i < Number(count); i++) {
    const nameEnd = raw.indexOf(10, offset);
    lineEnd = nameEnd < 0 ? -1 : raw.indexOf(10, nameEnd + 1);
    if (lineEnd < 0) return undefined;
    tags.push([raw.toString('utf8', offset, nameEnd), raw.toString('utf8', nameEnd + 1, lineEnd)]);
    offset = lineEnd + 1;
  }
  return {
    hardExpireAt: Number(hard),
    logicalExpireAt: Number(logical),
    createdAt: Number(created),
    deltaMs: Number(delta),
    flags: Number(flags),
    generation: generation!,
    tags,
    payload: raw.subarray(offset),
  };
}

const tagText = fc.string({ minLength: 1, maxLength: 12 }).filter((text) => !text.includes('\n'));
const envelope = fc.record({
  hard: fc.nat({ max: 2 ** 45 }),
  logical: fc.nat({ max: 2 ** 45 }),
  created: fc.nat({ max: 2 ** 45 }),
  delta: fc.nat({ max: 10 ** 7 }),
  flags: fc.nat({ max: 127 }),
  generation: fc.stringMatching(/^[0-9a-z:-]{1,24}$/),
  tags: fc.array(fc.tuple(tagText, fc.stringMatching(/^[0-9a-z]{1,12}$/)), { maxLength: 4 }),
  payload: fc.uint8Array({ maxLength: 64 }),
});
type Envelope = typeof envelope extends fc.Arbitrary<infer T> ? T : never;

function encode(entry: Envelope): Buffer {
  let head = `c1 ${entry.hard} ${entry.logical} ${entry.created} ${entry.delta} ${entry.flags} ${entry.generation} ${entry.tags.length}\n`;
  for (const [tag, version] of entry.tags) head += `${tag}\n${version}\n`;
  return Buffer.concat([Buffer.from(head), Buffer.from(entry.payload)]);
}

describe('decodeEntry, reading the header from its bytes', () => {
  it('reads every well-formed envelope exactly as the string-splitting parser did', () => {
    fc.assert(
      fc.property(envelope, (entry) => {
        const raw = encode(entry);
        expect(decodeEntry(raw)).toEqual(referenceDecode(raw));
        expect(decodeEntry(raw)).toMatchObject({ hardExpireAt: entry.hard, generation: entry.generation });
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['another format', 'c2 1 2 3 4 5 g 0\n'],
    ['a field missing', 'c1 1 2 3 4 5 g\n'],
    ['a field too many', 'c1 1 2 3 4 5 g 0 9\n'],
    ['two spaces', 'c1 1  2 3 4 5 g 0\n'],
    ['a number that is not one', 'c1 1 2x 3 4 5 g 0\n'],
    ['a negative number', 'c1 -1 2 3 4 5 g 0\n'],
    ['no newline', 'c1 1 2 3 4 5 g 0'],
    ['only a newline', '\n'],
    ['a tag cut short', 'c1 1 2 3 4 5 g 1\ntag\n'],
    ['nothing', ''],
  ])('treats %s as damaged (a miss)', (_what, text) => {
    expect(decodeEntry(Buffer.from(text))).toBeUndefined();
  });

  it('leaves the payload as a view of the stored bytes, with whatever they hold', () => {
    const raw = Buffer.from('c1 10 9 1 0 0 g7 1\nt\nv1\n payload with spaces\nand newlines');
    expect(decodeEntry(raw)).toEqual({
      hardExpireAt: 10,
      logicalExpireAt: 9,
      createdAt: 1,
      deltaMs: 0,
      flags: 0,
      generation: 'g7',
      tags: [['t', 'v1']],
      payload: Buffer.from(' payload with spaces\nand newlines'),
    });
  });
});
