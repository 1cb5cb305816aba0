// The voice kiosk: microphone → socket.io /voice (16 kHz PCM16 frames) → transcripts, the reply's
// text, product cards and speech played back gap-free; barge-in and push-to-talk stop playback at
// once. window.kiosk.state is a read-only snapshot for tests and kiosk monitoring (see web/README.md).
import { openMicrophone } from "./kiosk-mic.js";
import { Player } from "./kiosk-player.js";
import { localeOf, TEXT } from "./kiosk-text.js";
import { ConversationView } from "./kiosk-view.js";

const SAMPLE_RATE = 16000;
const FRAME_MS = 20;
const PREROLL_FRAMES = 12; // 240 ms sent ahead of a push-to-talk press: the first syllable often starts with the press
const THINKING_TIMEOUT_MS = 30_000;
// The first `start` loads the voice models on a fresh service (tens of seconds on a small CPU).
const START_ACK_TIMEOUT_MS = 180_000;
const START_RETRY_MS = 10_000;
const RECORD_LIMIT = 100;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function store(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage blocked (private mode): the setting lasts for this page only
  }
}

const settings = {
  locale: localeOf(params.get("lang") ?? stored("concierge.kiosk.locale") ?? navigator.language),
  mode: (params.get("mode") ?? stored("concierge.kiosk.mode")) === "push-to-talk" ? "push-to-talk" : "hands-free",
};

// A kiosk is shared: nothing of who is speaking is kept on the device. The shopper is the signed-in
// customer when the page was opened with the shop's token (#token=…, never sent to a server), else
// an anonymous visitor the server makes up, held in memory only and replaced by the server after a
// goodbye or an idle spell (the `session` event), so the next passer-by inherits nothing.
const shopToken = new URLSearchParams(location.hash.slice(1)).get("token") || undefined;
const identity = { token: shopToken };

const status = {
  connected: false,
  started: false, // the server acknowledged `start` on this connection
  session: null, // {sessionId, vad, stt, sampleRate}
  mic: "opening", // opening | on | failed
  micSettings: null,
  paused: false,
  pttPressed: false,
  speech: false, // the server's VAD hears the shopper
  thinking: false,
  speaking: false,
  level: 0,
  error: null, // {key, message} on the banner
};
const record = {
  transcripts: [], // finals: {text}
  partials: 0,
  lastPartial: "",
  replies: [], // {id, text, products, suggestions, channel}
  playback: [], // {state, id, reason?} as reported to the server
  bargeIns: 0,
  errors: [], // {key, message}
  sent: { frames: 0, bytes: 0 },
  micSeconds: 0,
  shoppers: 0, // times the kiosk moved on to a new anonymous shopper
};
const bounded = (list, item) => {
  list.push(item);
  if (list.length > RECORD_LIMIT) list.shift();
};

const t = () => TEXT[settings.locale];
const view = new ConversationView($("log"), { onAsk: (text) => ask(text), text: t, locale: () => settings.locale });

// --- audio -----------------------------------------------------------------------------------

const AudioContextClass = window.AudioContext || window.webkitAudioContext;
const ctx = new AudioContextClass({ latencyHint: "interactive" });
const player = new Player(ctx, {
  onStarted: (id) => {
    status.speaking = true;
    status.thinking = false;
    report("started", id);
    render();
  },
  onEnded: (id, reason) => {
    status.speaking = player.active;
    report("ended", id, reason);
    render();
  },
});
let mic = null;
const preroll = [];

function report(state, id, reason) {
  bounded(record.playback, reason && reason !== "done" ? { state, id, reason } : { state, id });
  if (socket?.connected) socket.emit("playback", { state, id });
}

function onFrame(pcm, level) {
  record.micSeconds += FRAME_MS / 1000;
  status.level = level;
  preroll.push(pcm);
  if (preroll.length > PREROLL_FRAMES) preroll.shift();
  if (listening()) sendAudio(pcm);
  scheduleLevel();
}

function listening() {
  return settings.mode === "push-to-talk" ? status.pttPressed : !status.paused;
}

function sendAudio(pcm) {
  // socket.io would queue emits while offline and flood the server with stale speech on reconnect.
  if (!socket?.connected || !status.started) return;
  socket.emit("audio", pcm);
  record.sent.frames++;
  record.sent.bytes += pcm.byteLength;
}

async function startMicrophone() {
  if (status.mic === "on") return;
  status.mic = "opening";
  render();
  try {
    mic = await openMicrophone(ctx, {
      onFrame,
      targetRate: SAMPLE_RATE,
      frameMs: FRAME_MS,
      onLost: () => {
        mic?.close();
        mic = null;
        status.mic = "failed";
        showError("mic", t().errors.micLost);
        render();
      },
    });
    status.mic = "on";
    status.micSettings = mic.settings;
    clearError("mic");
  } catch (err) {
    status.mic = "failed";
    showError("mic", t().errors.mic(err.message));
  }
  render();
}

/** Browsers may keep audio suspended until the first tap; a kiosk usually allows it (autoplay policy). */
async function ensureAudioRunning() {
  if (ctx.state === "running") return true;
  try {
    await Promise.race([ctx.resume(), new Promise((resolve) => setTimeout(resolve, 500))]);
  } catch {
    // resume() rejects without a user gesture in some browsers; the overlay asks for one
  }
  return ctx.state === "running";
}

// --- connection ------------------------------------------------------------------------------

let socket = null;
let chatSocket = null;

function connect() {
  if (typeof window.io !== "function") {
    showError("connection", t().errors.noSocketIo);
    return;
  }
  socket = window.io("/voice", { auth: identity });
  socket.on("session", (m) => {
    if (!shopToken && typeof m?.token === "string") identity.token = m.token;
    // A new shopper at the kiosk: the conversation on screen was the previous person's.
    if (m?.reason === "goodbye" || m?.reason === "idle") newShopper();
  });
  socket.on("connect", () => {
    status.connected = true;
    clearError("connection");
    sendStart();
    render();
  });
  socket.on("disconnect", (reason) => {
    status.connected = false;
    status.started = false;
    accepted = null;
    status.speech = false;
    status.thinking = false;
    // "io client disconnect" is ours (never happens here); anything else is worth saying.
    if (reason !== "io client disconnect") showError("connection", t().errors.disconnected);
    render();
  });
  socket.on("connect_error", (err) => {
    status.connected = false;
    showError("connection", t().errors.connection(err?.message || "no answer"));
    // Refused by the server while it starts: socket.io does not retry a refused handshake by itself.
    if (err?.data?.code === "not_ready") setTimeout(() => socket.connect(), 3000);
    render();
  });

  socket.on("vad", (m) => {
    status.speech = Boolean(m?.speech);
    render();
  });
  socket.on("transcript", (m) => {
    if (!m || typeof m.text !== "string") return;
    view.transcript(m.text, Boolean(m.final), m.continues === true);
    if (m.final) {
      if (m.text.trim()) {
        bounded(record.transcripts, { text: m.text });
        setThinking(true);
      } else noReply();
    } else {
      record.partials++;
      record.lastPartial = m.text;
    }
    render();
  });
  socket.on("reply:delta", (m) => {
    if (!m || typeof m.text !== "string") return;
    view.delta(String(m.id), m.text);
  });
  socket.on("audio", (m) => {
    if (!m || m.data === undefined) return;
    try {
      if (player.push(m)) setThinking(false);
    } catch (err) {
      showError("audio", t().errors.audio(err.message));
    }
    render();
  });
  socket.on("audio:end", (m) => {
    if (m?.id !== undefined) player.end(m.id);
  });
  socket.on("reply", (m) => {
    if (!m) return;
    const id = String(m.id);
    view.reply(id, m);
    bounded(record.replies, { id, text: m.text, products: m.products ?? [], suggestions: m.suggestions ?? [], channel: "voice" });
    setThinking(false);
    render();
  });
  socket.on("barge-in", (m) => {
    record.bargeIns++;
    player.stop("barge-in");
    if (m?.id !== undefined) view.interrupted(String(m.id));
    status.speaking = false;
    render();
  });
  socket.on("error", (m) => {
    // The server ended a session left silent (a paused kiosk): start another, quietly.
    if (m?.error?.code === "idle") {
      status.started = false;
      accepted = null;
      sendStart();
      return;
    }
    const message = m?.error?.message ?? String(m);
    noReply();
    showError("server", t().errors.server(message));
    render();
  });
}

let startSeq = 0;
let accepted = null; // the settings the server's session on this connection runs with
let startRetry;

/** Announces the audio format and settings; sent on every (re)connection and on every settings change. */
function sendStart() {
  clearTimeout(startRetry);
  if (!socket?.connected) return;
  const attempt = ++startSeq;
  const wanted = { locale: settings.locale, mode: settings.mode };
  const payload = { sampleRate: SAMPLE_RATE, format: "pcm16", ...wanted, shared: true };
  socket.timeout(START_ACK_TIMEOUT_MS).emit("start", payload, (timeoutErr, ack) => {
    if (attempt !== startSeq) return; // a newer start superseded this one
    if (ack?.ok) {
      status.started = true;
      accepted = wanted;
      store("concierge.kiosk.locale", wanted.locale);
      store("concierge.kiosk.mode", wanted.mode);
      status.session = { sessionId: ack.sessionId, vad: ack.vad, stt: ack.stt, sampleRate: ack.sampleRate };
      clearError("start");
    } else {
      if (status.started && accepted) {
        // The server keeps the session it had: show the settings it still runs with (and say why in that language).
        settings.locale = accepted.locale;
        settings.mode = accepted.mode;
        status.pttPressed = false;
      } else if (timeoutErr) {
        startRetry = setTimeout(sendStart, START_RETRY_MS); // the voice models may still be loading
      }
      showError("start", t().errors.start(timeoutErr ? t().errors.noAnswer : (ack?.error?.message ?? JSON.stringify(ack))));
    }
    render();
  });
}

/** The screen and the tap channel start afresh for the next shopper. */
function newShopper() {
  chatSocket?.close();
  chatSocket = null;
  player.stop("tap");
  view.reset();
  record.shoppers++;
  render();
}

/** A tapped card or suggestion goes through the text channel (/chat) as the same shopper. */
let chatSeq = 0;
function ask(text) {
  chatSocket ??= window.io("/chat", { auth: { token: identity.token } });
  player.stop("tap");
  if (socket?.connected && status.started) socket.emit("stop", {});
  view.said(text);
  const id = `chat-${++chatSeq}`;
  setThinking(true);
  view.replyFor(id);
  render();
  const onDelta = (d) => typeof d?.text === "string" && view.delta(id, d.text);
  chatSocket.on("reply:delta", onDelta);
  chatSocket.timeout(60_000).emit("message", { text, locale: settings.locale }, (timeoutErr, reply) => {
    chatSocket.off("reply:delta", onDelta);
    setThinking(false);
    if (timeoutErr || reply?.error) {
      const detail = timeoutErr ? timeoutErr.message || "timeout" : reply.error.message;
      view.failed(id, t().errors.chat(detail));
    } else {
      view.reply(id, reply);
      bounded(record.replies, { id, text: reply.text, products: reply.products ?? [], suggestions: reply.suggestions ?? [], channel: "chat" });
    }
    render();
  });
}

// --- push-to-talk and the big button ---------------------------------------------------------

let thinkingTimer;
/** The turn ended without a reply (nothing recognised, an error, a new press): drop the "…" bubble. */
function noReply() {
  setThinking(false);
  view.waiting(false);
}

function setThinking(on) {
  status.thinking = on;
  // The "…" bubble appears now; the reply's first words (or its reply event) take it over.
  if (on) view.waiting(true);
  clearTimeout(thinkingTimer);
  // A turn the server dropped (noise, an empty press) must not leave the kiosk "thinking" forever.
  if (on) {
    thinkingTimer = setTimeout(() => {
      noReply();
      render();
    }, THINKING_TIMEOUT_MS);
  }
}

function interruptPlayback(reason) {
  if (!player.active) return;
  player.stop(reason);
  status.speaking = false;
}

function press() {
  if (status.mic !== "on") {
    startMicrophone();
    return;
  }
  if (settings.mode === "push-to-talk") {
    if (status.pttPressed) return;
    status.pttPressed = true;
    interruptPlayback("ptt");
    noReply();
    if (socket?.connected) socket.emit("ptt", { pressed: true });
    for (const frame of preroll) sendAudio(frame);
    preroll.length = 0;
  } else if (status.speaking || player.active) {
    interruptPlayback("stop");
    if (socket?.connected) socket.emit("stop", {});
  } else {
    status.paused = !status.paused;
  }
  render();
}

function release() {
  if (!status.pttPressed) return;
  status.pttPressed = false;
  if (socket?.connected) socket.emit("ptt", { pressed: false });
  setThinking(true);
  render();
}

const talk = $("talk");
talk.addEventListener("pointerdown", (event) => {
  if (event.button !== 0) return;
  event.preventDefault();
  try {
    talk.setPointerCapture(event.pointerId); // the release is seen even when the finger slides off the button
  } catch {
    // a synthetic or already-lifted pointer cannot be captured; pointerup on the button still releases
  }
  ensureAudioRunning();
  press();
});
for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) talk.addEventListener(type, () => release());
talk.addEventListener("contextmenu", (event) => event.preventDefault()); // a long press must not open a menu
talk.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.repeat) press();
});
talk.addEventListener("keyup", (event) => {
  if (event.key === "Enter") release();
});
window.addEventListener("keydown", (event) => {
  if (event.code !== "Space" || event.repeat || event.target?.closest?.("input, textarea")) return;
  event.preventDefault();
  press();
});
window.addEventListener("keyup", (event) => {
  if (event.code !== "Space") return;
  event.preventDefault();
  release();
});
window.addEventListener("blur", () => release()); // a key held while focus leaves never sends keyup

// --- settings toggles ------------------------------------------------------------------------

for (const button of document.querySelectorAll("#lang button")) {
  button.addEventListener("click", () => {
    if (settings.locale === button.dataset.locale) return;
    settings.locale = button.dataset.locale;
    sendStart();
    render();
  });
}
for (const button of document.querySelectorAll("#mode button")) {
  button.addEventListener("click", () => {
    if (settings.mode === button.dataset.mode) return;
    release();
    settings.mode = button.dataset.mode;
    status.paused = false;
    sendStart();
    render();
  });
}
$("error-close").addEventListener("click", () => {
  status.error = null;
  render();
});
$("start-button").addEventListener("click", async () => {
  await ensureAudioRunning();
  if (ctx.state === "running") $("tap-to-start").hidden = true;
  startMicrophone();
});

// --- errors and rendering --------------------------------------------------------------------

function showError(key, message) {
  status.error = { key, message };
  bounded(record.errors, { key, message });
  render();
}
function clearError(key) {
  if (status.error?.key === key) status.error = null;
}

function phase() {
  if (!status.connected) return "offline";
  if (status.mic === "failed") return "noMic";
  if (status.mic !== "on" || !status.started) return "starting";
  if (status.speaking) return "speaking";
  if (status.thinking) return "thinking";
  if (settings.mode === "push-to-talk") return status.pttPressed ? (status.speech ? "hearing" : "listening") : "ready";
  if (status.paused) return "paused";
  return status.speech ? "hearing" : "listening";
}

function buttonLabel(p) {
  const b = t().button;
  if (status.mic === "failed") return b.retry;
  if (settings.mode === "push-to-talk") return status.pttPressed ? b.release : b.hold;
  if (p === "speaking") return b.stop;
  return status.paused ? b.listen : b.pause;
}

function render() {
  const text = t();
  const p = phase();
  document.documentElement.lang = settings.locale === "zh" ? "zh-CN" : "en";
  document.body.dataset.phase = p;
  document.body.dataset.mode = settings.mode;
  for (const node of document.querySelectorAll("[data-text]")) {
    const value = text[node.dataset.text];
    if (typeof value === "string") node.textContent = value;
  }
  const welcomeHint = $("welcome-hint");
  if (welcomeHint) welcomeHint.textContent = settings.mode === "push-to-talk" ? text.welcomeHintPtt : text.welcomeHint;
  for (const b of document.querySelectorAll("#lang button")) b.setAttribute("aria-pressed", String(b.dataset.locale === settings.locale));
  for (const b of document.querySelectorAll("#mode button")) b.setAttribute("aria-pressed", String(b.dataset.mode === settings.mode));

  const conn = $("conn");
  conn.dataset.state = status.connected ? "online" : socket ? "offline" : "connecting";
  conn.textContent = status.connected ? text.online : socket ? text.offline : text.connecting;

  const phaseNode = $("phase");
  phaseNode.dataset.phase = p;
  phaseNode.textContent = text.phase[p];
  $("hint").textContent = p === "noMic" || p === "offline" ? "" : settings.mode === "push-to-talk" ? text.hint.pushToTalk : text.hint.handsFree;
  talk.dataset.phase = p;
  talk.classList.toggle("pressed", status.pttPressed);
  talk.setAttribute("aria-pressed", String(settings.mode === "push-to-talk" ? status.pttPressed : !status.paused));
  $("talk-label").textContent = buttonLabel(p);

  const banner = $("error");
  banner.hidden = !status.error;
  $("error-text").textContent = status.error?.message ?? "";
  $("error-close").setAttribute("aria-label", text.dismiss);
}

let levelFrame = 0;
function scheduleLevel() {
  if (levelFrame) return;
  levelFrame = requestAnimationFrame(() => {
    levelFrame = 0;
    // Speech sits around 0.02–0.2 RMS; a square root spreads that over the ring's range.
    const shown = listening() && status.mic === "on" ? Math.min(1, Math.sqrt(status.level) * 2.2) : 0;
    talk.style.setProperty("--level", shown.toFixed(3));
  });
}

// --- the read-only status object -------------------------------------------------------------

function snapshot() {
  return structuredClone({
    mode: settings.mode,
    locale: settings.locale,
    phase: phase(),
    connected: status.connected,
    started: status.started,
    session: status.session,
    accepted, // the settings the server's session runs with (null until `start` is acknowledged)
    mic: status.mic,
    micSettings: status.micSettings ? { echoCancellation: status.micSettings.echoCancellation, noiseSuppression: status.micSettings.noiseSuppression, autoGainControl: status.micSettings.autoGainControl, sampleRate: status.micSettings.sampleRate } : null,
    audioContext: { state: ctx.state, sampleRate: ctx.sampleRate },
    paused: status.paused,
    pttPressed: status.pttPressed,
    speech: status.speech,
    thinking: status.thinking,
    speaking: status.speaking,
    transcripts: record.transcripts,
    partials: record.partials,
    lastPartial: record.lastPartial,
    replies: record.replies,
    played: { ...player.stats, active: player.active, schedule: player.log },
    playback: record.playback,
    bargeIns: record.bargeIns,
    errors: record.errors,
    error: status.error,
    sent: record.sent,
    shoppers: record.shoppers,
    micSeconds: Math.round(record.micSeconds * 1000) / 1000,
    level: Math.round(status.level * 10000) / 10000,
  });
}
Object.defineProperty(window, "kiosk", {
  value: Object.freeze({
    get state() {
      return snapshot();
    },
  }),
  writable: false,
  configurable: false,
});

// --- start -----------------------------------------------------------------------------------

render();
connect();
ensureAudioRunning().then((running) => {
  if (!running) $("tap-to-start").hidden = false;
  startMicrophone();
});
