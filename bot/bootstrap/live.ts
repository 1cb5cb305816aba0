import type { Logger } from "pino";
import { LocalNoticeBus, type NoticeBus, RedisNoticeBus } from "../../core/notices.ts";
import type { RedisLink } from "../../core/redis.ts";
import { type ChangeKind, type ChangeNotice, changeChannel, isChangeNotice, markChanged, readMarker, type Store } from "../../store/index.ts";

/** What the service rebuilds when a slice changed; each runs in the background and swaps its result in. */
export type Rebuilders = Record<ChangeKind, () => Promise<void>>;

export interface LiveUpdates {
  /** After an import made in this process: marks the store and tells the replicas; the local rebuild follows. */
  changed(kind: ChangeKind): Promise<void>;
  /** Resolves once no rebuild is running or due (tests, the admin jobs' "done"). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps a running service in step with imports made elsewhere (the CLI, another replica): the
 * store's change markers are polled every `intervalMs` and, with Redis, replicas hear of a change at
 * once. A moved marker rebuilds that slice in the background — turns go on against the indexes in
 * force until the new ones replace them. A change arriving during a rebuild queues one more.
 */
export async function readMarkers(store: Store): Promise<Record<ChangeKind, string>> {
  return { catalogue: await readMarker(store.blobs, "catalogue"), knowledge: await readMarker(store.blobs, "knowledge") };
}

export function startLiveUpdates(deps: { store: Store; logger: Logger; rebuild: Rebuilders; redis?: RedisLink; schema?: string; intervalMs?: number; baseline?: Partial<Record<ChangeKind, string>> }): LiveUpdates {
  const { store, logger } = deps;
  const bus: NoticeBus<ChangeNotice> = deps.redis
    ? new RedisNoticeBus(deps.redis, changeChannel(deps.schema), isChangeNotice, logger)
    : new LocalNoticeBus<ChangeNotice>();
  const seen: Record<ChangeKind, string | undefined> = { catalogue: deps.baseline?.catalogue, knowledge: deps.baseline?.knowledge };
  const running: Partial<Record<ChangeKind, Promise<void>>> = {};
  const again: Record<ChangeKind, boolean> = { catalogue: false, knowledge: false };
  let stopped = false;

  const rebuild = (kind: ChangeKind): Promise<void> => {
    if (running[kind]) {
      again[kind] = true;
      return running[kind]!;
    }
    const run = (async () => {
      do {
        again[kind] = false;
        // Read before rebuilding: a change landing meanwhile moves the marker again and is caught next poll.
        const marker = await readMarker(store.blobs, kind).catch(() => undefined);
        const started = Date.now();
        try {
          await deps.rebuild[kind]();
          if (marker !== undefined) seen[kind] = marker;
          logger.info({ kind, ms: Date.now() - started }, "live update: rebuilt from the store and swapped in");
        } catch (err) {
          logger.error({ err, kind }, "live update: rebuilding failed; what was in force stays (retried at the next change)");
          if (marker !== undefined) seen[kind] = marker;
        }
      } while (again[kind] && !stopped);
    })().finally(() => {
      delete running[kind];
    });
    running[kind] = run;
    return run;
  };

  const poll = async () => {
    for (const kind of ["catalogue", "knowledge"] as const) {
      const marker = await readMarker(store.blobs, kind).catch(() => undefined);
      if (marker === undefined || stopped) continue;
      // Without a baseline read before start-up loaded, the first reading is taken as what it loaded.
      if (seen[kind] === undefined) seen[kind] = marker;
      else if (marker !== seen[kind]) void rebuild(kind);
    }
  };
  bus.subscribe((notice) => {
    if (!stopped && notice.marker !== seen[notice.kind]) void rebuild(notice.kind);
  });
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    poll()
      .catch((err: unknown) => logger.warn({ err }, "live update: could not read the change markers"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.intervalMs ?? 3_000).unref();
      });
  };
  tick();

  return {
    async changed(kind) {
      await bus.publish(await markChanged(store.blobs, kind));
    },
    async settled() {
      while (running.catalogue || running.knowledge) await Promise.all([running.catalogue, running.knowledge]);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all([running.catalogue, running.knowledge]);
    },
  };
}
