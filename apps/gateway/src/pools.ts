/** One undici connection pool per upstream origin, shared by requests, mirrors and upgrades. */
import { Pool } from 'undici';

export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();

  for(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      // connectTimeout matches the DestinationRule's; keep-alive stays under Node's 5 s server default.
      pool = new Pool(origin, { connect: { timeout: 2000 }, keepAliveTimeout: 4000, pipelining: 1 });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close().catch(() => pool.destroy())));
  }
}
