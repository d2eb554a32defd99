// Building DOM nodes. User text only ever goes in through textContent / text nodes;
// no module parses strings as HTML, so a message can never become markup.

/**
 * el('li', { className: 'conv', dataset: { key }, onclick }, child, 'text', ...)
 * Strings among the children become text nodes; null/false children are skipped.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'className' || name === 'title' || name === 'type' || name === 'disabled' || name === 'hidden') node[name] = value;
    else node.setAttribute(name, value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces all children of `node` with `children`. */
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

export const byId = (id) => document.getElementById(id);

/** Sets a node's text only when it differs: a redraw a frame then touches nothing unchanged. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
