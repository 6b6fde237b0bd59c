/** The logging surface Cachet needs; Nest's Logger and console both fit. */
export interface CacheLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, trace?: string): void;
  debug?(message: string): void;
}

/** Default logger for programs that pass none. */
export const consoleLogger: CacheLogger = {
  log: (message) => console.log(`[cachet] ${message}`),
  warn: (message) => console.warn(`[cachet] ${message}`),
  error: (message, trace) => console.error(`[cachet] ${message}`, trace ?? ''),
};
