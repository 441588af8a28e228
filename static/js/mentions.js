// @mention suggestions in the comment boxes of a thread (the new-comment form and the reply
// and edit forms static/js/thread.js adds later). Typing "@" and a few letters lists
// matching members; arrows move, Enter or Tab takes one, Escape closes. Without this
// module, typing "@handle" by hand mentions just the same.

import { pageStrings } from "./strings.js";

const DEBOUNCE_MS = 150;
const LIST_ID = "mention-suggestions";
// "@" at the start or after something that cannot be part of a word, an address or a path.
const TRIGGER = /(?:^|[^\w@./-])@([A-Za-z0-9_-]{1,40})$/;

// The words come translated from the page (templates/practices/_thread.html, #mention-strings);
// the English here is what a page without them shows.
const { t, tn } = pageStrings("mention-strings");

const script = document.querySelector("script[data-mentions-url]");
const endpoint = script ? script.dataset.mentionsUrl : "";
const thread = document.querySelector("[data-thread]");
const practiceId = thread ? thread.dataset.practiceId : "";

let list = null;
let status = null;
let field = null;
let suggestions = [];
let active = -1;
let timer = null;
let controller = null;
let query = "";

function ensureElements() {
  if (list) return;
  list = document.createElement("ul");
  list.id = LIST_ID;
  list.className = "combobox-list mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", t("listLabel", "Members to mention"));
  list.hidden = true;
  status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);
}

function isCommentBox(element) {
  return element instanceof HTMLTextAreaElement && element.closest("[data-thread]") !== null;
}

function typedQuery(textarea) {
  if (textarea.selectionStart !== textarea.selectionEnd) return null;
  const before = textarea.value.slice(0, textarea.selectionStart);
  const match = before.match(TRIGGER);
  return match ? match[1] : null;
}

function setActive(index) {
  const options = list.querySelectorAll("[role=option]");
  options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
  active = index;
  if (field && index >= 0 && options[index]) {
    field.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  } else if (field) {
    field.removeAttribute("aria-activedescendant");
  }
}

function close() {
  if (!list) return;
  list.hidden = true;
  list.replaceChildren();
  suggestions = [];
  active = -1;
  if (field) {
    field.removeAttribute("aria-activedescendant");
    field.removeAttribute("aria-controls");
  }
}

function choose(index) {
  const chosen = suggestions[index];
  if (!chosen || !field) return;
  const caret = field.selectionStart;
  const start = caret - query.length - 1;
  const insert = `@${chosen.handle} `;
  field.setRangeText(insert, start, caret, "end");
  field.dispatchEvent(new Event("input", { bubbles: true }));
  close();
  status.textContent = t("mentioned", "Mentioned {name}.", { name: chosen.name });
  field.focus();
}

function render(items) {
  suggestions = items;
  list.replaceChildren();
  if (!suggestions.length) {
    close();
    status.textContent = t("noMatch", "No member by that name.");
    return;
  }
  suggestions.forEach((item, index) => {
    const option = document.createElement("li");
    option.id = `${LIST_ID}-${index}`;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.className = "combobox-option";
    const name = document.createElement("span");
    name.textContent = item.name;
    const handle = document.createElement("span");
    handle.className = "count";
    handle.textContent = `@${item.handle}${item.organisation ? ` · ${item.organisation}` : ""}`;
    option.append(name, handle);
    option.addEventListener("mousedown", (event) => event.preventDefault());
    option.addEventListener("click", () => choose(index));
    list.appendChild(option);
  });
  field.insertAdjacentElement("afterend", list);
  field.setAttribute("aria-controls", LIST_ID);
  list.hidden = false;
  setActive(0);
  status.textContent = tn("found", suggestions.length, {
    one: "{number} member found; up and down arrows to choose, Enter to mention.",
    other: "{number} members found; up and down arrows to choose, Enter to mention.",
  });
}

async function load(text) {
  if (controller) controller.abort();
  controller = new AbortController();
  const params = new URLSearchParams({ q: text });
  if (practiceId) params.set("practice", practiceId);
  try {
    const response = await fetch(`${endpoint}?${params}`, {
      headers: { Accept: "application/json" },
      signal: controller.signal,
      credentials: "same-origin",
    });
    if (!response.ok) return close();
    const items = await response.json();
    if (field && typedQuery(field) === text) render(Array.isArray(items) ? items : []);
  } catch (error) {
    if (error.name !== "AbortError") close();
  }
}

function onInput(event) {
  const textarea = event.target;
  if (!isCommentBox(textarea)) return;
  ensureElements();
  if (field !== textarea) {
    close();
    field = textarea;
    field.setAttribute("aria-autocomplete", "list");
  }
  const text = typedQuery(textarea);
  clearTimeout(timer);
  if (text === null) {
    close();
    return;
  }
  query = text;
  timer = setTimeout(() => load(text), DEBOUNCE_MS);
}

function onKeydown(event) {
  if (event.target !== field || !list || list.hidden || !suggestions.length) return;
  if (event.key === "ArrowDown") {
    event.preventDefault();
    setActive((active + 1) % suggestions.length);
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    setActive((active - 1 + suggestions.length) % suggestions.length);
  } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
    event.preventDefault();
    choose(active);
  } else if (event.key === "Escape") {
    event.preventDefault();
    close();
  }
}

if (endpoint) {
  document.addEventListener("input", onInput);
  document.addEventListener("keydown", onKeydown, true);
  document.addEventListener("focusout", (event) => {
    if (event.target === field) setTimeout(close, 100);
  });
}
