export interface Session {
  userId: number;
  email: string;
  createdAt: string;
}

export const sessionKey = (token: string): string => `session:${token}`;

/** 43 base64url characters from the Authorization header, or `undefined`. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(header ?? '');
  return match?.[1];
}
