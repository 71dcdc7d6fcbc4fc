// Building DOM without innerHTML: every text goes in as text, so nothing a customer, vendor or
// caller wrote can become markup (the API's data is untrusted input to the page).

// h('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child, [more children])
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.className = value;
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (name === 'value') {
      node.value = value;
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

// Loading, empty and error states, announced to screen readers.
export function loading(text = 'Loading…') {
  return h('p', { class: 'state state-loading', role: 'status' }, text);
}

export function empty(text) {
  return h('p', { class: 'state state-empty' }, text);
}

export function errorState(error, retry) {
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('p', {}, error?.describe ? error.describe() : String(error?.message ?? error)),
    retry ? h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again') : null,
  );
}

// Long text cut to `limit` characters with a control that shows the rest.
export function truncated(text, limit = 240) {
  const value = text ?? '';
  if (value.length <= limit) return h('span', { class: 'text-block' }, value);
  const short = `${value.slice(0, limit).trimEnd()}…`;
  const span = h('span', { class: 'text-block' }, short);
  let expanded = false;
  const toggle = h('button', {
    type: 'button',
    class: 'link-button',
    'aria-expanded': 'false',
    onclick: () => {
      expanded = !expanded;
      span.textContent = expanded ? value : short;
      toggle.textContent = expanded ? 'Show less' : 'Show more';
      toggle.setAttribute('aria-expanded', String(expanded));
    },
  }, 'Show more');
  return h('span', {}, span, ' ', toggle);
}
