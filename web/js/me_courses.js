// 党建课程 on the member's phone: the card on #/me (assigned / finished, this year's course 学时 against the yearly
// cap), #/me/courses (the courses assigned to my branch with my progress) and the reader #/me/courses/{id}. Opening a
// course records that it was opened; 学完 is the member's own statement — a text or PDF course has the button at once,
// a video's is enabled when the video has played to its end. No timers, no time on the page.
import { api } from './api.js';
import { h, replace, notice, loading, toast, fmtDate, fmtTime } from './dom.js';

const KIND_ICON = { text: '文', pdf: 'PDF', video: '▶' };

function phonePage(view, heading, back) {
  const page = h('div', { class: 'me-page course-me', testid: 'me-courses-page' },
    h('header', { class: 'me-top' },
      h('a', { class: 'btn btn-ghost', href: back, testid: 'me-courses-back' }, '‹ 返回'),
      h('span', { class: 'brand' }, heading),
      h('span', { class: 'course-top-pad', 'aria-hidden': 'true' })));
  view.append(page);
  return page;
}

function yearLine(s, testid) {
  if (!s) return null;
  return h('p', { class: 'course-me-year', testid },
    `${s.year}年课程学时 `, h('strong', { testid: `${testid}-credited` }, String(s.credited_hours)),
    ` / 上限 ${s.cap_hours} 学时`, s.hours > s.credited_hours ? h('span', { class: 'muted' }, `（已学 ${s.hours} 学时，超出上限部分不计入）`) : null);
}

// the card on #/me
export function myCoursesCard() {
  const body = h('div', { 'aria-live': 'polite' }, loading());
  api.get('/api/v1/me/courses?per_page=100').then((r) => {
    const s = r.summary || {};
    const todo = (r.items || []).filter((c) => !c.finished);
    replace(body,
      h('p', { class: 'course-me-count', testid: 'me-courses-count' },
        `指派给我 ${s.assigned || 0} 门 · 已学完 `, h('strong', { testid: 'me-courses-finished' }, String(s.finished || 0)), ' 门'),
      yearLine(s, 'me-courses-hours'),
      todo.length ? h('ul', { class: 'course-me-mini' }, todo.slice(0, 3).map((c) => h('li', null,
        h('a', { href: `#/me/courses/${c.id}`, testid: 'me-courses-todo' }, c.title), h('span', { class: 'muted small' }, ` · ${c.hours} 学时`))))
        : null,
      h('a', { class: 'btn btn-block', href: '#/me/courses', testid: 'me-courses-open' }, '进入党建课程'));
  }).catch((e) => replace(body, e.status === 404 ? h('p', { class: 'muted' }, '账号未关联在册党员信息。') : notice(e.message, 'error', 'me-courses-error')));
  return h('section', { class: 'me-card me-courses', testid: 'me-courses' }, h('h2', null, '党建课程'), body);
}

// #/me/courses and #/me/courses/{id}
export async function renderMyCourses(view, q, id) {
  if (id) return renderMyCourse(view, Number(id));
  const page = phonePage(view, '党建课程', '#/me');
  const box = h('div', { 'aria-live': 'polite' }, loading());
  page.append(box);
  let r;
  try {
    r = await api.get('/api/v1/me/courses?per_page=100');
  } catch (e) {
    replace(box, notice(e.status === 404 ? '您的账号没有关联在册党员信息，请联系支部书记。' : e.message, 'error', 'me-courses-list-error'));
    return;
  }
  const items = r.items || [];
  replace(box,
    h('div', { class: 'course-me-sum' }, yearLine(r.summary, 'me-courses-year'),
      h('p', { class: 'muted small' }, '学完一门课程，按课程学时计入年度学习时数。')),
    items.length ? h('ul', { class: 'course-me-list', testid: 'me-courses-list' }, items.map((c) => h('li', null,
      h('a', { class: `course-me-item${c.finished ? ' is-done' : ''}`, href: `#/me/courses/${c.id}`, testid: 'me-course', dataset: { id: c.id, finished: String(c.finished) } },
        h('span', { class: `course-me-icon kind-${c.kind}`, 'aria-hidden': 'true' }, KIND_ICON[c.kind] || '课'),
        h('span', { class: 'course-me-main' },
          h('span', { class: 'course-me-title' }, c.title),
          h('span', { class: 'course-me-meta' },
            h('span', { class: `badge ${c.finished ? 'state-active' : c.opened_at ? 'status-pending' : ''}`, testid: 'me-course-state' },
              c.finished ? '已学完' : c.opened_at ? '学习中' : '未学'),
            ` ${c.kind_name} · ${c.duration_minutes} 分钟 · ${c.hours} 学时 · ${c.org_name}`))))))
      : h('p', { class: 'me-card muted', testid: 'me-courses-empty' }, '暂时没有指派给您的课程。'));
}

async function renderMyCourse(view, id) {
  const page = phonePage(view, '课程学习', '#/me/courses');
  const box = h('div', { 'aria-live': 'polite' }, loading());
  page.append(box);
  let c;
  try {
    c = await api.get(`/api/v1/me/courses/${id}`); // records the first opening
  } catch (e) {
    replace(box, notice(e.status === 404 ? '没有这门课程，或它没有指派给您。' : e.message, 'error', 'me-course-error'));
    return;
  }
  const fileUrl = `/api/v1/me/courses/${id}/file`;
  const done = h('div', { class: 'course-me-done', 'aria-live': 'polite', testid: 'me-course-done-box' });
  const finishBtn = h('button', { class: 'btn btn-primary btn-block', type: 'button', testid: 'me-course-finish' }, '学完');
  let content = null;
  if (c.kind === 'video' && c.file) {
    const video = h('video', { class: 'course-video', controls: true, preload: 'metadata', playsinline: true, src: fileUrl, testid: 'me-course-video' });
    // a video's 学完 after it has played to its end (the member may also come back later)
    finishBtn.disabled = true;
    video.addEventListener('ended', () => { finishBtn.disabled = false; hint.textContent = '视频已看完，可以点“学完”。'; });
    content = video;
  } else if (c.kind === 'pdf' && c.file) {
    content = h('div', { class: 'course-pdf' },
      h('a', { class: 'btn btn-block', href: fileUrl, target: '_blank', rel: 'noopener', testid: 'me-course-pdf' }, `打开 PDF：${c.file.filename}`),
      h('object', { class: 'course-pdf-embed', data: fileUrl, type: 'application/pdf', 'aria-label': c.title }, ''));
  }
  const hint = h('p', { class: 'muted small', testid: 'me-course-hint' },
    c.kind === 'video' ? '看完视频后可以点“学完”。' : '学习完成后请点“学完”，课程学时计入您的年度学习时数。');
  const showDone = () => {
    if (c.finished) {
      return replace(done,
        h('p', { class: 'course-me-finished', testid: 'me-course-finished' }, `已学完 · ${fmtTime(c.finished_at)} · ${c.hours} 学时`),
        yearLine(c.my_year, 'me-course-year'));
    }
    return replace(done, hint, finishBtn, yearLine(c.my_year, 'me-course-year'));
  };
  finishBtn.addEventListener('click', async () => {
    finishBtn.disabled = true;
    try {
      c = await api.post(`/api/v1/me/courses/${id}/finish`);
      toast('已学完，学时已计入');
      showDone();
    } catch (e) {
      finishBtn.disabled = false;
      done.append(notice(e.message));
    }
  });
  showDone();
  replace(box, h('article', { class: 'me-card course-me-article', testid: 'me-course-article' },
    h('h1', { class: 'course-me-h', testid: 'me-course-title' }, c.title),
    h('p', { class: 'muted small' }, `${c.org_name} · ${c.kind_name} · ${c.duration_minutes} 分钟 · ${c.hours} 学时`,
      c.published_at ? ` · ${fmtDate(fmtTime(c.published_at))}` : ''),
    content,
    c.body ? h('div', { class: 'course-text', testid: 'me-course-body' }, c.body) : null,
    done));
}
