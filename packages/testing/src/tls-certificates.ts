import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files of a throwaway certificate authority and the server certificate it signed. */
export interface TlsCertificates {
  /** PEM of the CA: what a client passes as `tls: { ca }`. */
  readonly ca: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Generates a CA and a server certificate for `localhost` / `127.0.0.1` with
 * the `openssl` CLI, valid for two days. EC P-256 keys keep it fast.
 */
export function generateTlsCertificates(dir: string): TlsCertificates {
  const caFile = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const keyFile = join(dir, 'server.key');
  const csrFile = join(dir, 'server.csr');
  const certFile = join(dir, 'server.crt');
  const extFile = join(dir, 'server.ext');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(
    extFile,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  openssl(['req', '-x509', ...ecKey, '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', '/CN=Cachet test CA']);
  openssl(['req', '-new', ...ecKey, '-keyout', keyFile, '-out', csrFile, '-subj', '/CN=localhost']);
  openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    extFile,
  ]);
  return { ca: readFileSync(caFile, 'utf8'), caFile, certFile, keyFile };
}

function openssl(args: string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `startRedis({ tls: true }) needs the openssl CLI (${result.error.message}); ` +
        'install it with `sudo apt-get install openssl` or `brew install openssl`.',
    );
  }
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.trim()}`);
}
