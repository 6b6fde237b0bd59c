/**
 * Rate-limit contenders run with a limit no benchmark reaches (a few hundred
 * thousand requests per minute at most here): the figure is the cost of the
 * check on every request, not the cost of refusing.
 */
export const NEVER_REFUSED_LIMIT = 1_000_000;
export const WINDOW_SECONDS = 60;
