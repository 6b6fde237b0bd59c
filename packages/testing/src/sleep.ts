/** Resolves after `ms` milliseconds: for tests that must let real time pass (a TTL, a window, a lease). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
