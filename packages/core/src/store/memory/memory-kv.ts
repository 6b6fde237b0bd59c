/**
 * The small slice of Redis semantics the memory stores need: string values
 * with millisecond expiry, checked lazily on access and swept on writes.
 * Every memory store owns its own instance (no shared module state).
 */
export class MemoryKeyValue {
  private readonly values = new Map<string, { value: Buffer | string; expiresAt: number }>();
  private writesSinceSweep = 0;

  now(): number {
    return Date.now();
  }

  get(key: string): Buffer | string | null {
    const slot = this.values.get(key);
    if (!slot) return null;
    if (slot.expiresAt <= this.now()) {
      this.values.delete(key);
      return null;
    }
    return slot.value;
  }

  getString(key: string): string | null {
    const value = this.get(key);
    return value === null ? null : value.toString();
  }

  set(key: string, value: Buffer | string, ttlMs: number): void {
    this.values.set(key, { value, expiresAt: this.now() + ttlMs });
    if (++this.writesSinceSweep >= 1000) this.sweep();
  }

  /** SET NX PX: true when set. */
  setIfAbsent(key: string, value: Buffer | string, ttlMs: number): boolean {
    if (this.get(key) !== null) return false;
    this.set(key, value, ttlMs);
    return true;
  }

  delete(key: string): number {
    return this.get(key) === null ? 0 : Number(this.values.delete(key));
  }

  /** PTTL semantics: -2 when absent. */
  pttl(key: string): number {
    if (this.get(key) === null) return -2;
    return this.values.get(key)!.expiresAt - this.now();
  }

  expire(key: string, ttlMs: number): boolean {
    const slot = this.values.get(key);
    if (!slot || this.get(key) === null) return false;
    slot.expiresAt = this.now() + ttlMs;
    return true;
  }

  /** Extends a key that still holds `token` (a lock or a lease; the Lua twin is lock-extend.script.ts). */
  expireIfHeld(key: string, token: string, ttlMs: number): boolean {
    return this.getString(key) === token && this.expire(key, ttlMs);
  }

  /** A fresh version string, distinct from the key's current one (mirrors the Lua `next_version`). */
  nextVersion(key: string): string {
    const micros = BigInt(Math.round(performance.timeOrigin * 1000 + performance.now() * 1000));
    const version = `${micros / 1_000_000n}-${micros % 1_000_000n}`;
    const old = this.getString(key);
    return old !== null && old.startsWith(version) ? `${old}+` : version;
  }

  keys(): string[] {
    this.sweep();
    return [...this.values.keys()];
  }

  clear(): void {
    this.values.clear();
  }

  private sweep(): void {
    this.writesSinceSweep = 0;
    const now = this.now();
    for (const [key, slot] of this.values) if (slot.expiresAt <= now) this.values.delete(key);
  }
}

/** Glob → RegExp for SCAN MATCH emulation (`*`, `?`, `[...]`, backslash escapes). */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '\\' && i + 1 < glob.length) source += escape(glob[++i]!);
    else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else source += escape(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escape(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
