// 积分设置 (org admins): on/off for the subtree, 基础分, the branch mode, star bands, the top-band cap and the
// number of branches flagged for reward. A subtree without its own row inherits the nearest one above.
import { api, qs } from './api.js';
import { h, replace, loading, toast } from './dom.js';
import { rerender } from './router.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { pointsOrg, pointsTabs, pointsHead, orgChooser, errBox, MODES } from './points_common.js';

const LABELS = {
  enabled: '启用积分考评', member_base: '党员基础分', branch_mode: '党支部计分方式', member_bands: '党员星级',
  branch_bands: '党支部星级', top_band_cap_pct: '最高星级比例上限', top_n: '表扬名额',
};

export async function renderPointsSettings(view, query) {
  view.append(loading());
  const org = await pointsOrg(query);
  const box = h('div', { testid: 'settings-box' }, loading());
  view.replaceChildren(pointsHead('积分设置', org), pointsTabs('settings'), h('div', { class: 'toolbar' }, orgChooser(org)), box);
  if (!org) { box.replaceChildren(); return; }
  let s;
  try { s = await api.get(`/api/v1/points/settings${qs({ org: org.id })}`); } catch (e) { replace(box, errBox(e)); return; }

  const form = h('form', { class: 'card settings-form', novalidate: true, testid: 'settings-form' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const enabled = h('input', { type: 'checkbox', id: 'ps-enabled', name: 'enabled', checked: !!s.enabled, testid: 'settings-enabled' });
  const base = h('input', { type: 'number', id: 'ps-base', name: 'member_base', min: 0, max: 100, step: 0.1, value: String(s.member_base ?? 60), testid: 'settings-base' });
  const mode = h('select', { id: 'ps-mode', name: 'branch_mode', testid: 'settings-mode', value: s.branch_mode },
    Object.entries(MODES).map(([k, n]) => h('option', { value: k }, `${n}${k === 'deduct' ? '（从 100 分起扣）' : '（从 0 分起加）'}`)));
  const cap = h('input', { type: 'number', id: 'ps-cap', name: 'top_band_cap_pct', min: 0, max: 100, step: 1, value: String(s.top_band_cap_pct ?? 10), testid: 'settings-cap' });
  const topN = h('input', { type: 'number', id: 'ps-topn', name: 'top_n', min: 0, max: 100, step: 1, value: String(s.top_n ?? 3), testid: 'settings-topn' });
  const memberBands = bandsEditor('member_bands', s.member_bands || []);
  const branchBands = bandsEditor('branch_bands', s.branch_bands || []);
  const inherited = s.defined_at === null || s.defined_at === undefined ? '当前使用系统默认设置。'
    : Number(s.defined_at) === Number(org.id) ? '本组织有自己的设置。' : '当前沿用上级组织的设置，保存后本组织及下级使用新的设置。';
  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'settings-save' }, '保存设置');
  form.append(
    h('p', { class: 'muted', testid: 'settings-inherited' }, inherited),
    h('div', { class: 'form-grid' },
      fieldBox('enabled', LABELS.enabled, enabled, { bool: true, hint: '关闭后本组织及下级不再显示积分、排名和星级' }),
      fieldBox('member_base', LABELS.member_base, base, { hint: '党员每期的起始分' }),
      fieldBox('branch_mode', LABELS.branch_mode, mode),
      fieldBox('top_band_cap_pct', `${LABELS.top_band_cap_pct}（%）`, cap, { hint: '如 10 表示最高星级不超过参评对象的 10%；0 表示不限' }),
      fieldBox('top_n', LABELS.top_n, topN, { hint: '排名前几名的党支部标记“表扬”' })),
    h('div', { class: 'bands-row' }, memberBands.el, branchBands.el),
    msg, h('div', { class: 'form-actions' }, save));
  replace(box, form);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    save.disabled = true;
    try {
      await api.put('/api/v1/points/settings', {
        org_id: org.id, enabled: enabled.checked, member_base: Number(base.value), branch_mode: mode.value,
        member_bands: memberBands.value(), branch_bands: branchBands.value(),
        top_band_cap_pct: Number(cap.value) || 0, top_n: Number(topN.value) || 0, version: s.version || 0,
      });
      toast('设置已保存');
      rerender();
    } catch (e) {
      save.disabled = false;
      const f = (e.field || '').replace(/[[.].*$/, '');
      if (!(f && !e.rule && showFieldError(form, f, e.message, LABELS[f]))) msg.append(errBox(e, rerender));
    }
  });
}

// Bands {min, stars}, highest first; rows can be added and removed.
function bandsEditor(key, bands) {
  const list = h('ol', { class: 'bands', testid: `bands-${key}` });
  const row = (b = { min: 60, stars: 1 }) => {
    const min = h('input', { type: 'number', min: 0, max: 100, step: 0.1, value: String(b.min), class: 'band-min', 'aria-label': '分数线' });
    const stars = h('select', { class: 'band-stars', 'aria-label': '星级', value: String(b.stars) },
      [5, 4, 3, 2, 1].map((n) => h('option', { value: String(n) }, '★'.repeat(n))));
    const li = h('li', { class: 'band' }, h('span', null, '≥'), min, h('span', null, '分'), stars,
      h('button', { class: 'btn btn-sm', type: 'button', 'aria-label': '删除', onclick: () => li.remove() }, '删除'));
    return li;
  };
  for (const b of bands) list.append(row(b));
  const input = h('input', { type: 'hidden', name: key });
  const el = h('fieldset', { class: 'bands-box', testid: `field-${key}` }, h('legend', null, LABELS[key]),
    list, input,
    h('button', { class: 'btn btn-sm', type: 'button', onclick: () => list.append(row()) }, '添加一档'),
    h('div', { class: 'hint' }, '分数线和星级都须从高到低；低于最低一档为“后进”'),
    h('div', { class: 'field-error', dataset: { errorFor: key }, 'aria-live': 'polite' }));
  return {
    el,
    value: () => [...list.children].map((li) => ({
      min: Number(li.querySelector('.band-min').value) || 0, stars: Number(li.querySelector('.band-stars').value),
    })),
  };
}
