// 积分考评 (#/points…): one entry for the router; each tab lives in its own module.
//   #/points                 排名 (rankings, publish, 重新计算)
//   #/points/ledger          积分明细 and 录入
//   #/points/indicators      指标 (versions, editor)
//   #/points/claims          申报审核
//   #/points/settings        设置 (org admins)
//   #/points/members/{id}    why a member's score is what it is
//   #/points/branches/{id}   a branch's scorecard
import { isAdmin } from './session.js';
import { notice } from './dom.js';
import { pointsOn, pointsHead, disabledNotice } from './points_common.js';
import { renderPointsRankings } from './points_rankings.js';
import { renderPointsLedger } from './points_ledger.js';
import { renderPointsIndicators } from './points_indicators.js';
import { renderPointsClaims } from './points_claims.js';
import { renderPointsSettings } from './points_settings.js';
import { renderPointsSubject } from './points_subject.js';

export { renderMyPoints, myPointsCard } from './points_me.js';
export { pointsOn } from './points_common.js';

// sub: the path after /points ('' | '/ledger' | '/members/12' …)
export async function renderPoints(view, sub, query) {
  if (!pointsOn()) {
    view.append(pointsHead('积分考评'), disabledNotice());
    return;
  }
  const m = /^\/(members|branches)\/(\d+)$/.exec(sub || '');
  if (m) return renderPointsSubject(view, m[1] === 'members' ? 'member' : 'branch', m[2], query);
  switch (sub || '') {
    case '': return renderPointsRankings(view, query);
    case '/ledger': return renderPointsLedger(view, query);
    case '/indicators': return renderPointsIndicators(view, query);
    case '/claims': return renderPointsClaims(view, query);
    case '/settings':
      if (!isAdmin()) { view.append(notice('您的账号没有访问此页面的权限。', 'error', 'forbidden')); return undefined; }
      return renderPointsSettings(view, query);
    default:
      view.append(notice('未找到该页面', 'error', 'page-error'));
      return undefined;
  }
}
