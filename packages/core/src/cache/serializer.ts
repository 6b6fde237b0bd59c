/** Turns values into bytes and back. */
export interface Serializer {
  readonly name: string;
  serialize(value: unknown): Buffer;
  deserialize(bytes: Buffer): unknown;
}
