// `dangjian upgrade` on the phase's backend: a demo county put back into the state a large database is left
// in by migrations 037 and 039 (no arrears figures, every member with a dues base queued; no points standings,
// not ready) is brought by the command to the very rows the triggers had kept — the arrears figures and their
// per-organization sums, the period scores and the score histograms — with the queue empty and the standings
// ready; run again it changes nothing (the demo's own queue is worked out by a first run); bad usage exits 2, a missing key file 3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, dj, newDatabase, sql, tmp } from './dbtools.mjs';

const dir = tmp('djupgrade-');
const key = join(dir, 'demo.key');
test.after(() => rmSync(dir, { recursive: true, force: true }));

const KEPT = {
  dues_owed: 'SELECT member_id, org_id, org_path, ok, k, a, b, v FROM dues_owed ORDER BY member_id',
  dues_owed_sums: 'SELECT org_id, k, members, a, b FROM dues_owed_sums WHERE members <> 0 ORDER BY org_id, k',
  point_period_scores: 'SELECT target, subject_id, year, pcode, award_x10, deduct_x10, entries FROM point_period_scores ' +
    'ORDER BY target, subject_id, year, pcode',
  point_score_hist: 'SELECT org_id, target, year, pcode, award_x10, deduct_x10, n, entries FROM point_score_hist ' +
    'WHERE n <> 0 ORDER BY org_id, target, year, pcode, award_x10, deduct_x10',
};
const kept = (url) => Object.fromEntries(Object.entries(KEPT).map(([t, q]) => [t, sql(url, q)]));
const one = (url, q) => sql(url, q).trim();

test(`upgrade fills the kept figures a migration left, and again does nothing (${BACKEND})`, () => {
  const a = newDatabase(dir, 'up');
  let r = dj('demo', '--db', a.url, '--key', key, '--members', '300', '--set', 'auth.pwhash=min');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  // the demo leaves its members' arrears queued (worked out at the first read): the first run works them out
  assert.notEqual(one(a.url, 'SELECT count(*) FROM dues_owed_stale'), '0');
  r = dj('upgrade', '--db', a.url, '--key', key);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(one(a.url, 'SELECT count(*) FROM dues_owed_stale'), '0');
  const before = kept(a.url);
  assert.ok(before.dues_owed.split('\n').length > 100, 'the demo has members with dues bases');
  assert.ok(before.point_period_scores.split('\n').length > 10, 'and points');

  // what 037 and 039 leave on a database that had data before them
  sql(a.url, 'INSERT INTO dues_owed_bulk (on_) VALUES (1)');
  sql(a.url, 'DELETE FROM dues_owed');
  sql(a.url, 'DELETE FROM dues_owed_sums');
  sql(a.url, 'DELETE FROM dues_owed_bulk');
  sql(a.url, 'INSERT INTO dues_owed_stale (member_id) SELECT DISTINCT member_id FROM dues_bases');
  sql(a.url, 'DELETE FROM point_period_scores');
  sql(a.url, 'DELETE FROM point_score_hist');
  sql(a.url, 'UPDATE point_standings_state SET ready = 0');
  assert.notEqual(one(a.url, 'SELECT count(*) FROM dues_owed_stale'), '0');

  r = dj('upgrade', '--db', a.url, '--key', key);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /dangjian upgrade: schema \d+ → \d+/);
  assert.match(r.stderr, /points: standings ready/);
  assert.match(r.stdout, /database ready: .*kept figures up to date/);
  assert.equal(one(a.url, 'SELECT count(*) FROM dues_owed_stale'), '0');
  assert.equal(one(a.url, 'SELECT count(*) FROM dues_owed_bulk'), '0');
  assert.equal(one(a.url, 'SELECT ready FROM point_standings_state'), '1');
  const after = kept(a.url);
  for (const t of Object.keys(KEPT)) assert.equal(after[t], before[t], `${t}: as the triggers kept it`);

  // again: nothing to do, nothing changes
  r = dj('upgrade', '--db', a.url, '--key', key);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, /worked out|rollups scored/);
  const again = kept(a.url);
  for (const t of Object.keys(KEPT)) assert.equal(again[t], before[t], `${t}: unchanged by a second run`);

  // usage and environment
  r = dj('upgrade', '--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: dangjian upgrade/);
  r = dj('upgrade', 'now', '--db', a.url, '--key', key);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /usage: dangjian upgrade/);
  r = dj('upgrade', '--db', a.url, '--key', join(dir, 'missing.key'));
  assert.equal(r.status, 3, r.stdout + r.stderr);
});
