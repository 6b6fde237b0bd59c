/** `INFO` text as `field -> value` (section headers and blank lines dropped). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** `keys=12,expires=12,avg_ttl=0` (a `dbN` line) as numbers. */
export function parseKeyspaceLine(line: string | undefined): { keys: number; expires: number } {
  const values = new Map((line ?? '').split(',').map((pair) => pair.split('=') as [string, string]));
  return { keys: Number(values.get('keys') ?? 0), expires: Number(values.get('expires') ?? 0) };
}

/** Compares dotted versions: negative when `a` is older than `b`. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Masters that own slots, with how many replicas each has, from `CLUSTER NODES`. */
export function clusterTopology(nodesText: string): Array<{ id: string; address: string; replicas: number }> {
  const lines = nodesText
    .trim()
    .split('\n')
    .map((line) => line.trim().split(' '));
  const masters = lines
    .filter((fields) => fields[2]?.split(',').includes('master') && fields.length > 8)
    .map((fields) => ({ id: fields[0]!, address: fields[1]!.split('@')[0]!, replicas: 0 }));
  for (const fields of lines) {
    const flags = fields[2]?.split(',') ?? [];
    if (!flags.includes('slave') || flags.includes('fail')) continue;
    const master = masters.find((candidate) => candidate.id === fields[3]);
    if (master) master.replicas++;
  }
  return masters;
}
