/**
 * The shoppers of bench/load.ts and bench/soak.ts: many socket.io connections in a process of its
 * own (their parsing must not share the service's event loop), each a new anonymous visitor that
 * holds its connection and chats with think time. Reports over IPC what the service did for them:
 * connections held and dropped, replies lost, late and duplicated, latency of each reply.
 */
import { mulberry32 } from "../../core/random.ts";
import { type ChatClient, connectChat } from "../../test/e2e/client.ts";

export interface LoadPlan {
  /** The replicas; client i talks to ports[i % ports.length] (a sticky load balancer). */
  ports: number[];
  clients: number;
  /** This process's first client's number among all clients, so replicas split evenly. */
  firstClient: number;
  turnsPerClient: number;
  /** Mean of the exponential think time between a reply and the next message. */
  thinkMs: number;
  /** Connections open over this long, as visitors arrive, not in one burst. */
  rampMs: number;
  script: string[];
  seed: number;
  /** A reply not back within this is lost (default 30 s). */
  replyTimeoutMs?: number;
  /** Stop starting turns at this wall-clock time (a soak runs for a time, not a count). */
  stopAt?: number;
}

export interface LoadResult {
  connected: number;
  connectFailures: string[];
  /** Connections the server closed before the client was done. */
  dropped: number;
  sent: number;
  replied: number;
  /** Never answered within the timeout (a late answer is counted in `late` too). */
  lost: number;
  late: number;
  /** A second answer to one message. */
  duplicated: number;
  /** Answers that were an error, by code. */
  errors: Record<string, number>;
  /** Emit → acknowledgement, ms, for every answered message. */
  latencies: number[];
  /** Wall-clock time of the first message and the last answer. */
  firstSentAt: number;
  lastRepliedAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const random = mulberry32(plan.seed);
  const timeoutMs = plan.replyTimeoutMs ?? 30_000;
  const result: LoadResult = { connected: 0, connectFailures: [], dropped: 0, sent: 0, replied: 0, lost: 0, late: 0, duplicated: 0, errors: {}, latencies: [], firstSentAt: 0, lastRepliedAt: 0 };
  const clients: (ChatClient | undefined)[] = new Array(plan.clients);
  let finished = false;

  const rampStart = Date.now();
  await Promise.all(
    Array.from({ length: plan.clients }, async (_, i) => {
      await sleep(rampStart + (i / plan.clients) * plan.rampMs - Date.now());
      const port = plan.ports[(plan.firstClient + i) % plan.ports.length]!;
      try {
        const client = await connectChat(port);
        client.socket.on("disconnect", (reason) => {
          if (!finished && reason !== "io client disconnect") result.dropped++;
        });
        clients[i] = client;
        result.connected++;
      } catch (err) {
        if (result.connectFailures.length < 20) result.connectFailures.push(String((err as Error).message ?? err));
      }
    }),
  );

  const send = (client: ChatClient, text: string) =>
    new Promise<void>((resolve) => {
      let answers = 0;
      const sentAt = performance.now();
      if (!result.firstSentAt) result.firstSentAt = Date.now();
      result.sent++;
      const timer = setTimeout(() => {
        result.lost++;
        resolve();
      }, timeoutMs);
      client.socket.emit("message", { text }, (reply: { error?: { code: string } }) => {
        answers++;
        if (answers > 1) {
          result.duplicated++;
          return;
        }
        if (performance.now() - sentAt > timeoutMs) {
          result.late++;
          return;
        }
        clearTimeout(timer);
        result.replied++;
        result.lastRepliedAt = Date.now();
        result.latencies.push(performance.now() - sentAt);
        if (reply?.error) result.errors[reply.error.code] = (result.errors[reply.error.code] ?? 0) + 1;
        resolve();
      });
    });

  const think = () => -Math.log(1 - random()) * plan.thinkMs;
  await Promise.all(
    clients.map(async (client, c) => {
      if (!client) return;
      // Everyone starts somewhere within one think time, not all at once.
      await sleep(random() * plan.thinkMs);
      for (let turn = 0; turn < plan.turnsPerClient && client.socket.connected && Date.now() < (plan.stopAt ?? Infinity); turn++) {
        await send(client, plan.script[(plan.firstClient + c + turn) % plan.script.length]!);
        if (turn < plan.turnsPerClient - 1) await sleep(think());
      }
    }),
  );
  finished = true;
  for (const client of clients) client?.close();
  return result;
}

// Run as a child process: one plan in, one result out.
if (process.send) {
  process.once("message", (plan: LoadPlan) => {
    runLoad(plan).then(
      (result) => process.send!(result, () => process.exit(0)),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
