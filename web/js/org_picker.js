// Search-as-you-type picker for one organization (ARIA 1.2 combobox with a listbox popup).
// Typing searches after a short pause; ↑/↓ move, Enter chooses, Esc closes; options are
// large enough to tap. Leaving the box without choosing keeps the earlier choice.
import { h, replace } from './dom.js';

let uid = 0;

// search(q) -> {items, total}; describe(item) -> {label, main, sub?, note?, disabled?}.
// `label` is what the box shows once the item is chosen.
export function orgPicker({
  id, name, testid, search, describe, value = null, minChars = 0, delay = 250,
  placeholder = '输入名称查找', noun = '组织', onChange,
}) {
  const listId = `picker-list-${++uid}`;
  const statusId = `${listId}-status`;
  let selected = value;
  let items = [];
  let active = -1;
  let open = false;
  let timer = 0;
  let seq = 0;
  let composing = false;
  const cache = new Map();

  const labelOf = (item) => (item ? describe(item).label : '');

  const input = h('input', {
    id, name, type: 'text', role: 'combobox', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
    enterkeyhint: 'search', placeholder, value: labelOf(selected), testid,
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, 'aria-describedby': statusId,
  });
  const list = h('ul', { id: listId, class: 'picker-list', role: 'listbox', hidden: true, testid: testid && `${testid}-list` });
  const clearBtn = h('button', {
    class: 'picker-clear', type: 'button', 'aria-label': '清除', title: '清除', hidden: !input.value,
    testid: testid && `${testid}-clear`,
    onmousedown: (e) => e.preventDefault(),
    onclick: () => {
      input.value = '';
      commit(null);
      input.focus();
      if (minChars === 0) schedule(true);
    },
  }, '×');
  const status = h('div', { id: statusId, class: 'picker-status', role: 'status', 'aria-live': 'polite', testid: testid && `${testid}-status` });
  const el = h('div', { class: 'picker' }, h('div', { class: 'picker-box' }, input, clearBtn, list), status);

  list.setAttribute('aria-label', `${noun}搜索结果`);

  function setStatus(text, kind = '') {
    status.textContent = text || '';
    status.className = `picker-status${kind ? ` is-${kind}` : ''}`;
  }

  function query() {
    const t = input.value.trim();
    return selected && t === labelOf(selected) ? '' : t;
  }

  function show(on) {
    open = on && items.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    if (!open) setActive(-1);
  }

  function setActive(i) {
    active = i;
    const opts = list.children;
    for (let k = 0; k < opts.length; k++) {
      const on = k === i;
      opts[k].classList.toggle('active', on);
      opts[k].setAttribute('aria-selected', String(on));
    }
    if (i >= 0 && opts[i]) {
      input.setAttribute('aria-activedescendant', opts[i].id);
      opts[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function move(step) {
    if (!items.length) return;
    let i = active;
    for (let n = 0; n < items.length; n++) {
      i = i < 0 ? (step > 0 ? 0 : items.length - 1) : (i + step + items.length) % items.length;
      if (!describe(items[i]).disabled) { setActive(i); return; }
    }
  }

  function render(q, total) {
    replace(list, items.map((item, i) => {
      const d = describe(item);
      const current = selected && String(selected.id) === String(item.id);
      return h('li', {
        id: `${listId}-${i}`, class: `picker-option${current ? ' current' : ''}`, role: 'option', 'aria-selected': 'false',
        'aria-disabled': d.disabled ? 'true' : null, testid: 'picker-option', dataset: { id: item.id },
        onmousedown: (e) => e.preventDefault(), // keep focus in the box (mouse and touch)
        onclick: () => { if (!d.disabled) choose(item); },
      }, h('span', { class: 'picker-main' }, d.main),
      d.sub ? h('span', { class: 'picker-sub' }, d.sub) : null,
      d.note ? h('span', { class: 'picker-note' }, d.note) : null);
    }));
    if (!items.length) {
      show(false);
      setStatus(q ? `没有找到名称含“${q}”的${noun}` : `没有可选择的${noun}`, 'empty');
      return;
    }
    show(true);
    setStatus(total > items.length
      ? `共 ${total} 个，只列出前 ${items.length} 个，请输入更多文字缩小范围`
      : `找到 ${items.length} 个${noun}，请选择`);
  }

  async function run() {
    clearTimeout(timer);
    timer = 0;
    const q = query();
    const my = ++seq;
    if ([...q].length < minChars) {
      items = [];
      show(false);
      setStatus(q ? `请至少输入 ${minChars} 个字` : '');
      return;
    }
    let r = cache.get(q);
    if (!r) {
      setStatus('正在查找……', 'busy');
      try {
        r = await search(q);
      } catch (e) {
        if (my !== seq) return;
        items = [];
        show(false);
        setStatus(`查找失败：${e.message}`, 'error');
        return;
      }
      cache.set(q, r);
    }
    if (my !== seq || document.activeElement !== input) {
      if (my === seq) setStatus('');
      return;
    }
    items = (r && r.items) || [];
    render(q, (r && r.total) || items.length);
  }

  // A newer search supersedes one still on its way (its answer would re-render the list under the finger).
  function schedule(now) {
    clearTimeout(timer);
    seq++;
    timer = setTimeout(run, now ? 0 : delay);
  }

  function commit(item) {
    const changed = String(item ? item.id : '') !== String(selected ? selected.id : '');
    selected = item;
    clearBtn.hidden = !input.value;
    if (changed && onChange) onChange(item);
  }

  function choose(item) {
    input.value = labelOf(item);
    items = [];
    show(false);
    setStatus('');
    input.removeAttribute('aria-invalid');
    commit(item);
  }

  input.addEventListener('input', (e) => {
    clearBtn.hidden = !input.value;
    if (composing || e.isComposing) return; // wait for the IME (拼音) to finish the characters
    schedule();
  });
  input.addEventListener('compositionstart', () => { composing = true; });
  input.addEventListener('compositionend', () => { composing = false; schedule(); });
  input.addEventListener('focus', () => {
    if (selected && input.value === labelOf(selected)) input.select();
    if (minChars === 0) schedule(true);
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    timer = 0;
    seq++;
    show(false);
    if (selected) {
      input.value = labelOf(selected);
      clearBtn.hidden = false;
      setStatus('');
    } else if (input.value.trim()) {
      setStatus(`请从查找结果中选择一个${noun}`, 'error');
    } else {
      setStatus('');
    }
  });
  input.addEventListener('keydown', (e) => {
    if (composing || e.isComposing) return;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        e.preventDefault();
        if (open) move(e.key === 'ArrowDown' ? 1 : -1);
        else schedule(true);
        break;
      case 'Enter':
        if (!open) {
          // Typed text that is not a choice yet: search now instead of submitting the form.
          if (query()) { e.preventDefault(); schedule(true); }
          break;
        }
        e.preventDefault();
        if (active >= 0) choose(items[active]);
        else {
          const ok = items.filter((x) => !describe(x).disabled);
          if (ok.length === 1) choose(ok[0]);
        }
        break;
      case 'Escape':
        if (open) { e.preventDefault(); show(false); setStatus(''); }
        else if (selected && input.value !== labelOf(selected)) { e.preventDefault(); input.value = labelOf(selected); }
        break;
      default:
    }
  });

  return {
    el,
    input,
    get value() { return selected; },
    // Sets the choice from code (e.g. a preselected branch).
    set(item) { input.value = labelOf(item); commit(item); },
  };
}
