// The bell: keeps the unread count in the header live over /ws/notifications/
// (docs/live-protocol.md, "The notifications socket"), reconnecting with backoff. On the
// notifications page, following a notification or pressing "Mark as read" marks it read
// without a reload. Without this module the count is the page load's and the forms work.

import { pageStrings } from "./strings.js";

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const PING_EVERY_MS = 25000;
const UNREAD_CAP = 100;
// Close codes after which trying again cannot help: not logged in (4401), suspended (4403).
const FINAL_CLOSE_CODES = new Set([4401, 4403]);

// The words come translated from the page (templates/base.html, #bell-strings); the English
// here is what a page without them shows.
const { t, tn } = pageStrings("bell-strings");

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function badge(count) {
  return count >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(count);
}

function words(count) {
  if (count <= 0) return t("unreadNone", "none unread");
  if (count >= UNREAD_CAP) {
    return t("unreadMore", "more than {count} unread", { count: UNREAD_CAP - 1 });
  }
  return tn("unread", count, { one: "{count} unread", other: "{count} unread" }, { count });
}

class Bell {
  constructor(link) {
    this.link = link;
    this.countEl = link.querySelector("[data-bell-count]");
    this.wordsEl = link.querySelector("[data-bell-words]");
    this.announcer = link.parentElement.querySelector("[data-bell-announcer]");
    this.path = link.dataset.socketPath || "/ws/notifications/";
    this.count = Number.parseInt(this.countEl?.textContent || "0", 10) || 0;
    this.attempt = 0;
    this.socket = null;
    this.retryTimer = null;
    this.pingTimer = null;
    this.stopped = false;
    this.baseTitle = document.title.replace(/^\(\d+\+?\) /, "");
  }

  set(count, { announce = true } = {}) {
    const previous = this.count;
    this.count = Math.max(0, count);
    if (this.countEl) {
      this.countEl.textContent = badge(this.count);
      this.countEl.hidden = this.count === 0;
    }
    if (this.wordsEl) this.wordsEl.textContent = `(${words(this.count)})`;
    this.link.classList.toggle("has-unread", this.count > 0);
    document.title = this.count > 0 ? `(${badge(this.count)}) ${this.baseTitle}` : this.baseTitle;
    if (announce && this.announcer && this.count > previous) {
      this.announcer.textContent = t("newNotification", "New notification: {unread}.", {
        unread: words(this.count),
      });
    }
  }

  connect() {
    if (this.stopped || !("WebSocket" in window)) return;
    clearTimeout(this.retryTimer);
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}${this.path}`);
    this.socket = socket;
    let first = true;
    socket.addEventListener("open", () => {
      this.attempt = 0;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      }, PING_EVERY_MS);
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && message.type === "unread" && Number.isInteger(message.count)) {
        // The first count after (re)connecting is the state, not news: no announcement.
        this.set(message.count, { announce: !first });
        first = false;
      }
    });
    socket.addEventListener("close", (event) => {
      clearInterval(this.pingTimer);
      if (this.socket !== socket) return;
      this.socket = null;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.stopped = true;
        return;
      }
      this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    if (this.stopped) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    const delay = base / 2 + Math.random() * base;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  wake() {
    // A tab coming back to the front reconnects at once instead of waiting out the backoff.
    if (!this.socket && !this.stopped) {
      this.attempt = 0;
      this.connect();
    }
  }
}

function markItemRead(item) {
  if (!item) return;
  item.classList.remove("is-unread");
  item.querySelector(".badge-unread")?.remove();
  item.querySelector("[data-mark-read-form]")?.remove();
  item.querySelectorAll("[data-mark-read]").forEach((link) => link.removeAttribute("data-mark-read"));
}

async function post(url) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    credentials: "same-origin",
    keepalive: true,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

function enhanceNotificationsPage(bell) {
  // Following a notification's link marks it read; the request outlives the navigation.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-mark-read]");
    if (!link) return;
    post(link.dataset.markRead).catch(() => {});
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("[data-mark-read-form]")) {
      event.preventDefault();
      post(form.action)
        .then((data) => {
          const item = form.closest("[data-notification]");
          markItemRead(item);
          if (bell && Number.isInteger(data.unread)) bell.set(data.unread, { announce: false });
          item?.querySelector("a, button")?.focus();
        })
        .catch(() => form.submit());
    } else if (form.matches("[data-mark-all-form]")) {
      event.preventDefault();
      post(form.action)
        .then(() => {
          document.querySelectorAll("[data-notification]").forEach(markItemRead);
          if (bell) bell.set(0, { announce: false });
          const status = document.querySelector("[data-bell-announcer]");
          if (status) status.textContent = t("allRead", "All notifications marked as read.");
        })
        .catch(() => form.submit());
    }
  });
}

const link = document.querySelector("[data-bell]");
const bell = link ? new Bell(link) : null;
if (bell) {
  bell.set(bell.count, { announce: false });
  bell.connect();
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") bell.wake();
  });
  window.addEventListener("online", () => bell.wake());
}
if (document.querySelector("[data-notification], [data-mark-all-form]")) {
  enhanceNotificationsPage(bell);
}
