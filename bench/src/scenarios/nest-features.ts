/** Which @cachet/nestjs features this build has, so scenarios can say "not measured" instead of failing. */
export async function nestExports(): Promise<Set<string>> {
  try {
    return new Set(Object.keys((await import('@cachet/nestjs')) as Record<string, unknown>));
  } catch {
    return new Set();
  }
}

export function missing(exports: Set<string>, names: readonly string[]): string[] {
  return names.filter((name) => !exports.has(name));
}
