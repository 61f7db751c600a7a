// The emulator's chat page: draws the journal the emulator streams at /emulator/stream (server-sent events).
// Every string from a request is put in the DOM with textContent, never parsed as markup.
"use strict";
(function () {
  const TEXTS = {
    ru: {
      title: "Эмулятор 1C-Connect: чат линии",
      connecting: "подключение…", live: "обновляется вживую", lost: "нет связи, переподключение…",
      clear: "Очистить", json: "JSON",
      chats: "Чаты", rejected: "Отклонённые запросы", rejectedEmpty: "Пока ни одного.",
      empty: "Сообщений пока нет. Отправьте SendMessageLine на этот адрес: страница обновится сама.",
      footer: "Нажатие кнопки здесь записывается как локальная симуляция: ответ сервиса на кнопку не входит в контракт API.",
      line: "линия", user: "пользователь", author: "автор", generalSettings: "general_settings",
      copy: "Нажмите, чтобы скопировать", copied: "скопировано",
      buttonId: "id кнопки", noButtonId: "у кнопки нет id",
      kbShown: "клавиатура показана", kbRemoved: "клавиатура удалена (DropKeyboard)",
      kbWarning: "Клавиатура уже показана: по документации API приложения её не обновляют. Сначала удалите её (DropKeyboard).",
      dropped: (n) => n === 0 ? "DropKeyboard: показанной клавиатуры не было" : "DropKeyboard: клавиатура удалена",
      pressed: (caption) => "Пользователь нажал «" + caption + "»",
      simulation: "локальная симуляция",
      pressFailed: "Нажатие не записано: ",
      rejectedAt: (method) => method,
      sendMessage: "SendMessageLine", dropKeyboard: "DropKeyboard",
    },
    en: {
      title: "1C-Connect emulator: line chat",
      connecting: "connecting…", live: "live", lost: "disconnected, reconnecting…",
      clear: "Clear", json: "JSON",
      chats: "Chats", rejected: "Rejected requests", rejectedEmpty: "None so far.",
      empty: "No messages yet. Send SendMessageLine to this address: the page updates by itself.",
      footer: "A button pressed here is recorded as a local simulation: the service's reply to a button is not part of the API contract.",
      line: "line", user: "user", author: "author", generalSettings: "general_settings",
      copy: "Click to copy", copied: "copied",
      buttonId: "button id", noButtonId: "the button has no id",
      kbShown: "keyboard shown", kbRemoved: "keyboard removed (DropKeyboard)",
      kbWarning: "A keyboard is already shown: the API page says apps do not update it. Drop it first (DropKeyboard).",
      dropped: (n) => n === 0 ? "DropKeyboard: no keyboard was shown" : "DropKeyboard: keyboard removed",
      pressed: (caption) => "The user pressed “" + caption + "”",
      simulation: "local simulation",
      pressFailed: "Press not recorded: ",
      rejectedAt: (method) => method,
      sendMessage: "SendMessageLine", dropKeyboard: "DropKeyboard",
    },
  };

  let lang = pickLanguage();
  let events = [];            // the journal as received, replayed when the language changes
  let chats = new Map();      // conversation -> { section, body, lastSeq }
  let keyboards = new Map();  // message seq -> keyboard element
  let lastSeq = 0;

  const $ = (id) => document.getElementById(id);
  const t = (key) => TEXTS[lang][key];

  function pickLanguage() {
    const fromUrl = new URLSearchParams(location.search).get("lang");
    if (fromUrl === "en" || fromUrl === "ru") return fromUrl;
    try { return localStorage.getItem("connect-bridge-lang") === "en" ? "en" : "ru"; } catch (e) { return "ru"; }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function time(iso) {
    const d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleTimeString(lang === "ru" ? "ru-RU" : "en-GB", { hour12: false });
  }

  function idButton(label, full) {
    const wrap = el("span");
    wrap.append(label + " ");
    const b = el("button", "id", full.length > 8 ? full.slice(0, 8) + "…" : full);
    b.type = "button";
    b.title = full + " · " + t("copy");
    b.dataset.full = full;
    b.addEventListener("click", () => copy(b, full));
    wrap.append(b);
    return wrap;
  }

  function copy(button, text) {
    const done = () => { button.classList.add("copied"); button.title = text + " · " + t("copied"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, () => selectText(button, text));
    } else {
      selectText(button, text);
    }
  }

  function selectText(button, text) {
    // No clipboard access: show the full id selected, so Ctrl+C copies it.
    button.textContent = text;
    const range = document.createRange();
    range.selectNodeContents(button);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function chatFor(ev) {
    let chat = chats.get(ev.conversation);
    if (!chat) {
      const section = el("article", "chat");
      section.dataset.conversation = ev.conversation;
      const head = el("div", "chat-head");
      head.append(idButton(t("line"), ev.line_id), idButton(t("user"), ev.user_id));
      const body = el("div", "chat-body");
      section.append(head, body);
      chat = { section, body, lastSeq: 0 };
      chats.set(ev.conversation, chat);
    }
    chat.lastSeq = ev.seq;
    // Newest activity first.
    $("chat-list").prepend(chat.section);
    return chat;
  }

  function drawMessage(ev) {
    const chat = chatFor(ev);
    const item = el("div", "item message");
    item.dataset.seq = ev.seq;
    const bubble = el("div", "bubble");
    bubble.append(el("p", "text", ev.text));
    const meta = el("div", "meta");
    if (ev.author_id) meta.append(idButton(t("author"), ev.author_id));
    if (ev.general_settings !== undefined) meta.append(el("span", "gs", t("generalSettings") + ": " + ev.general_settings));
    meta.append(el("time", "at", time(ev.at)));
    bubble.append(meta);
    item.append(bubble);
    if (ev.keyboard) {
      if (ev.keyboard_already_shown) item.append(el("div", "kb-warning", t("kbWarning")));
      const kb = el("div", "kb");
      kb.dataset.seq = ev.seq;
      ev.keyboard.forEach((row, r) => {
        const rowNode = el("div", "kb-row");
        row.forEach((button, c) => {
          const b = el("button", null, button.text);
          b.type = "button";
          b.title = button.id ? t("buttonId") + ": " + button.id : t("noButtonId");
          if (button.id) b.dataset.id = button.id;
          b.addEventListener("click", () => press(ev.seq, r, c));
          rowNode.append(b);
        });
        kb.append(rowNode);
      });
      kb.append(el("div", "kb-state", t("kbShown")));
      keyboards.set(ev.seq, kb);
      item.append(kb);
    }
    chat.body.append(item);
  }

  function drawDrop(ev) {
    const chat = chatFor(ev);
    for (const seq of ev.dropped_seqs || []) {
      const kb = keyboards.get(seq);
      if (!kb) continue;
      kb.classList.add("dropped");
      kb.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      kb.querySelector(".kb-state").textContent = t("kbRemoved") + " · " + time(ev.at);
    }
    const note = el("div", "item event drop", t("dropped")((ev.dropped_seqs || []).length) + " · " + time(ev.at));
    note.dataset.seq = ev.seq;
    chat.body.append(note);
  }

  function drawPress(ev) {
    const chat = chatFor(ev);
    const item = el("div", "item press", t("pressed")(ev.text) + (ev.button_id ? " (id: " + ev.button_id + ")" : ""));
    item.dataset.seq = ev.seq;
    item.append(el("span", "sim", t("simulation") + " · " + time(ev.at)));
    chat.body.append(item);
  }

  function drawRejected(ev) {
    $("rejected-empty").hidden = true;
    const item = el("li", "rej");
    item.dataset.status = ev.status;
    item.append(el("span", "code", ev.status), el("span", "reason", ev.error));
    const method = ev.path === "/v1/line/send/message/" ? t("sendMessage") : ev.path === "/v1/line/drop/keyboard/" ? t("dropKeyboard") : "";
    item.append(el("span", "where", [method, ev.path, time(ev.at)].filter(Boolean).join(" · ")));
    $("rejected-list").prepend(item);
  }

  function reset() {
    events = [];
    chats = new Map();
    keyboards = new Map();
    $("chat-list").replaceChildren();
    $("rejected-list").replaceChildren();
    $("rejected-empty").hidden = false;
  }

  function apply(ev) {
    switch (ev.kind) {
      case "message": drawMessage(ev); break;
      case "drop_keyboard": drawDrop(ev); break;
      case "press": drawPress(ev); break;
      case "rejected": drawRejected(ev); break;
      default: break;
    }
    $("empty").hidden = chats.size > 0;
  }

  function receive(ev) {
    if (ev.kind === "cleared") {
      reset();
      lastSeq = ev.seq;
      $("empty").hidden = false;
      return;
    }
    if (ev.seq <= lastSeq) return;
    lastSeq = ev.seq;
    events.push(ev);
    apply(ev);
  }

  async function press(seq, row, column) {
    try {
      const response = await fetch("/emulator/press", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ seq: seq, row: row, column: column }),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        setStatus("lost", t("pressFailed") + (body.error || response.status));
      }
    } catch (e) {
      setStatus("lost", t("pressFailed") + e);
    }
  }

  function setStatus(state, text) {
    const status = $("status");
    status.dataset.state = state;
    status.textContent = text || t(state);
  }

  function translate() {
    document.documentElement.lang = lang;
    document.title = t("title");
    document.querySelectorAll("[data-t]").forEach((node) => {
      if (node.id !== "status") node.textContent = t(node.dataset.t);
    });
    $("lang-ru").setAttribute("aria-pressed", String(lang === "ru"));
    $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
    setStatus($("status").dataset.state);
    // Replay the journal so every drawn label is in the new language.
    const replay = events;
    reset();
    events = replay;
    replay.forEach(apply);
    $("empty").hidden = chats.size > 0;
  }

  function setLanguage(next) {
    lang = next;
    try { localStorage.setItem("connect-bridge-lang", next); } catch (e) { /* private mode: the choice lasts for this page */ }
    translate();
  }

  function connect() {
    // EventSource reconnects by itself and sends Last-Event-ID, so the emulator resumes where the page stopped.
    const source = new EventSource("/emulator/stream");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("lost");
    source.onmessage = (message) => {
      let ev;
      try { ev = JSON.parse(message.data); } catch (e) { return; }
      receive(ev);
    };
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("lang-ru").addEventListener("click", () => setLanguage("ru"));
    $("lang-en").addEventListener("click", () => setLanguage("en"));
    $("clear").addEventListener("click", () => { fetch("/emulator/reset", { method: "POST" }); });
    translate();
    connect();
  });
})();
