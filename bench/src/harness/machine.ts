import { cpus, loadavg, totalmem, release, platform } from 'node:os';
import type { Redis } from 'ioredis';

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  redis: string;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
}

export async function describeMachine(admin: Redis): Promise<MachineInfo> {
  const server = await admin.info('server');
  const redis = /redis_version:(\S+)/.exec(server)?.[1] ?? 'unknown';
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    redis,
    loadAverageStart: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export function currentLoad(): number[] {
  return loadavg().map((n) => Math.round(n * 100) / 100);
}
