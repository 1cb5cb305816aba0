/**
 * The shoppers of bench/turns.ts, in their own process so their socket.io parsing does not share
 * the service's event loop (a real service's clients are elsewhere). Reports latencies over IPC.
 *
 * Closed mode: each client sends its next turn as soon as it has the reply (saturation: capacity).
 * Paced mode: each client "reads and types" between turns, an exponentially distributed think time
 * of the given mean (open arrivals, like people chatting).
 */
import { connectChat } from "../../test/e2e/client.ts";
import { mulberry32 } from "../../core/random.ts";

export interface ClientPlan {
  port: number;
  clients: number;
  turns: number;
  mode: "closed" | "paced";
  thinkMs: number;
  script: string[];
  seed: number;
}

export interface ClientResult {
  latencies: number[];
  errors: number;
  seconds: number;
}


export async function runClients(plan: ClientPlan): Promise<ClientResult> {
  const random = mulberry32(plan.seed);
  const clients = await Promise.all(Array.from({ length: plan.clients }, () => connectChat(plan.port)));
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const think = () => (plan.mode === "paced" ? -Math.log(1 - random()) * plan.thinkMs : 0);
  const wall = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      // Paced clients start spread over one think time, not all at once.
      if (plan.mode === "paced") await new Promise((r) => setTimeout(r, random() * plan.thinkMs));
      for (let turn = 0; next < plan.turns; turn++) {
        next++;
        const text = plan.script[(c + turn) % plan.script.length]!;
        const t = performance.now();
        const { reply } = await client.send(text);
        latencies.push(performance.now() - t);
        if (reply.error) errors++;
        const wait = think();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }),
  );
  const seconds = (performance.now() - wall) / 1000;
  for (const c of clients) c.close();
  return { latencies, errors, seconds };
}

// Run as a child process: one plan in, one result out.
if (process.send) {
  process.once("message", (plan: ClientPlan) => {
    runClients(plan).then(
      (result) => process.send!(result, () => process.exit(0)),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
