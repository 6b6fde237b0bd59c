/** Waits at least 1 ms (a 0 ms timer would spin a polling loop). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
