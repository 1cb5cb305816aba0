// The widget's push-to-talk, loaded by widget.js only when the microphone button is first pressed.
// It reuses the kiosk's capture (AudioWorklet → 16 kHz PCM16) and ordered playback: these modules
// and the worklet are fetched from the service cross-origin, so they are served with the same CORS
// headers as /api (CONCIERGE_ALLOWED_ORIGINS).
import { openMicrophone } from "./kiosk-mic.js";
import { Player } from "./kiosk-player.js";

const SAMPLE_RATE = 16000;
const FRAME_MS = 20;
const PREROLL_FRAMES = 12; // the 240 ms before a press: a first syllable said with the press is kept

/**
 * @param {{io: Function, url: string, path: string, auth: {token?: string}, locale: string,
 *   on: {transcript(text: string): void, delta(text: string): void, reply(reply: object): void, nothing(): void, error(kind: string, message: string): void}}} options
 */
export function createVoice(options) {
  const { on } = options;
  const ctx = new AudioContext();
  const socket = options.io(options.url, { path: options.path, auth: options.auth, transports: ["websocket", "polling"] });
  const player = new Player(ctx, {
    onStarted: (id) => socket.connected && socket.emit("playback", { state: "started", id }),
    onEnded: (id) => socket.connected && socket.emit("playback", { state: "ended", id }),
  });
  let mic = null;
  let pressed = false; // the button is down
  let live = false; // ...and the server was told so: frames go out instead of into the preroll
  const preroll = [];
  // Resolves once the server acknowledged `start` on the current connection.
  let started;
  let markStarted;
  const unstarted = () => {
    started = new Promise((resolve) => {
      markStarted = resolve;
    });
  };
  unstarted();

  function start() {
    // A personal device, not a shared kiosk: the shopper stays who they are between turns.
    socket.timeout(120000).emit("start", { sampleRate: SAMPLE_RATE, format: "pcm16", locale: options.locale, mode: "push-to-talk", shared: false }, (err, ack) => {
      if (!err && ack?.ok) markStarted();
      else on.error("server", err ? "no answer" : (ack?.error?.message ?? "refused"));
    });
  }
  socket.on("connect", start);
  socket.on("disconnect", () => {
    live = false;
    unstarted();
  });
  socket.on("connect_error", (err) => on.error("server", err?.message ?? "unreachable"));
  socket.on("transcript", (m) => {
    if (!m?.final || typeof m.text !== "string") return;
    if (m.text.trim()) on.transcript(m.text);
    else on.nothing();
  });
  socket.on("reply:delta", (m) => typeof m?.text === "string" && on.delta(m.text));
  socket.on("audio", (m) => {
    try {
      if (m?.data !== undefined) player.push(m);
    } catch {
      // a malformed chunk is skipped; the text reply still arrives
    }
  });
  socket.on("audio:end", (m) => m?.id !== undefined && player.end(m.id));
  socket.on("reply", (m) => m && on.reply(m));
  socket.on("barge-in", () => player.stop("barge-in"));
  socket.on("error", (m) => {
    if (m?.error?.code === "idle") return start();
    on.error("server", m?.error?.message ?? "error");
  });

  function send(pcm) {
    // Queued emits while offline would flood the server with stale speech on reconnection.
    if (socket.connected) socket.emit("audio", pcm);
  }

  return {
    async press() {
      pressed = true;
      player.stop("ptt");
      if (ctx.state !== "running") await ctx.resume().catch(() => {});
      if (!mic) {
        try {
          mic = await openMicrophone(ctx, {
            targetRate: SAMPLE_RATE,
            frameMs: FRAME_MS,
            onFrame(pcm) {
              if (live) return send(pcm);
              preroll.push(pcm);
              // While held waiting for the session, keep everything said (up to 20 s).
              if (preroll.length > (pressed ? 1000 : PREROLL_FRAMES)) preroll.shift();
            },
            onLost() {
              mic?.close();
              mic = null;
            },
          });
        } catch (err) {
          pressed = false;
          on.error("mic", err.message);
          return;
        }
      }
      await started;
      if (!pressed) return;
      socket.emit("ptt", { pressed: true });
      for (const frame of preroll.splice(0)) send(frame);
      live = true;
    },
    release() {
      pressed = false;
      if (!live) return;
      live = false;
      if (socket.connected) socket.emit("ptt", { pressed: false });
    },
    close() {
      mic?.close();
      player.stop("stop");
      socket.close();
      ctx.close();
    },
  };
}
