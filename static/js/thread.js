// The live comment thread: keeps the discussion under a practice up to date over a
// WebSocket (docs/live-protocol.md). A small ES module with no build step; the page works
// without it through plain forms, and falls back to them whenever the socket is down.

import { pageStrings } from "./strings.js";

const PROTOCOL_VERSION = 1;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const PING_EVERY_MS = 25000;
const PONG_WITHIN_MS = 10000;
const GAP_WAIT_MS = 1500;
const STATUS_DELAY_MS = 1500;
const CLOCK_EVERY_MS = 30000;
// Close codes after which trying again cannot help (see the protocol document).
const FINAL_CLOSE_CODES = new Set([4403, 4404]);
// The server closes with this code when the member is suspended while reading.
const CLOSE_SUSPENDED = 4403;
const CONTROL_ORDER = ["reply", "edit", "delete", "report", "hide", "restore"];

// The words come translated from the page (templates/practices/_thread.html, #thread-strings);
// the English here is what a page without them shows.
const { t, tn } = pageStrings("thread-strings");

// The moderation controls' words come with their visually hidden part as markup, so that a
// translation can put "this comment" where its language needs it.
function markup(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

const relativeTime = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", {
  numeric: "auto",
});
const fullDate = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
  dateStyle: "long",
  timeStyle: "short",
});

function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function describeAge(date, now) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return t("justNow", "just now");
  if (abs < 45 * 60) return relativeTime.format(Math.round(seconds / 60), "minute");
  if (abs < 22 * 3600) return relativeTime.format(Math.round(seconds / 3600), "hour");
  if (abs < 7 * 86400) return relativeTime.format(Math.round(seconds / 86400), "day");
  return fullDate.format(date);
}

function csrfToken(root) {
  const input = root.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function parseFragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

class LiveThread {
  constructor(root) {
    this.root = root;
    this.list = root.querySelector("[data-comments]");
    this.empty = root.querySelector("[data-empty]");
    this.countEl = root.querySelector("[data-count]");
    this.presenceEl = root.querySelector("[data-presence]");
    this.statusEl = root.querySelector("[data-status]");
    this.announcer = root.querySelector("[data-announcer]");
    this.marker = root.querySelector("[data-new-marker]");

    const data = root.dataset;
    this.practiceId = Number(data.practiceId);
    this.socketPath = data.socketPath;
    this.viewerId = data.viewerId ? Number(data.viewerId) : null;
    this.isModerator = data.viewerModerator === "true";
    this.mayPost = data.mayPost === "true";
    this.editWindowMs = Number(data.editWindow || 0) * 1000;
    this.createUrl = data.createUrl;
    this.editUrl = data.editUrl;
    this.deleteUrl = data.deleteUrl;
    this.reportUrl = data.reportUrl;
    this.hideUrl = data.hideUrl;
    this.restoreUrl = data.restoreUrl;

    // Every change up to lastSeq is on the page; `early` holds numbers seen above a gap. The
    // number sits on the list of comments, which the server may have kept for a while.
    this.lastSeq = Number((this.list && this.list.dataset.lastSeq) || data.lastSeq) || 0;
    this.early = new Set();
    this.gapTimer = null;

    this.socket = null;
    this.connected = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.statusTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.stopped = false;

    // client_id -> {message, form}: sent and not yet answered; sent again after a reconnect.
    this.pending = new Map();
    this.unseen = new Set();
    this.announceQueue = [];
    this.announceTimer = null;

    this.observer =
      "IntersectionObserver" in window
        ? new IntersectionObserver((entries) => this.onSeen(entries), { threshold: 0.5 })
        : null;
  }

  start() {
    for (const item of this.items()) this.syncControls(item);
    this.refreshClock();
    setInterval(() => {
      this.refreshClock();
      for (const item of this.items()) this.syncControls(item);
    }, CLOCK_EVERY_MS);

    this.root.addEventListener("submit", (event) => this.onSubmit(event));
    this.root.addEventListener("click", (event) => this.onClick(event));
    this.marker.addEventListener("click", () => this.showFirstUnseen());
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.reconnectNow();
    });
    this.connect();
  }

  // --- Connection ---------------------------------------------------------------------------

  connect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    let socket;
    try {
      socket = new WebSocket(`${scheme}://${window.location.host}${this.socketPath}`);
    } catch (error) {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (event) => this.onMessage(event);
    socket.onclose = (event) => this.onClose(event);
    socket.onerror = () => {};
  }

  onOpen() {
    this.connected = true;
    this.attempt = 0;
    this.setStatus("");
    this.send({ type: "resume", after: this.lastSeq });
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
  }

  onClose(event) {
    this.teardown();
    if (event.code === CLOSE_SUSPENDED) {
      this.stop(t("suspended", "Your account has been suspended. Reload the page to see why."));
      return;
    }
    if (FINAL_CLOSE_CODES.has(event.code)) {
      this.stop(t("unavailable", "Live updates are not available for this discussion."));
      return;
    }
    this.scheduleReconnect();
  }

  teardown() {
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
        socket.close();
      }
    }
    this.presenceEl.hidden = true;
  }

  scheduleReconnect() {
    if (this.stopped || this.retryTimer) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    const delay = base / 2 + Math.random() * base;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    this.setStatus(t("reconnecting", "Reconnecting…"), STATUS_DELAY_MS);
  }

  reconnectNow() {
    if (this.stopped || this.socket) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  stop(message) {
    this.stopped = true;
    this.teardown();
    clearTimeout(this.retryTimer);
    this.setStatus(message);
  }

  ping() {
    if (!this.connected) return;
    this.send({ type: "ping" });
    clearTimeout(this.pongTimer);
    // A laptop that slept may hold a socket that looks open and is dead: drop it.
    this.pongTimer = setTimeout(() => {
      this.teardown();
      this.scheduleReconnect();
    }, PONG_WITHIN_MS);
  }

  send(message) {
    if (!this.connected || !this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  setStatus(text, delay = 0) {
    clearTimeout(this.statusTimer);
    const apply = () => {
      this.statusEl.textContent = text;
      this.root.classList.toggle("is-reconnecting", Boolean(text));
    };
    if (delay && text) this.statusTimer = setTimeout(apply, delay);
    else apply();
  }

  // --- Messages from the server -------------------------------------------------------------

  onMessage(event) {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    switch (message.type) {
      case "hello":
        if (message.version !== PROTOCOL_VERSION) {
          this.stop(t("outdated", "This page is out of date: reload it to see new comments."));
          return;
        }
        this.onOpen();
        break;
      case "comment.created":
      case "comment.edited":
      case "comment.deleted":
        this.applyComment(message);
        this.noteSeq(message.seq);
        break;
      case "resumed":
        this.onResumed(message);
        break;
      case "ack":
        this.onAck(message);
        break;
      case "presence":
        this.showPresence(message.count);
        break;
      case "thread.locked":
        this.onLocked(message);
        break;
      case "pong":
        clearTimeout(this.pongTimer);
        break;
      case "error":
        this.onError(message);
        break;
      default:
        break;
    }
  }

  noteSeq(seq) {
    if (seq <= this.lastSeq) return;
    if (seq === this.lastSeq + 1) {
      this.lastSeq = seq;
      while (this.early.delete(this.lastSeq + 1)) this.lastSeq += 1;
      return;
    }
    // A number was skipped: its event may still be on its way; if not, ask the database.
    this.early.add(seq);
    if (!this.gapTimer) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        if (this.early.size) this.send({ type: "resume", after: this.lastSeq });
      }, GAP_WAIT_MS);
    }
  }

  onResumed(message) {
    this.lastSeq = Math.max(this.lastSeq, message.last_seq);
    for (const seq of [...this.early]) if (seq <= this.lastSeq) this.early.delete(seq);
    while (this.early.delete(this.lastSeq + 1)) this.lastSeq += 1;
    // Whatever was sent and not answered before the drop goes again; the server
    // recognises a repeated client_id and does not post twice.
    for (const { message: request } of this.pending.values()) this.send(request);
  }

  onAck(message) {
    const entry = this.pending.get(message.client_id);
    if (!entry) return;
    this.pending.delete(message.client_id);
    const form = entry.form;
    if (!form || !form.isConnected) return;
    if (form.dataset.form === "edit") {
      const item = form.closest("[data-item-id]");
      form.remove();
      if (item) this.syncControls(item);
      return;
    }
    this.setBusy(form, false);
    this.showFormError(form, "");
    if (form.dataset.form === "create" || form.dataset.form === "reply") {
      form.reset();
      const details = form.closest("details");
      if (details) details.open = false;
    }
  }

  onError(message) {
    if (message.code === "resume_ahead") {
      window.location.reload();
      return;
    }
    const entry = message.client_id ? this.pending.get(message.client_id) : null;
    if (!entry) return;
    this.pending.delete(message.client_id);
    if (entry.form && entry.form.isConnected) {
      this.setBusy(entry.form, false);
      this.showFormError(entry.form, message.message);
    } else {
      this.announce(message.message);
    }
  }

  showPresence(count) {
    if (!Number.isInteger(count) || count < 1) return;
    this.presenceEl.textContent = tn("presence", count, {
      one: "{number} person reading now",
      other: "{number} people reading now",
    });
    this.presenceEl.hidden = false;
  }

  // --- The thread on the page ---------------------------------------------------------------

  items() {
    return this.list.querySelectorAll("[data-item-id]");
  }

  findItem(id) {
    return this.list.querySelector(`[data-item-id="${Number(id)}"]`);
  }

  applyComment(message) {
    const article = parseFragment(message.html);
    if (!article || article.tagName !== "ARTICLE") return;
    let item = this.findItem(message.id);
    const current = item ? item.querySelector(":scope > article") : null;
    if (current) {
      // An older change arriving after a newer one (a replay racing a live event).
      if (Number(current.dataset.changedSeq) > Number(article.dataset.changedSeq)) return;
      const editing = item.querySelector(':scope > form[data-form="edit"]');
      current.replaceWith(article);
      if (editing && article.hasAttribute("data-deleted")) editing.remove();
      else if (editing) article.querySelector(".comment-body").hidden = true;
    } else if (item) {
      // A placeholder made for a reply that arrived before its parent.
      item.prepend(article);
      item.dataset.seq = article.dataset.seq;
      this.place(item, null);
    } else {
      item = this.makeItem(message.id, article);
      this.place(item, message.parent);
      if (message.type === "comment.created" && !this.isOwn(article)) this.noticeNew(article);
    }
    this.syncControls(item);
    this.refreshClock(item);
    this.refreshCount();
  }

  makeItem(id, article) {
    const item = document.createElement("li");
    item.className = "comment-item";
    item.dataset.itemId = String(id);
    item.dataset.seq = article ? article.dataset.seq : "0";
    if (article) item.append(article);
    if (!article || !article.dataset.parentId) {
      const replies = document.createElement("ol");
      replies.className = "replies";
      replies.dataset.replies = "";
      replies.setAttribute("aria-label", t("replies", "Replies"));
      item.append(replies);
    }
    return item;
  }

  place(item, parentId) {
    let container = this.list;
    if (parentId) {
      let parent = this.findItem(parentId);
      if (!parent) {
        parent = this.makeItem(parentId, null);
        parent.dataset.seq = item.dataset.seq;
        this.insertSorted(this.list, parent);
      }
      container = parent.querySelector(":scope > [data-replies]");
    }
    this.insertSorted(container, item);
  }

  insertSorted(container, item) {
    const seq = Number(item.dataset.seq);
    for (const sibling of container.children) {
      if (sibling !== item && Number(sibling.dataset.seq) > seq) {
        container.insertBefore(item, sibling);
        return;
      }
    }
    container.append(item);
  }

  isOwn(article) {
    return this.viewerId !== null && Number(article.dataset.authorId) === this.viewerId;
  }

  refreshCount() {
    const live = this.list.querySelectorAll("article[data-comment-id]:not([data-deleted])").length;
    if (this.countEl) this.countEl.textContent = `(${live})`;
    if (this.empty) this.empty.hidden = this.items().length > 0;
  }

  refreshClock(scope = this.root) {
    const now = Date.now();
    for (const time of scope.querySelectorAll("time[data-relative]")) {
      const date = new Date(time.getAttribute("datetime"));
      if (Number.isNaN(date.getTime())) continue;
      time.textContent = describeAge(date, now);
      time.title = fullDate.format(date);
    }
  }

  // --- Per-viewer controls (the same data-control names as the page renders) ----------------

  syncControls(item) {
    const article = item.querySelector(":scope > article");
    if (!article) return;
    let box = item.querySelector(":scope > [data-controls]");
    if (!box) {
      box = document.createElement("div");
      box.className = "comment-controls";
      box.dataset.controls = "";
      article.after(box);
    }
    const id = Number(article.dataset.commentId);
    const deleted = article.hasAttribute("data-deleted");
    const own = this.isOwn(article);
    const age = Date.now() - Date.parse(article.dataset.createdAt);
    const editing = Boolean(item.querySelector(':scope > form[data-form="edit"]'));
    const wanted = {
      reply: !deleted && this.mayPost && !article.dataset.parentId,
      edit:
        !deleted &&
        !editing &&
        this.viewerId !== null &&
        (this.isModerator || (own && age < this.editWindowMs)),
      delete: !deleted && own,
      ...this.moderationControls(article, deleted, own),
    };
    if (!article.hasAttribute("data-hidden")) {
      const notice = item.querySelector(":scope > [data-hidden-notice]");
      if (notice) notice.remove();
    }
    for (const name of CONTROL_ORDER) {
      let existing = box.querySelector(`:scope > [data-control="${name}"]`);
      // The page's reply link (for readers without JavaScript) becomes a reply form here.
      if (existing && name === "reply" && existing.tagName === "A") {
        existing.remove();
        existing = null;
      }
      if (existing && !wanted[name]) existing.remove();
      if (!existing && wanted[name]) {
        const control = this.buildControl(name, id);
        const later = CONTROL_ORDER.slice(CONTROL_ORDER.indexOf(name) + 1)
          .map((other) => box.querySelector(`:scope > [data-control="${other}"]`))
          .find(Boolean);
        box.insertBefore(control, later || null);
      }
    }
  }

  buildControl(name, id) {
    const token = csrfToken(this.root);
    if (name === "report" || name === "hide" || name === "restore") {
      return this.buildModerationControl(name, id, token);
    }
    if (name === "edit") {
      const link = document.createElement("a");
      link.className = "comment-action";
      link.href = this.editUrl.replace("/0/", `/${id}/`);
      link.dataset.control = "edit";
      link.textContent = t("edit", "Edit");
      return link;
    }
    if (name === "delete") {
      const form = document.createElement("form");
      form.method = "post";
      form.action = this.deleteUrl.replace("/0/", `/${id}/`);
      form.className = "inline comment-delete";
      form.dataset.control = "delete";
      form.append(this.hidden("csrfmiddlewaretoken", token));
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "link-button";
      button.textContent = t("delete", "Delete");
      form.append(button);
      return form;
    }
    const details = document.createElement("details");
    details.className = "comment-reply";
    details.dataset.control = "reply";
    const summary = document.createElement("summary");
    summary.textContent = t("reply", "Reply");
    const form = this.buildForm({
      kind: "reply",
      action: this.createUrl,
      fieldId: `reply-body-${id}`,
      label: t("yourReply", "Your reply"),
      button: t("postReply", "Post reply"),
      rows: 3,
    });
    form.prepend(this.hidden("parent", String(id)));
    form.prepend(this.hidden("csrfmiddlewaretoken", token));
    details.append(summary, form);
    return details;
  }

  buildForm({ kind, action, fieldId, label, button, rows, value = "" }) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    form.className = "comment-form";
    form.dataset.form = kind;
    const labelEl = document.createElement("label");
    labelEl.htmlFor = fieldId;
    labelEl.textContent = label;
    const textarea = document.createElement("textarea");
    textarea.id = fieldId;
    textarea.name = "body";
    textarea.rows = rows;
    textarea.required = true;
    textarea.maxLength = Number(this.root.dataset.maxLength) || 10000;
    textarea.value = value;
    const error = document.createElement("p");
    error.className = "form-error";
    error.dataset.formError = "";
    error.setAttribute("role", "alert");
    error.hidden = true;
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.textContent = button;
    const actions = document.createElement("div");
    actions.className = "comment-form-actions";
    actions.append(submit);
    form.append(labelEl, textarea, error, actions);
    return form;
  }

  hidden(name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  // --- Moderation: report, hide, restore, a locked thread ----------------------------------

  moderationControls(article, deleted, own) {
    const hidden = article.hasAttribute("data-hidden");
    return {
      report: !deleted && !own && this.viewerId !== null && !this.isModerator,
      hide: !deleted && this.isModerator,
      restore: hidden && this.isModerator,
    };
  }

  buildModerationControl(name, id, token) {
    const fallback = {
      report: 'Report<span class="visually-hidden"> this comment</span>',
      hide: 'Hide<span class="visually-hidden"> this comment</span>',
      restore: 'Restore<span class="visually-hidden"> this comment</span>',
    }[name];
    const words = markup(t(name, fallback));
    if (name === "restore") {
      const form = document.createElement("form");
      form.method = "post";
      form.action = this.restoreUrl.replace("/0/", `/${id}/`);
      form.className = "inline";
      form.dataset.control = "restore";
      form.append(this.hidden("csrfmiddlewaretoken", token));
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "link-button";
      button.append(words);
      form.append(button);
      return form;
    }
    const link = document.createElement("a");
    link.className = "comment-action";
    link.href = (name === "report" ? this.reportUrl : this.hideUrl).replace("/0/", `/${id}/`);
    link.dataset.control = name;
    link.append(words);
    return link;
  }

  onLocked(message) {
    if (this.isModerator) return;
    const form = this.root.querySelector('[data-form="create"]');
    let text;
    if (message.locked) {
      this.mayPost = false;
      if (form) form.hidden = true;
      text = t("locked", "A moderator closed this discussion to new comments.");
    } else if (form) {
      this.mayPost = true;
      form.hidden = false;
      text = t("reopened", "A moderator reopened this discussion.");
    } else {
      text = t(
        "reopenedReload",
        "A moderator reopened this discussion: reload the page to comment.",
      );
    }
    let note = this.root.querySelector("[data-locked-note]");
    if (!note) {
      note = document.createElement("p");
      note.className = "thread-join";
      note.dataset.lockedNote = "";
      this.list.after(note);
    }
    note.textContent = text;
    this.announce(text);
    for (const item of this.items()) this.syncControls(item);
  }

  // --- What the reader does -----------------------------------------------------------------

  onSubmit(event) {
    const form = event.target;
    if (!this.connected) return; // the plain form POST takes over
    const kind = form.dataset.form || form.dataset.control;
    if (kind === "create" || kind === "reply") {
      event.preventDefault();
      const body = form.elements.body.value;
      if (!body.trim()) {
        this.showFormError(form, t("emptyPost", "Write something before posting."));
        return;
      }
      const message = { type: "comment.create", client_id: newClientId(), body };
      const parent = form.elements.parent ? Number(form.elements.parent.value) : null;
      if (parent) message.parent = parent;
      this.request(message, form);
    } else if (kind === "edit") {
      event.preventDefault();
      const item = form.closest("[data-item-id]");
      const body = form.elements.body.value;
      if (!body.trim()) {
        this.showFormError(form, t("emptySave", "Write something before saving."));
        return;
      }
      this.request(
        { type: "comment.edit", client_id: newClientId(), id: Number(item.dataset.itemId), body },
        form,
      );
    } else if (kind === "delete") {
      event.preventDefault();
      const question = t(
        "confirmDelete",
        "Delete this comment? Readers will see “Comment deleted”.",
      );
      if (!window.confirm(question)) return;
      const item = form.closest("[data-item-id]");
      this.request(
        { type: "comment.delete", client_id: newClientId(), id: Number(item.dataset.itemId) },
        null,
      );
    }
  }

  onClick(event) {
    const target = event.target.closest("[data-control=edit], [data-cancel-edit]");
    if (!target) return;
    if (target.matches("[data-cancel-edit]")) {
      event.preventDefault();
      this.closeEditor(target.closest("form"));
      return;
    }
    if (!this.connected) return; // follow the link to the edit page
    event.preventDefault();
    this.openEditor(target.closest("[data-item-id]"));
  }

  openEditor(item) {
    const article = item.querySelector(":scope > article");
    const bodyEl = article && article.querySelector(".comment-body");
    if (!bodyEl) return;
    const id = Number(item.dataset.itemId);
    const form = this.buildForm({
      kind: "edit",
      action: this.editUrl.replace("/0/", `/${id}/`),
      fieldId: `edit-body-${id}`,
      label: t("editYourComment", "Edit your comment"),
      button: t("save", "Save"),
      rows: 5,
      value: bodyEl.dataset.source || bodyEl.textContent.trim(),
    });
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link-button";
    cancel.dataset.cancelEdit = "";
    cancel.textContent = t("cancel", "Cancel");
    form.querySelector(".comment-form-actions").append(cancel);
    bodyEl.hidden = true;
    article.after(form);
    this.syncControls(item);
    form.elements.body.focus();
  }

  closeEditor(form) {
    const item = form.closest("[data-item-id]");
    form.remove();
    const bodyEl = item.querySelector(":scope > article .comment-body");
    if (bodyEl) bodyEl.hidden = false;
    this.syncControls(item);
    const edit = item.querySelector('[data-control="edit"]');
    if (edit) edit.focus();
  }

  request(message, form) {
    this.pending.set(message.client_id, { message, form });
    if (form) {
      this.showFormError(form, "");
      this.setBusy(form, true);
    }
    this.send(message);
  }

  setBusy(form, busy) {
    form.setAttribute("aria-busy", busy ? "true" : "false");
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = busy;
  }

  showFormError(form, text) {
    const error = form.querySelector("[data-form-error]");
    if (!error) {
      if (text) this.announce(text);
      return;
    }
    error.textContent = text;
    error.hidden = !text;
  }

  // --- Telling the reader -------------------------------------------------------------------

  noticeNew(article) {
    const name = article.querySelector(".comment-author");
    this.queueAnnouncement(name ? name.textContent.trim() : t("aMember", "a member"));
    const rect = article.getBoundingClientRect();
    const inView = rect.bottom > 0 && rect.top < window.innerHeight;
    if (inView || !this.observer) return;
    this.unseen.add(article);
    this.observer.observe(article);
    this.refreshMarker();
  }

  onSeen(entries) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      this.unseen.delete(entry.target);
      this.observer.unobserve(entry.target);
    }
    for (const article of [...this.unseen]) {
      if (!article.isConnected) this.unseen.delete(article);
    }
    this.refreshMarker();
  }

  refreshMarker() {
    const count = this.unseen.size;
    this.marker.hidden = count === 0;
    this.marker.textContent = this.newComments(count);
  }

  newComments(count) {
    return tn("newComments", count, {
      one: "{number} new comment",
      other: "{number} new comments",
    });
  }

  showFirstUnseen() {
    const articles = [...this.unseen].filter((a) => a.isConnected);
    if (!articles.length) return;
    articles.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    articles[0].scrollIntoView({ behavior: "smooth", block: "center" });
    articles[0].focus({ preventScroll: true });
  }

  queueAnnouncement(author) {
    this.announceQueue.push(author);
    if (this.announceTimer) return;
    this.announceTimer = setTimeout(() => {
      const authors = this.announceQueue;
      this.announceQueue = [];
      this.announceTimer = null;
      this.announce(
        authors.length === 1
          ? t("newCommentFrom", "New comment from {name}", { name: authors[0] })
          : this.newComments(authors.length),
      );
    }, 800);
  }

  announce(text) {
    this.announcer.textContent = "";
    window.setTimeout(() => {
      this.announcer.textContent = text;
    }, 50);
  }
}

for (const root of document.querySelectorAll("[data-thread]")) {
  if (root.querySelector("[data-comments]") && "WebSocket" in window) {
    new LiveThread(root).start();
  }
}
