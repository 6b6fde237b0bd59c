import type { Violation, ViolationKind } from './history.types.js';

/** A failure of the checker itself, reported as a violation (the checker never throws for a finding). */
export function checkerError(mode: string, seed: number, error: unknown): Violation {
  const kind: ViolationKind = 'checker-error';
  return {
    kind,
    mode,
    historySeed: seed,
    profile: 'default',
    message: `the checker failed: ${(error as Error)?.stack ?? String(error)}`,
    history: [],
    ops: [],
  };
}
