// Entry point: hash router. Each route renders into a fresh element, so a slow
// request from a route the user already left only fills a detached node.
import { onUnauthenticated } from './js/api.js';
import { currentRoute as currentPath } from './js/router.js';
import { session, loadSession, isAdmin, isManager } from './js/session.js';
import { replace, h, notice } from './js/dom.js';
import { mountMain, unmountMain, setActiveNav } from './js/layout.js';
import { renderLogin } from './js/login.js';
import { renderMembers } from './js/members.js';
import { renderMemberDetail } from './js/member_detail.js';
import { renderOrg } from './js/orgs.js';
import { renderTransfers } from './js/transfers.js';
import { renderTransferPrint } from './js/transfer_print.js';
import { renderImport } from './js/import.js';
import { renderUsers } from './js/users.js';
import { renderAudit } from './js/audit.js';
import { renderMe } from './js/me.js';
import { renderMyProjects } from './js/me_projects.js';
import { renderRecruitBoard, renderRecruitNew } from './js/recruits.js';
import { renderRecruitDetail } from './js/recruit_detail.js';
import { renderLifeCalendar, renderLifeList } from './js/life.js';
import { renderMeetingForm } from './js/life_form.js';
import { renderLifeCompliance, renderLifeHours, renderLifeRisk } from './js/life_compliance.js';
import { renderLifeAppraisal, renderLifePlans } from './js/life_appraisal.js';
import { renderLifeTrainings } from './js/life_training.js';
import { renderPoints, renderMyPoints } from './js/points.js';
import { renderReviews, renderReviewNew } from './js/reviews.js';
import { renderWork } from './js/work.js';
import { renderDues } from './js/dues.js';
import { renderStats } from './js/stats.js';
import { renderNotices, renderMyNotices } from './js/notices.js';
import { renderCodeLogin, renderSetPassword } from './js/signin_code.js';
import { renderBoard } from './js/board.js';
import { renderReviewDetail } from './js/review_detail.js';
import { renderBallot } from './js/ballot.js';
// me home
import { renderMyDues, renderMyTasks, renderMyRecruitment, renderMyRecord } from './js/me_pages.js';
import { renderMyForm, renderMemberFormPrint } from './js/me_form.js';
// end me home
// checkin
import { renderCheckin } from './js/checkin.js';
// end checkin
// courses
import { renderCourses } from './js/courses.js';
import { renderMyCourses } from './js/me_courses.js';
// end courses
// suggestions
import { renderSuggestions } from './js/suggestions.js';
import { renderMySuggestions } from './js/me_suggestions.js';
// end suggestions
import { renderRecruitReminders, renderRecruitPlans, renderRecruitStats } from './js/recruit_reports.js';

const ROUTES = [
  { re: /^\/login$/, layout: 'bare', public: true, render: renderLogin },
  { re: /^\/login\/code$/, layout: 'bare', public: true, render: renderCodeLogin },
  // 述职评议 ballot: opened by raters with a code and no account (anon: with or without a session)
  { re: /^\/ballot$/, layout: 'bare', anon: true, render: renderBallot },
  // 党务公开栏: public, no login (anon: with or without a session)
  { re: /^\/board$/, layout: 'bare', anon: true, render: (el, m, q) => renderBoard(el, q) },
  { re: /^\/me$/, layout: 'bare', render: renderMe },
  { re: /^\/me\/points$/, layout: 'bare', render: (el, m, q) => renderMyPoints(el, q) },
  { re: /^\/me\/notices((?:\/\d+)?)$/, layout: 'bare', render: (el, m) => renderMyNotices(el, m[1]) },
  { re: /^\/me\/password$/, layout: 'bare', render: renderSetPassword },
  { re: /^\/me\/projects$/, layout: 'bare', render: (el) => renderMyProjects(el) },
  // me home
  { re: /^\/me\/dues$/, layout: 'bare', render: (el) => renderMyDues(el) },
  { re: /^\/me\/tasks$/, layout: 'bare', render: (el) => renderMyTasks(el) },
  { re: /^\/me\/recruitment$/, layout: 'bare', render: (el) => renderMyRecruitment(el) },
  { re: /^\/me\/record$/, layout: 'bare', render: (el) => renderMyRecord(el) },
  { re: /^\/me\/form$/, layout: 'bare', render: (el) => renderMyForm(el) },
  { re: /^\/members\/(\d+)\/form$/, nav: 'members', need: isManager, render: (el, m) => renderMemberFormPrint(el, m[1]) },
  // end me home
  // checkin
  // 扫码签到: the link in the meeting's QR code, opened on the member's phone
  { re: /^\/checkin$/, layout: 'bare', render: (el, m, q) => renderCheckin(el, q) },
  // end checkin
  // courses
  { re: /^\/me\/courses(?:\/(\d+))?$/, layout: 'bare', render: (el, m, q) => renderMyCourses(el, q, m[1]) },
  { re: /^\/courses((?:\/(?:new|\d+(?:\/edit)?))?)$/, nav: 'courses', need: isManager, render: (el, m, q) => renderCourses(el, m[1], q) },
  // end courses
  // suggestions
  { re: /^\/me\/suggestions$/, layout: 'bare', render: (el, m, q) => renderMySuggestions(el, q) },
  { re: /^\/suggestions((?:\/(?:stats|\d+))?)$/, nav: 'suggestions', need: isManager, render: (el, m, q) => renderSuggestions(el, m[1], q) },
  // end suggestions
  { re: /^\/members$/, nav: 'members', render: renderMembers },
  { re: /^\/members\/new$/, nav: 'members', need: isManager, render: (el, m, q) => renderMemberDetail(el, null, q) },
  { re: /^\/members\/(\d+)$/, nav: 'members', render: (el, m, q) => renderMemberDetail(el, m[1], q) },
  { re: /^\/orgs\/(\d+)$/, nav: 'org', render: (el, m) => renderOrg(el, m[1]) },
  { re: /^\/transfers$/, nav: 'transfers', need: isManager, render: (el, m, q) => renderTransfers(el, q) },
  { re: /^\/transfers\/(\d+)\/print$/, nav: 'transfers', need: isManager, render: (el, m) => renderTransferPrint(el, m[1]) },
  { re: /^\/recruits$/, nav: 'recruits', need: isManager, render: renderRecruitBoard },
  { re: /^\/recruits\/new$/, nav: 'recruits', need: isManager, render: renderRecruitNew },
  { re: /^\/recruits\/reminders$/, nav: 'recruits', need: isManager, render: renderRecruitReminders },
  { re: /^\/recruits\/plans$/, nav: 'recruits', need: isManager, render: (el, m, q) => renderRecruitPlans(el, q) },
  { re: /^\/recruits\/stats$/, nav: 'recruits', need: isManager, render: renderRecruitStats },
  { re: /^\/recruits\/(\d+)$/, nav: 'recruits', need: isManager, render: (el, m) => renderRecruitDetail(el, m[1]) },
  { re: /^\/life$/, nav: 'life', need: isManager, render: (el, m, q) => renderLifeCalendar(el, q) },
  { re: /^\/life\/list$/, nav: 'life', need: isManager, render: (el, m, q) => renderLifeList(el, q) },
  { re: /^\/life\/compliance$/, nav: 'life', need: isManager, render: renderLifeCompliance },
  { re: /^\/life\/hours$/, nav: 'life', need: isManager, render: (el, m, q) => renderLifeHours(el, q) },
  { re: /^\/life\/risk$/, nav: 'life', need: isManager, render: renderLifeRisk },
  { re: /^\/life\/appraisal$/, nav: 'life', need: isManager, render: (el, m, q) => renderLifeAppraisal(el, q) },
  { re: /^\/life\/plans$/, nav: 'life', need: isManager, render: (el, m, q) => renderLifePlans(el, q) },
  { re: /^\/life\/trainings$/, nav: 'life', need: isManager, render: (el, m, q) => renderLifeTrainings(el, q) },
  { re: /^\/life\/new$/, nav: 'life', need: isManager, render: (el, m, q) => renderMeetingForm(el, null, q) },
  { re: /^\/life\/(\d+)$/, nav: 'life', need: isManager, render: (el, m, q) => renderMeetingForm(el, m[1], q) },
  { re: /^\/work((?:\/[a-z]+)?(?:\/[a-z0-9\/]*)?)$/, nav: 'work', need: isManager, render: (el, m, q) => renderWork(el, m[1], q) },
  { re: /^\/dues((?:\/[a-z]+)?(?:\/[a-z0-9\/]*)?)$/, nav: 'dues', need: isManager, render: (el, m, q) => renderDues(el, m[1], q) },
  { re: /^\/stats((?:\/[a-z]+)?)$/, nav: 'stats', need: isManager, render: (el, m, q) => renderStats(el, m[1], q) },
  { re: /^\/notices((?:\/(?:new|\d+))?)$/, nav: 'notices', need: isManager, render: (el, m, q) => renderNotices(el, m[1], q) },
  { re: /^\/reviews$/, nav: 'reviews', need: isAdmin, render: (el, m, q) => renderReviews(el, q) },
  { re: /^\/reviews\/new$/, nav: 'reviews', need: isAdmin, render: renderReviewNew },
  { re: /^\/reviews\/(\d+)$/, nav: 'reviews', need: isAdmin, render: (el, m) => renderReviewDetail(el, m[1]) },
  { re: /^\/points((?:\/[a-z]+(?:\/\d+)?)?)$/, nav: 'points', need: isManager, render: (el, m, q) => renderPoints(el, m[1], q) },
  { re: /^\/import$/, nav: 'import', need: isManager, render: renderImport },
  { re: /^\/users$/, nav: 'users', need: isAdmin, render: renderUsers },
  { re: /^\/audit$/, nav: 'audit', need: isAdmin, render: renderAudit },
];

function home() { return session.user && session.user.role === 'member' ? '#/me' : '#/members'; }

async function route() {
  const { path, query } = currentPath();
  const r = ROUTES.find((x) => x.re.test(path));
  if (!r) { location.replace(session.user ? home() : '#/login'); return; }
  if (!r.public && !r.anon && !session.user) {
    sessionStorage.setItem('dj.after', location.hash);
    location.replace('#/login');
    return;
  }
  if (r.public && session.user) { location.replace(home()); return; }
  if (session.user && session.user.role === 'member' && r.layout !== 'bare') { location.replace('#/me'); return; }

  const view = h('div', { class: 'view' });
  if (r.layout === 'bare') {
    unmountMain();
    replace(document.getElementById('app'), view);
  } else {
    const content = mountMain();
    setActiveNav(r.nav);
    replace(content, view);
    window.scrollTo(0, 0);
  }
  if (r.need && !r.need()) {
    view.append(notice('您的账号没有访问此页面的权限。', 'error', 'forbidden'));
    return;
  }
  try {
    await r.render(view, path.match(r.re), query);
  } catch (e) {
    view.append(notice(e.message || '页面加载失败', 'error', 'page-error'));
  }
}

onUnauthenticated(() => {
  session.user = null;
  if (currentPath().path !== '/login') {
    sessionStorage.setItem('dj.after', location.hash);
    location.hash = '#/login';
  }
});

window.addEventListener('hashchange', route);

async function start() {
  try {
    await loadSession();
  } catch (e) {
    replace(document.getElementById('app'), notice(`无法连接服务器：${e.message}`, 'error', 'boot-error'));
    return;
  }
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    location.replace(session.user ? home() : '#/login');
  }
  route();
}

start();
