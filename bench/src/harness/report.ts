import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultRow } from './bench-context.js';
import type { MachineInfo } from './machine.js';

export interface BenchReport {
  machine: MachineInfo;
  quick: boolean;
  durationSeconds: number;
  method: string[];
  rows: ResultRow[];
}

/** bench/results, next to src and dist. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results');

export const METHOD = [
  'Every figure is a ratio of two things measured in the same run on the same machine, never an absolute time alone.',
  'In-process contenders run in short interleaved slices (A, B, C, then B, C, A, ...); a ratio is taken within each round and the median across rounds is reported.',
  'HTTP contenders are separate Nest processes loaded in turn by autocannon (interleaved rounds, median of the per-round ratios).',
  'Redis commands per operation are INFO commandstats deltas over a separate counted run; commands a Lua script issues count too, round trips are the top-level commands.',
  'Redis is a private redis-server on a free port of 127.0.0.1, started and stopped by the run.',
];

export function formatValue(row: ResultRow): string {
  if (row.value === null) return '—';
  if (row.unit === '×') return `${row.value.toFixed(2)}×`;
  return `${Number.isInteger(row.value) ? row.value : row.value.toFixed(2)} ${row.unit}`.trim();
}

function verdict(row: ResultRow): string {
  if (row.met === null) return row.value === null ? 'n/a' : '';
  return row.met ? 'met' : 'NOT MET';
}

export function printTable(rows: readonly ResultRow[], log: (line: string) => void): void {
  const header = ['#', 'measurement', 'vs', 'figure', 'target', '', 'redis/op'];
  const lines = rows.map((row) => [
    row.scenario,
    row.subject,
    row.versus,
    formatValue(row),
    row.target,
    verdict(row),
    row.redis ?? '',
  ]);
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...lines.map((line) => line[i]!.length))));
  const format = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  log(format(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (let i = 0; i < lines.length; i++) {
    log(format(lines[i]!));
    if (rows[i]!.note) log(`${' '.repeat(widths[0]! + 2)}↳ ${rows[i]!.note}`);
  }
}

export function markdownTable(rows: readonly ResultRow[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const out = [
    '| # | measurement | vs | figure | target | | Redis per op | note |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    out.push(
      `| ${[
        row.scenario,
        row.subject,
        row.versus,
        formatValue(row),
        row.target,
        verdict(row),
        row.redis ?? '',
        row.note ?? '',
      ]
        .map(escape)
        .join(' | ')} |`,
    );
  }
  return out.join('\n');
}

export function writeReport(report: BenchReport): { json: string; md: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = join(RESULTS_DIR, 'latest.json');
  const md = join(RESULTS_DIR, 'latest.md');
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  const m = report.machine;
  writeFileSync(
    md,
    [
      '# Cachet benchmark — latest run',
      '',
      `- Date: ${m.date}${report.quick ? ' (BENCH_QUICK: short slices, indicative only)' : ''}`,
      `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
      `- Node ${m.node}, Redis ${m.redis}`,
      `- Load average (1, 5, 15 min): ${m.loadAverageStart.join(', ')} at start, ${m.loadAverageEnd?.join(', ') ?? '?'} at end`,
      `- Duration: ${report.durationSeconds} s`,
      '',
      '## Method',
      '',
      ...report.method.map((line) => `- ${line}`),
      '',
      '## Results',
      '',
      markdownTable(report.rows),
      '',
    ].join('\n'),
  );
  return { json, md };
}
