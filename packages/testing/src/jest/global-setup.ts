import { startSharedTestServers, type SharedTestServers } from '../test-servers.js';

declare global {
  var __cachetTestServers: SharedTestServers | undefined;
}

/**
 * Jest globalSetup: one standalone redis-server and one 3-master cluster for
 * the whole run. Workers read their addresses from the environment.
 */
export default async function globalSetup(): Promise<void> {
  const servers = await startSharedTestServers();
  globalThis.__cachetTestServers = servers;
  const pids = [servers.redis?.pid, ...(servers.cluster?.nodes.map((node) => node.pid) ?? [])].filter(
    (pid): pid is number => pid !== undefined,
  );
  // Backstop for an interrupted run (Ctrl-C, a crash between setup and teardown).
  const killAll = () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}
