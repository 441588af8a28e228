// The words a script shows, as its page gives them: a <script type="application/json">
// block rendered by the template with {% translate %} (so they are in the catalogs), read
// once. A key the block lacks falls back to the English the script passes.
//
// t(key, fallback, values)   -> the text, with {name} filled in from values
// tn(key, count, forms)      -> the plural form for count ({one, other}), {number} filled in

function readStrings(id) {
  const element = document.getElementById(id);
  if (!element) return {};
  try {
    return JSON.parse(element.textContent) || {};
  } catch (error) {
    return {};
  }
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (match, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}

export function pageStrings(id) {
  const strings = readStrings(id);
  const plurals = new Intl.PluralRules(document.documentElement.lang || "en");
  return {
    t(key, fallback, values = {}) {
      return fill(typeof strings[key] === "string" ? strings[key] : fallback, values);
    },
    tn(key, count, forms, values = {}) {
      const form = plurals.select(count) === "one" ? "one" : "other";
      const given = strings[key] && strings[key][form];
      return fill(typeof given === "string" ? given : forms[form], { number: count, ...values });
    },
  };
}
