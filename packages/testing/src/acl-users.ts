import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A Redis ACL user for `startRedis({ users })`. */
export interface RedisAclUser {
  name: string;
  password: string;
  /**
   * ACL rules after `on >password`; default every key, channel and command
   * (`~* &* +@all`). For a least-privilege user, e.g. `['~app:*', '&app:*', '+@all', '-@dangerous']`.
   */
  rules?: string[];
}

/**
 * Writes an ACL file (users cannot be given as `--user` arguments together
 * with an aclfile, and a file keeps passwords out of the process list).
 * `requirePassword` turns the default user off, so unauthenticated clients get NOAUTH.
 */
export function writeAclFile(dir: string, users: readonly RedisAclUser[], requirePassword: boolean): string {
  const lines = users.map((user) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(user.name)) throw new Error(`startRedis: invalid ACL user name "${user.name}"`);
    if (/\s/.test(user.password)) throw new Error(`startRedis: ACL password of "${user.name}" contains whitespace`);
    return ['user', user.name, 'reset', 'on', `>${user.password}`, ...(user.rules ?? ['~*', '&*', '+@all'])].join(' ');
  });
  lines.push(requirePassword ? 'user default off' : 'user default on nopass ~* &* +@all');
  const file = join(dir, 'users.acl');
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  return file;
}
