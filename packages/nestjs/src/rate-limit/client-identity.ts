import type { ClientAddressResolver, HttpRequestLike } from './client-address.js';

/** A request as `by: 'user'` reads it: the user an auth guard put on it. */
export type IdentifiedRequest = HttpRequestLike & { user?: Record<string, unknown> };

/**
 * Whom `by: 'ip'` or `by: 'user'` counts a request as: the signed-in user's
 * `id` (else `sub`, else `userId`), or, without a user, the client address.
 */
export function clientIdentity(
  by: 'ip' | 'user',
  request: IdentifiedRequest,
  clientAddress: ClientAddressResolver,
): string {
  if (by === 'user') {
    const user = request.user;
    const id = user?.id ?? user?.sub ?? user?.userId;
    if (id !== undefined && id !== null && id !== '') return `u:${String(id)}`;
  }
  return `ip:${clientAddress.resolve(request)}`;
}
