import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RESULTS_DIR } from '../harness/report.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

/**
 * Prints the functions with the most self time in the newest .cpuprofile of
 * bench/results, then the same grouped by where the code lives (Cachet,
 * ioredis, msgpackr, Node internals, GC...).
 */
function main(): void {
  const file = process.argv[2] ?? newestProfile();
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    byArea.set(area(functionName, url), (byArea.get(area(functionName, url)) ?? 0) + hits);
  }
  const percent = (hits: number) => `${((100 * hits) / totalHits).toFixed(1).padStart(5)}%`;
  process.stdout.write(
    `${file}\n${totalHits} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s\n\n`,
  );
  process.stdout.write('Self time by area\n');
  for (const [name, hits] of [...byArea].sort((a, b) => b[1] - a[1]))
    process.stdout.write(`${percent(hits)}  ${name}\n`);
  process.stdout.write('\nTop functions by self time\n');
  for (const [name, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    process.stdout.write(`${percent(hits)}  ${name}\n`);
  }
}

function newestProfile(): string {
  const files = readdirSync(RESULTS_DIR)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(RESULTS_DIR, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files.length === 0) throw new Error(`no .cpuprofile in ${RESULTS_DIR}; run the profile first`);
  return files[0]!;
}

function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) return path.slice(modules + 'node_modules/'.length);
  return path.startsWith('/') ? relative(process.cwd(), path) : path;
}

function area(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting for Redis)';
  if (functionName === '(program)') return 'V8 / native (program)';
  if (url.includes('packages/core/') || url.includes('@cachet/core')) return 'Cachet core';
  if (url.includes('node_modules/ioredis') || url.includes('node_modules/redis-parser')) return 'ioredis + parser';
  if (url.includes('msgpackr')) return 'msgpackr';
  if (url.startsWith('node:')) return 'Node internals';
  if (url.includes('bench/')) return 'bench harness';
  return url ? 'other modules' : 'native / builtins';
}

main();
