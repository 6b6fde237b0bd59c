/**
 * Probabilistic early expiration (Vattani, Chierichetti, Lowenstein, "Optimal
 * Probabilistic Cache Stampede Prevention", VLDB 2015): refresh when
 * `now − Δ·β·ln(U) ≥ expiry`, U uniform in (0, 1]. Entries that are slow to
 * compute (large Δ) start refreshing earlier; for a hot key one caller
 * refreshes shortly before expiry and the key never goes cold.
 *
 * `1 − Math.random()` keeps U in (0, 1], so ln(U) is finite.
 */
export function shouldRefreshEarly(now: number, logicalExpireAt: number, deltaMs: number, beta: number): boolean {
  if (deltaMs <= 0) return false;
  return now - deltaMs * beta * Math.log(1 - Math.random()) >= logicalExpireAt;
}
