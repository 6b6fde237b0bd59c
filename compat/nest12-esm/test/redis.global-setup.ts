import { startSharedTestServers } from '@cachet/testing';

// One redis-server (and one Redis Cluster) for the whole run; test files read
// their addresses with testRedisUrl() / testClusterNodes().
export default async function setup() {
  const servers = await startSharedTestServers();
  return () => servers.stop();
}
