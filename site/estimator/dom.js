// Small DOM helpers shared by the estimator's modules (no HTML parsing anywhere).

/** el("p", {class: "x"}, "text", child, [more]) — null, undefined and false children are skipped. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

/** The same for SVG elements. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** A wide table in a box that scrolls sideways on a phone; focusable and named, so keyboard
 * users can scroll it too (axe: scrollable-region-focusable). */
export function scrollBox(table, name) {
  return el("div", { class: "yb-scroll", tabindex: "0", role: "region", "aria-label": name }, table);
}

/** container.replaceChildren with the same child rules as el() (nested arrays, nulls skipped). */
export function replaceWith(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}
