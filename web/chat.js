// The plain chat page: one socket.io connection to /chat, replies streamed as they are written.
(() => {
  const locale = navigator.language || "en";
  const zh = locale.toLowerCase().startsWith("zh");
  const t = zh
    ? {
        connecting: "正在连接…",
        online: "在线",
        offline: "已断开，正在重连…",
        placeholder: "想找什么商品？送礼建议？比较？",
        starting: "助手正在启动，请稍候…",
        failed: "出错了：",
        details: (title) => `详细介绍一下${title}`,
        hello: "你好",
        refused: "身份验证失败",
      }
    : {
        connecting: "Connecting…",
        online: "Online",
        offline: "Disconnected — reconnecting…",
        placeholder: "Ask for a product, a gift idea, a comparison…",
        starting: "The assistant is still starting up; one moment…",
        failed: "Something went wrong: ",
        details: (title) => `tell me more about ${title}`,
        hello: "hello",
        refused: "Sign-in refused",
      };

  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("input");
  const sendButton = document.getElementById("send");
  const status = document.getElementById("status");
  document.documentElement.lang = zh ? "zh" : "en";
  input.placeholder = t.placeholder;

  // Who the shopper is, the server decides from a token: the shop's signed token for a logged-in
  // customer (data-token on this script, or #token=… in the address, which is never sent to a
  // server), else the anonymous token the server handed this browser before. Knowing an id is
  // never enough: there is no id to send.
  const ANONYMOUS_KEY = "concierge.anonymousToken";
  const script = document.currentScript;
  const shopToken = script?.dataset.token || new URLSearchParams(location.hash.slice(1)).get("token") || undefined;
  const storage = {
    get() {
      try {
        return localStorage.getItem(ANONYMOUS_KEY) || undefined;
      } catch {
        return undefined; // storage blocked: a new anonymous visitor each visit
      }
    },
    set(token) {
      try {
        localStorage.setItem(ANONYMOUS_KEY, token);
      } catch {}
    },
  };
  // The conversation continues across reconnections (and replicas) while this tab is open.
  const conversationKey = (() => {
    try {
      return sessionStorage.getItem("concierge.conversation") || undefined;
    } catch {
      return undefined;
    }
  })();
  const auth = { token: shopToken ?? storage.get(), conversation: conversationKey };
  const socket = io("/chat", { auth });
  let pending = null; // the bot bubble receiving reply:delta
  let greeted = false;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function addTurn(who) {
    const turn = el("div", `turn ${who}`);
    log.appendChild(turn);
    return turn;
  }

  function formatPrice(price, currency) {
    if (typeof price !== "number") return "";
    try {
      return currency ? new Intl.NumberFormat(locale, { style: "currency", currency }).format(price) : new Intl.NumberFormat(locale).format(price);
    } catch {
      return `${price} ${currency || ""}`.trim();
    }
  }

  function safeImage(src) {
    return typeof src === "string" && /^(\/(?!\/)|https?:\/\/)/i.test(src) ? src : "/images/product.svg";
  }

  function renderCards(turn, products) {
    if (!products.length) return;
    const row = el("div", "cards");
    for (const p of products) {
      const card = el("button", "card");
      card.type = "button";
      card.title = t.details(p.title);
      const img = el("img");
      img.src = safeImage(p.image);
      img.alt = "";
      img.loading = "lazy";
      img.onerror = () => {
        img.onerror = null;
        img.src = "/images/product.svg";
      };
      const body = el("div", "body");
      body.appendChild(el("div", "title", p.title));
      const price = formatPrice(p.price, p.currency);
      if (price) body.appendChild(el("div", "price", price));
      if (p.reason) body.appendChild(el("div", "reason", p.reason));
      card.append(img, body);
      card.addEventListener("click", () => send(t.details(p.title)));
      row.appendChild(card);
    }
    turn.appendChild(row);
  }

  function renderChips(turn, suggestions) {
    if (!suggestions.length) return;
    const chips = el("div", "chips");
    for (const s of suggestions) {
      const chip = el("button", "chip", s);
      chip.type = "button";
      chip.addEventListener("click", () => send(s));
      chips.appendChild(chip);
    }
    turn.appendChild(chips);
  }

  function setBusy(busy) {
    sendButton.disabled = busy;
    for (const chip of log.querySelectorAll(".chip")) chip.disabled = busy;
  }

  /** Sends text to the assistant; `quiet` leaves out the shopper's bubble (the automatic greeting). */
  function send(text, quiet = false) {
    const clean = String(text).trim();
    if (!clean || pending) return;
    if (!quiet) {
      addTurn("user").appendChild(el("div", "bubble", clean));
    }
    const turn = addTurn("bot");
    const bubble = el("div", "bubble pending");
    turn.appendChild(bubble);
    pending = bubble;
    setBusy(true);
    scrollDown();

    socket.timeout(120000).emit("message", { text: clean, locale }, (timeoutErr, reply) => {
      pending = null;
      bubble.classList.remove("pending");
      setBusy(false);
      if (timeoutErr) {
        bubble.classList.add("error");
        bubble.textContent = t.failed + (timeoutErr.message || "timeout");
      } else if (reply?.error) {
        if (reply.error.code === "not_ready") {
          bubble.textContent = t.starting;
          if (quiet) {
            turn.remove();
            greeted = false;
            setTimeout(greet, 3000);
          }
        } else {
          bubble.classList.add("error");
          bubble.textContent = t.failed + reply.error.message;
        }
      } else {
        bubble.textContent = reply.text;
        renderCards(turn, reply.products || []);
        renderChips(turn, reply.suggestions || []);
      }
      scrollDown();
      input.focus();
    });
  }

  // A link such as /?q=trail+shoes starts the conversation with that question instead of a greeting.
  function greet() {
    if (greeted || log.querySelector(".turn.user")) return;
    greeted = true;
    const question = new URLSearchParams(location.search).get("q");
    if (question?.trim()) send(question.slice(0, 2000));
    else send(t.hello, true);
  }

  socket.on("reply:delta", (delta) => {
    if (!pending || !delta || typeof delta.text !== "string") return;
    pending.textContent += delta.text;
    scrollDown();
  });
  socket.on("error", (payload) => {
    const message = payload?.error ? payload.error.message : String(payload);
    const turn = addTurn("bot");
    turn.appendChild(el("div", "bubble error", t.failed + message));
  });
  // The server says who this connection is; an anonymous visitor's token is kept to come back as them.
  socket.on("session", (session) => {
    if (!shopToken && typeof session?.token === "string") {
      storage.set(session.token);
      auth.token = session.token; // a reconnection presents it too
    }
    if (typeof session?.conversation === "string") {
      auth.conversation = session.conversation;
      try {
        sessionStorage.setItem("concierge.conversation", session.conversation);
      } catch {}
    }
  });
  socket.on("connect", () => {
    setStatus("online", t.online);
    greet();
  });
  socket.on("disconnect", () => setStatus("offline", t.offline));
  socket.on("connect_error", (err) => {
    // A refused token is not retried as someone else: the page says so and stops.
    if (err?.data?.code === "invalid_token" || err?.data?.code === "identity_not_configured") {
      setStatus("offline", t.refused);
      addTurn("bot").appendChild(el("div", "bubble error", t.failed + err.message));
      return;
    }
    setStatus("offline", t.offline);
    // Refused by the server while it starts: socket.io does not retry a refused handshake by itself.
    if (err?.data?.code === "not_ready") setTimeout(() => socket.connect(), 3000);
  });
  setStatus("connecting", t.connecting);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (pending) return;
    const text = input.value;
    input.value = "";
    send(text);
  });
})();
