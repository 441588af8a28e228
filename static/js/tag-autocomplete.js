// Tag suggestions for the comma-separated tag input, as an ARIA 1.2 combobox with a listbox.
// Without JavaScript the input is an ordinary text field; this only adds suggestions.

import { pageStrings } from "./strings.js";

const DEBOUNCE_MS = 150;
const MIN_CHARS = 1;

// The words come translated from the page (templates/practices/practice_form.html,
// #tag-autocomplete-strings); the English here is what a page without them shows.
const { t, tn } = pageStrings("tag-autocomplete-strings");

function fragments(value) {
  return value.split(",").map((part) => part.trim());
}

function currentFragment(value) {
  const parts = fragments(value);
  return parts[parts.length - 1];
}

function withChosen(value, name) {
  const parts = fragments(value);
  parts[parts.length - 1] = name;
  return `${parts.filter(Boolean).join(", ")}, `;
}

function normalise(name) {
  return name.replace(/[\s_-]+/g, " ").trim().toLowerCase();
}

export function enhance(input) {
  const url = input.dataset.autocompleteUrl;
  if (!url || input.dataset.enhanced) return;
  input.dataset.enhanced = "true";

  const listId = `${input.id || "tags"}-suggestions`;
  const wrapper = document.createElement("div");
  wrapper.className = "combobox";
  input.parentNode.insertBefore(wrapper, input);
  wrapper.appendChild(input);

  const list = document.createElement("ul");
  list.id = listId;
  list.className = "combobox-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", t("listLabel", "Suggestions"));
  list.hidden = true;
  wrapper.appendChild(list);

  const status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  wrapper.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let suggestions = [];
  let active = -1;
  let timer = null;
  let controller = null;

  function setActive(index) {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    suggestions = [];
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function choose(index) {
    const chosen = suggestions[index];
    if (!chosen) return;
    input.value = withChosen(input.value, chosen.name);
    close();
    status.textContent = t("added", "Added {name}.", { name: chosen.name });
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function render(items) {
    const taken = new Set(fragments(input.value).slice(0, -1).map(normalise));
    suggestions = items.filter((item) => !taken.has(item.name));
    list.replaceChildren();
    if (!suggestions.length) {
      close();
      status.textContent = t("noMatch", "No matching tags.");
      return;
    }
    suggestions.forEach((item, index) => {
      const option = document.createElement("li");
      option.id = `${listId}-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.className = "combobox-option";
      const name = document.createElement("span");
      name.textContent = item.name;
      const count = document.createElement("span");
      count.className = "count";
      const practices = tn("practices", item.count, {
        one: "{number} practice",
        other: "{number} practices",
      });
      count.textContent = ` ${practices}`;
      option.append(name, count);
      option.addEventListener("mousedown", (event) => event.preventDefault());
      option.addEventListener("click", () => choose(index));
      list.appendChild(option);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    setActive(-1);
    status.textContent = tn("found", suggestions.length, {
      one: "{number} suggestion; use the up and down arrows to choose.",
      other: "{number} suggestions; use the up and down arrows to choose.",
    });
  }

  async function load(query) {
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const items = await response.json();
      if (currentFragment(input.value) === query) render(Array.isArray(items) ? items : []);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const query = currentFragment(input.value);
    if (query.length < MIN_CHARS) {
      close();
      return;
    }
    timer = window.setTimeout(() => load(query), DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    const open = !list.hidden && suggestions.length > 0;
    switch (event.key) {
      case "ArrowDown":
        if (!open) return;
        event.preventDefault();
        setActive(active + 1 >= suggestions.length ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (!open) return;
        event.preventDefault();
        setActive(active <= 0 ? suggestions.length - 1 : active - 1);
        break;
      case "Enter":
        if (open && active >= 0) {
          event.preventDefault();
          choose(active);
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          close();
        }
        break;
      case "Tab":
        close();
        break;
      default:
    }
  });

  input.addEventListener("blur", () => window.setTimeout(close, 100));
}

document.querySelectorAll("input[data-tag-autocomplete]").forEach(enhance);
