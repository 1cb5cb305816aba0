// Concierge's embeddable chat widget. A shop adds one tag:
//   <script src="https://SHOP/concierge/widget.js" data-concierge-url="https://SHOP/concierge" async></script>
// Everything lives in an open Shadow DOM, so the shop's CSS cannot reach it and its own CSS cannot
// leak out; server text is only ever set with textContent.
(() => {
  const script = document.currentScript;
  if (!script || window.__conciergeWidget) return; // loaded twice: one launcher is enough
  window.__conciergeWidget = true;
  const data = script.dataset;
  const base = new URL(data.conciergeUrl || new URL(".", script.src).href, location.href).href.replace(/\/+$/, "");
  const baseUrl = new URL(`${base}/`);
  // Behind a proxy the service may live under a prefix (/concierge): socket.io's path follows it.
  const ioPath = `${baseUrl.pathname.replace(/\/+$/, "")}/socket.io`;
  const lang = (data.locale || navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
  const locale = lang === "zh" ? "zh-CN" : navigator.language?.startsWith("en") ? navigator.language : "en";
  const shopToken = data.token || undefined; // never logged, never put in a URL

  const T = {
    en: {
      title: "Shop assistant",
      open: "Open the shop assistant",
      close: "Close the shop assistant",
      send: "Send",
      talk: "Hold to talk",
      input: "Message",
      placeholder: "Ask for a product, a gift idea, a comparison…",
      log: "Conversation",
      welcome: "Hi! I can help you find products, compare them or pick a gift. What are you looking for?",
      more: "Tell me more",
      sources: "Sources:",
      moreAbout: (title) => `tell me more about ${title}`,
      you: "You",
      assistant: "Assistant",
      typing: "The assistant is typing…",
      connecting: "Connecting…",
      online: "Online",
      reconnecting: "Connection lost — reconnecting…",
      unreachable: "Can't reach the assistant right now. Trying again…",
      starting: "The assistant is starting up. Trying again in a moment…",
      restarting: "The assistant is restarting. Reconnecting…",
      busy: "Lots of questions at once — please wait a moment and try again.",
      refused: "We couldn't confirm who you are. Please reload the page and sign in again.",
      timeout: "The assistant took too long to answer. Please try again.",
      failed: (m) => `Sorry, something went wrong: ${m}`,
      listening: "Listening… release to send",
      mic: (m) => `The microphone can't be used: ${m}`,
      voiceFailed: "Voice isn't available right now; please type instead.",
    },
    zh: {
      title: "购物助手",
      open: "打开购物助手",
      close: "关闭购物助手",
      send: "发送",
      talk: "按住说话",
      input: "消息",
      placeholder: "想找什么商品？送礼建议？比较？",
      log: "对话",
      welcome: "你好！我可以帮你找商品、比较商品或挑选礼物。你想找什么？",
      more: "了解更多",
      sources: "来源：",
      moreAbout: (title) => `详细介绍一下${title}`,
      you: "你",
      assistant: "助手",
      typing: "助手正在输入…",
      connecting: "正在连接…",
      online: "在线",
      reconnecting: "连接已断开，正在重连…",
      unreachable: "暂时无法连接助手，正在重试…",
      starting: "助手正在启动，稍后自动重试…",
      restarting: "助手正在重启，正在重连…",
      busy: "请求太多了，请稍等片刻再试。",
      refused: "无法确认你的身份，请刷新页面并重新登录。",
      timeout: "助手回复超时，请再试一次。",
      failed: (m) => `抱歉，出错了：${m}`,
      listening: "正在听…松开即发送",
      mic: (m) => `无法使用麦克风：${m}`,
      voiceFailed: "语音暂时不可用，请输入文字。",
    },
  };
  const t = T[lang];

  // A brand colour only: anything that is not a plain colour value is ignored (no CSS injection).
  const accent = (() => {
    const value = (data.accent || "").trim();
    const shape = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\([0-9\s.,%/+-]+\)|[a-z]{3,30})$/i;
    return shape.test(value) && window.CSS?.supports?.("color", value) ? value : undefined;
  })();
  const theme = ["light", "dark", "auto"].includes(data.theme) ? data.theme : "auto";

  const el = (tag, attrs = {}, text) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const icon = (d) => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  };

  // --- the shadow tree -------------------------------------------------------------------------
  const host = el("concierge-widget", { "data-concierge-host": "" });
  // Inline !important outranks even a shop's `* { … !important }` on the one element it can reach.
  host.setAttribute("style", "all: initial !important; position: fixed !important; right: 0 !important; bottom: 0 !important; width: 0 !important; height: 0 !important; z-index: 2147483000 !important; display: block !important;");
  const root = host.attachShadow({ mode: "open" });
  const style = el("style");
  style.textContent = CSS_TEXT();
  const frame = el("div", { class: `cw ${theme}`, lang });
  if (accent) frame.style.setProperty("--accent", accent);
  const launcher = el("button", { type: "button", class: "launcher", "data-concierge": "launcher", "aria-expanded": "false", "aria-controls": "cw-panel", "aria-label": t.open });
  const chatIcon = icon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z");
  const downIcon = icon("M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z");
  chatIcon.classList.add("when-closed");
  downIcon.classList.add("when-open");
  launcher.append(chatIcon, downIcon);
  const panel = el("section", { id: "cw-panel", class: "panel", role: "dialog", "aria-label": t.title, hidden: "" });
  const header = el("header");
  const heading = el("div", { class: "head" });
  heading.append(el("h2", {}, t.title), el("p", { class: "status", role: "status" }, t.connecting));
  const closeButton = el("button", { type: "button", class: "close", "aria-label": t.close });
  closeButton.appendChild(icon("M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"));
  header.append(heading, closeButton);
  const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": t.log, tabindex: "0" });
  const banner = el("p", { class: "banner", role: "alert", hidden: "" });
  const form = el("form", { class: "composer", autocomplete: "off" });
  const input = el("input", { type: "text", maxlength: "2000", "data-concierge": "input", "aria-label": t.input, placeholder: t.placeholder, enterkeyhint: "send" });
  const mic = el("button", { type: "button", class: "mic", "data-concierge": "mic", "aria-label": t.talk, "aria-pressed": "false", title: t.talk });
  mic.appendChild(icon("M12 15a3 3 0 0 0 3-3V6a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V22h2v-3.1a7 7 0 0 0 6-6.9z"));
  const send = el("button", { type: "submit", class: "send", "data-concierge": "send", "aria-label": t.send });
  send.appendChild(icon("M3.4 20.4 21 12 3.4 3.6v6.6L15 12 3.4 13.8z"));
  const canTalk = window.isSecureContext && !!navigator.mediaDevices?.getUserMedia && !!window.AudioWorkletNode;
  form.append(input, ...(canTalk ? [mic] : []), send);
  panel.append(header, log, banner, form);
  frame.append(panel, launcher);
  root.append(style, frame);
  const status = heading.querySelector(".status");

  if (theme === "auto" && window.matchMedia) {
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    const apply = () => frame.classList.toggle("dark", dark.matches);
    apply();
    dark.addEventListener?.("change", apply);
  }

  // --- messages --------------------------------------------------------------------------------
  const scrollDown = () => {
    log.scrollTop = log.scrollHeight;
  };

  function addMessage(who, text) {
    const message = el("div", { class: `msg ${who}`, "data-concierge": "message", "data-role": who });
    message.appendChild(el("span", { class: "sr" }, `${who === "user" ? t.you : t.assistant}: `));
    const bubble = el("div", { class: "bubble" }, text);
    message.appendChild(bubble);
    log.appendChild(message);
    scrollDown();
    return { message, bubble };
  }

  function price(value, currency) {
    if (typeof value !== "number") return "";
    try {
      return new Intl.NumberFormat(locale, currency ? { style: "currency", currency } : {}).format(value);
    } catch {
      return `${value} ${currency || ""}`.trim();
    }
  }

  /** Images from the service's own paths or http(s) only: never javascript:, data: or the like. */
  function imageUrl(src) {
    try {
      const url = new URL(String(src), baseUrl);
      if (url.protocol === "http:" || url.protocol === "https:") return url.href;
    } catch {}
    return `${base}/images/product.svg`;
  }

  function renderCards(message, products) {
    if (!Array.isArray(products) || products.length === 0) return;
    const row = el("ul", { class: "cards" });
    for (const p of products) {
      if (!p || typeof p.title !== "string") continue;
      const card = el("li", { class: "card", "data-concierge": "card" });
      const img = el("img", { alt: "", loading: "lazy", decoding: "async" });
      img.src = imageUrl(p.image);
      img.onerror = () => {
        img.onerror = null;
        img.src = `${base}/images/product.svg`;
      };
      const body = el("div", { class: "body" });
      body.appendChild(el("div", { class: "title" }, p.title));
      const shown = price(p.price, p.currency);
      if (shown) body.appendChild(el("div", { class: "price" }, shown));
      if (p.reason) body.appendChild(el("div", { class: "reason" }, String(p.reason)));
      const more = el("button", { type: "button", class: "more", "data-concierge": "more", "aria-label": `${t.more}: ${p.title}` }, t.more);
      more.addEventListener("click", () => ask(t.moreAbout(p.title)));
      body.appendChild(more);
      card.append(img, body);
      row.appendChild(card);
    }
    message.appendChild(row);
  }

  /** Where an answer from the shop's documents came from: titles, linked when the document has a web address. */
  function renderSources(message, sources) {
    const list = (Array.isArray(sources) ? sources : []).filter((s) => s && typeof s.title === "string");
    if (!list.length) return;
    const line = el("div", { class: "sources", "data-concierge": "sources" }, t.sources);
    for (const s of list) {
      let href;
      try {
        const url = typeof s.url === "string" && s.url ? new URL(s.url, baseUrl) : undefined;
        if (url?.protocol === "http:" || url?.protocol === "https:") href = url.href;
      } catch {}
      const item = href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", "data-concierge": "source" }, s.title) : el("span", { "data-concierge": "source" }, s.title);
      if (typeof s.snippet === "string") item.title = s.snippet;
      line.append(" ", item);
    }
    message.appendChild(line);
  }

  function renderSuggestions(message, suggestions) {
    const list = (Array.isArray(suggestions) ? suggestions : []).filter((s) => typeof s === "string" && s.trim());
    if (!list.length) return;
    const chips = el("div", { class: "chips" });
    for (const s of list) {
      const chip = el("button", { type: "button", class: "chip", "data-concierge": "suggestion" }, s);
      chip.addEventListener("click", () => ask(s));
      chips.appendChild(chip);
    }
    message.appendChild(chips);
  }

  /** The assistant's answer as it arrives: "typing" until the first words, then the words. */
  function pendingReply() {
    const { message, bubble } = addMessage("assistant", "");
    message.setAttribute("aria-busy", "true");
    bubble.classList.add("typing");
    bubble.appendChild(el("span", { class: "sr" }, t.typing));
    for (let i = 0; i < 3; i++) bubble.appendChild(el("i", { "aria-hidden": "true" }));
    let started = false;
    return {
      message,
      delta(text) {
        if (!started) {
          started = true;
          bubble.classList.remove("typing");
          bubble.textContent = "";
        }
        bubble.textContent += text;
        scrollDown();
      },
      done(reply) {
        message.removeAttribute("aria-busy");
        bubble.classList.remove("typing");
        bubble.textContent = typeof reply?.text === "string" ? reply.text : bubble.textContent;
        renderCards(message, reply?.products);
        renderSources(message, reply?.sources);
        renderSuggestions(message, reply?.suggestions);
        scrollDown();
      },
      fail(text) {
        message.removeAttribute("aria-busy");
        bubble.classList.remove("typing");
        bubble.classList.add("error");
        bubble.textContent = text;
        scrollDown();
      },
    };
  }

  function setBanner(text) {
    banner.textContent = text || "";
    banner.hidden = !text;
  }

  // --- the connection --------------------------------------------------------------------------
  const ANON_KEY = "concierge.anonymousToken";
  const CONVERSATION_KEY = "concierge.conversation";
  const stored = (area, key) => {
    try {
      return window[area].getItem(key) || undefined;
    } catch {
      return undefined; // storage blocked: a new anonymous visitor each visit
    }
  };
  const store = (area, key, value) => {
    try {
      window[area].setItem(key, value);
    } catch {}
  };
  // The server decides who this is from a token: the shop's signed one, else the anonymous one it issued before.
  const auth = { token: shopToken ?? stored("localStorage", ANON_KEY), conversation: stored("sessionStorage", CONVERSATION_KEY) };
  const RETRIED = { not_ready: t.starting, shutting_down: t.restarting, rate_limited: t.busy };
  let io;
  let socket;
  let pending = null;
  let retryDelay = 2000;

  /** socket.io's client from the service, without taking over (or clobbering) a `window.io` the shop has. */
  function loadSocketIo() {
    return new Promise((resolve, reject) => {
      const had = Object.hasOwn(window, "io");
      const previous = window.io;
      const tag = el("script", { src: `${base}/socket.io/socket.io.min.js`, async: "" });
      const restore = () => {
        const ours = window.io;
        if (had) window.io = previous;
        else delete window.io;
        tag.remove();
        return ours;
      };
      tag.onload = () => {
        const ours = restore();
        typeof ours === "function" ? resolve(ours) : reject(new Error("no socket.io client"));
      };
      tag.onerror = () => {
        restore();
        reject(new Error("socket.io client not loaded"));
      };
      document.head.appendChild(tag);
    });
  }

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  async function connect() {
    if (socket) return;
    setStatus("connecting", t.connecting);
    try {
      io = await loadSocketIo();
    } catch {
      setStatus("offline", t.unreachable);
      setBanner(t.unreachable);
      setTimeout(() => {
        socket = undefined;
        connect();
      }, 5000);
      socket = null;
      return;
    }
    socket = io(`${baseUrl.origin}/chat`, { path: ioPath, auth, transports: ["websocket", "polling"] });
    socket.on("connect", () => {
      retryDelay = 2000;
      setStatus("online", t.online);
      setBanner("");
    });
    socket.on("disconnect", (reason) => {
      setStatus("offline", t.reconnecting);
      // Only a server that closed us needs asking again; socket.io retries lost transports itself.
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
    });
    socket.on("connect_error", (err) => {
      const code = err?.data?.code;
      if (code === "invalid_token" || code === "identity_not_configured") {
        setStatus("offline", t.refused);
        setBanner(t.refused);
        return; // never retried as someone else
      }
      const words = RETRIED[code] ?? t.unreachable;
      setStatus("offline", words);
      setBanner(words);
      // A handshake the server refused is not retried by socket.io; a lost transport is.
      if (code) {
        setTimeout(() => socket.connect(), retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    });
    socket.on("session", (session) => {
      if (!shopToken && typeof session?.token === "string") {
        store("localStorage", ANON_KEY, session.token);
        auth.token = session.token;
      }
      if (typeof session?.conversation === "string") {
        auth.conversation = session.conversation;
        store("sessionStorage", CONVERSATION_KEY, session.conversation);
      }
    });
    socket.on("reply:delta", (delta) => {
      if (pending && typeof delta?.text === "string") pending.delta(delta.text);
    });
    socket.on("error", (payload) => {
      const message = payload?.error?.message;
      if (message) setBanner(t.failed(message));
    });
  }

  function errorWords(error) {
    if (!error) return t.timeout;
    return RETRIED[error.code] ?? (error.code === "timeout" ? t.timeout : t.failed(error.message || error.code));
  }

  function setBusy(busy) {
    send.disabled = busy;
    for (const chip of log.querySelectorAll(".chip, .more")) chip.disabled = busy;
  }

  /** Sends the shopper's text; the answer streams into a new assistant message. */
  function ask(text) {
    const clean = String(text).trim().slice(0, 2000);
    if (!clean || pending || !socket) return;
    addMessage("user", clean);
    const reply = pendingReply();
    pending = reply;
    setBusy(true);
    socket.timeout(120000).emit("message", { text: clean, locale: lang }, (timeoutErr, answer) => {
      pending = null;
      setBusy(false);
      if (timeoutErr) reply.fail(t.timeout);
      else if (answer?.error) reply.fail(errorWords(answer.error));
      else reply.done(answer);
      if (isOpen()) input.focus();
    });
  }

  // --- open, close, keyboard -------------------------------------------------------------------
  let welcomed = false;
  const isOpen = () => !panel.hidden;

  function open() {
    panel.hidden = false;
    frame.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", t.close);
    if (!welcomed) {
      welcomed = true;
      addMessage("assistant", t.welcome);
    }
    connect();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    frame.classList.remove("open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", t.open);
    voice?.release();
    launcher.focus();
  }

  launcher.addEventListener("click", () => (isOpen() ? close() : open()));
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      close();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (pending || !socket) return;
    const text = input.value;
    input.value = "";
    ask(text);
  });

  // --- voice: push-to-talk over /voice, loaded only when first used ---------------------------
  let voice = null;
  let voiceLoading = null;
  let voiceReply = null;

  function loadVoice() {
    voiceLoading ??= import(`${base}/widget-voice.js`).then((module) =>
      module.createVoice({
        io,
        url: `${baseUrl.origin}/voice`,
        path: ioPath,
        auth: { token: auth.token },
        locale: lang,
        on: {
          transcript(text) {
            addMessage("user", text);
            voiceReply = pendingReply();
          },
          delta(text) {
            voiceReply?.delta(text);
          },
          reply(reply) {
            (voiceReply ?? pendingReply()).done(reply);
            voiceReply = null;
          },
          nothing() {
            voiceReply?.message.remove();
            voiceReply = null;
          },
          error(kind, message) {
            setBanner(kind === "mic" ? t.mic(message) : t.voiceFailed);
            voiceReply?.message.remove();
            voiceReply = null;
          },
        },
      }),
    );
    return voiceLoading;
  }

  async function press() {
    if (!io) return;
    mic.setAttribute("aria-pressed", "true");
    setBanner("");
    status.textContent = t.listening;
    try {
      voice = await loadVoice();
      if (mic.getAttribute("aria-pressed") === "true") await voice.press();
    } catch (err) {
      voiceLoading = null;
      mic.setAttribute("aria-pressed", "false");
      setBanner(err?.code ? t.mic(err.message) : t.voiceFailed);
    }
  }

  function release() {
    if (mic.getAttribute("aria-pressed") !== "true") return;
    mic.setAttribute("aria-pressed", "false");
    setStatus(socket?.connected ? "online" : "offline", socket?.connected ? t.online : t.reconnecting);
    voice?.release();
  }

  mic.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    try {
      mic.setPointerCapture(event.pointerId);
    } catch {}
    press();
  });
  for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) mic.addEventListener(type, release);
  mic.addEventListener("contextmenu", (event) => event.preventDefault());
  mic.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) {
      event.preventDefault();
      press();
    }
  });
  mic.addEventListener("keyup", (event) => {
    if (event.key === " " || event.key === "Enter") release();
  });

  const mount = () => document.body.appendChild(host);
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });

  function CSS_TEXT() {
    return `
.cw{--accent:#2f6fed;--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#dde1e6;--bot:#f1f3f5;--err:#b42318;
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif;color:var(--fg);-webkit-font-smoothing:antialiased}
.cw.dark{--bg:#1c1f24;--fg:#eef0f3;--muted:#a3abb6;--line:#343a42;--bot:#2a2f36;--err:#ff8a80}
.cw *,.cw *::before,.cw *::after{box-sizing:border-box}
.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;padding:0;margin:0;cursor:pointer;
 background:var(--accent);color:#fff;display:grid;place-items:center;box-shadow:0 6px 20px rgba(0,0,0,.25)}
.launcher svg{width:26px;height:26px}
.launcher .when-open,.open .launcher .when-closed{display:none}
.open .launcher .when-open{display:block;width:30px;height:30px}
.panel{position:fixed;right:20px;bottom:88px;width:min(380px,calc(100vw - 24px));height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;
 background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.22);overflow:hidden}
.panel[hidden]{display:none}
header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--accent);color:#fff}
.head{flex:1;min-width:0}
h2{margin:0;font-size:16px;font-weight:600;line-height:1.3}
.status{margin:0;font-size:12px;opacity:.9;line-height:1.3}
button{font:inherit;color:inherit;cursor:pointer}
.close{background:transparent;border:0;color:#fff;width:32px;height:32px;border-radius:8px;display:grid;place-items:center;padding:0}
.close svg{width:20px;height:20px}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.msg{display:flex;flex-direction:column;align-items:flex-start;max-width:100%}
.msg.user{align-items:flex-end}
.bubble{padding:8px 12px;border-radius:14px;background:var(--bot);max-width:88%;white-space:pre-wrap;overflow-wrap:anywhere}
.user .bubble{background:var(--accent);color:#fff}
.bubble.error{background:transparent;border:1px solid var(--err);color:var(--err)}
.typing i{display:inline-block;width:6px;height:6px;margin:0 2px;border-radius:50%;background:var(--muted);animation:blink 1.2s infinite}
.typing i:nth-of-type(2){animation-delay:.2s}.typing i:nth-of-type(3){animation-delay:.4s}
@keyframes blink{50%{opacity:.2}}
.cards{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-direction:column;gap:8px;width:100%}
.sources{font-size:12px;color:var(--muted)}.sources a{color:inherit}
.card{display:flex;gap:10px;padding:8px;border:1px solid var(--line);border-radius:12px;background:var(--bg)}
.card img{width:64px;height:64px;object-fit:cover;border-radius:8px;flex:none;background:var(--bot)}
.body{min-width:0;flex:1;display:flex;flex-direction:column;gap:2px}
.title{font-weight:600}
.price{font-weight:600;color:var(--accent)}
.dark .price{filter:brightness(1.4)}
.reason{font-size:12px;color:var(--muted)}
.more,.chip{align-self:flex-start;margin-top:4px;padding:4px 10px;border-radius:999px;border:1px solid var(--accent);background:transparent;color:var(--fg);font-size:13px}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.chip{margin:0}
button:disabled{opacity:.5;cursor:default}
.banner{margin:0;padding:8px 14px;font-size:13px;color:var(--err);border-top:1px solid var(--line)}
.banner[hidden]{display:none}
.composer{display:flex;gap:6px;padding:10px;border-top:1px solid var(--line);margin:0}
input{flex:1;min-width:0;font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:8px 10px}
.send,.mic{width:40px;height:40px;flex:none;border-radius:10px;border:0;display:grid;place-items:center;padding:0;background:var(--accent);color:#fff}
.mic{background:var(--bot);color:var(--fg)}
.mic[aria-pressed=true]{background:var(--err);color:#fff}
.send svg,.mic svg{width:20px;height:20px}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
header :focus-visible{outline-color:#fff}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-reduced-motion:reduce){.typing i{animation:none}}
`;
  }
})();
