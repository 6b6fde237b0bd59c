/** Jest globalTeardown: stops every server globalSetup started, by pid. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__cachetTestServers?.stop();
  globalThis.__cachetTestServers = undefined;
}
