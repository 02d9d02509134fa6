# The org tables' part of 036 (imported by tools/gen_stats_kept.py): per ancestor counts of orgs by kind,
# branches by size band and problem, and orgs by term end (term_expired applied at read time).
KINDS = ['dept', 'committee', 'general_branch', 'branch', 'joint_branch', 'group']
OCOLS = ['k_' + k for k in KINDS] + ['s%d' % i for i in range(5)] + ['p%d' % i for i in range(4)]

def contrib(O, D, F):
    """(col, condition) for org row O with direct D and full F"""
    B = "%s.kind IN ('branch', 'joint_branch')" % O
    c = [('k_' + k, "%s.kind = '%s'" % (O, k)) for k in KINDS]
    bands = ["%s < 3" % D, "%s >= 3 AND %s < 7" % (D, D), "%s >= 7 AND %s < 50" % (D, D),
             "%s >= 50 AND %s < 100" % (D, D), "%s >= 100" % D]
    c += [('s%d' % i, "%s AND %s" % (B, b)) for i, b in enumerate(bands)]
    c += [('p0', "%s AND %s < 3" % (B, F)), ('p1', "%s AND %s >= 7 AND %s.committee_size = 0" % (B, F, O)),
          ('p2', "%s AND %s >= 50" % (B, D)), ('p3', "%s AND COALESCE(%s.secretary_member_id, 0) = 0" % (B, O))]
    return c

def delta_cols(O, D0, F0, D1, F1, s):
    """sign s times (contribution with D1/F1 minus that with D0/F0); D0 None: just contribution(D1)"""
    out = []
    new = dict(contrib(O, D1, F1))
    old = dict(contrib(O, D0, F0)) if D0 else None
    for n in OCOLS:
        e = "CASE WHEN %s THEN %s ELSE 0 END" % (new[n], s)
        if old:
            e += " - CASE WHEN %s THEN %s ELSE 0 END" % (old[n], s)
        out.append(e)
    return out

TERM = "%s.kind <> 'group' AND %s.term_end IS NOT NULL AND %s.term_end <> ''"

def anc(pg, X):
    # org_create inserts with a placeholder path and sets the real one next: no ancestors for it
    if pg:
        return ("CROSS JOIN LATERAL unnest(string_to_array(CASE WHEN substr(%s.path, 1, 1) = '/' THEN "
                "trim(both '/' from %s.path) END, '/')) AS a(v)" % (X, X), "CAST(a.v AS BIGINT)")
    return (", json_each(CASE WHEN substr(%s.path, 1, 1) = '/' THEN '[' || replace(trim(%s.path, '/'), '/', ',') || ']' "
            "ELSE '[]' END) a" % (X, X), "CAST(a.value AS INTEGER)")

def upsert_sql(pg, src, X, cols, where, agg):
    """INSERT INTO stats_org_kept: src is FROM list starting with X"""
    j, av = anc(pg, X)
    sel = [av] + (['sum(%s)' % c for c in cols] if agg else cols)
    ex = 'EXCLUDED' if pg else 'excluded'
    pre = 'k.' if pg else ''
    s = "INSERT INTO stats_org_kept %s(org_id, %s)\n  SELECT %s\n  FROM %s %s\n  WHERE %s\n" % (
        'AS k ' if pg else '', ', '.join(OCOLS), ',\n    '.join(sel), src, j, where)
    if agg:
        s += "  GROUP BY %s\n" % av
    s += "  ON CONFLICT (org_id) DO UPDATE SET\n    %s" % ',\n    '.join('%s = %s%s + %s.%s' % (n, pre, n, ex, n) for n in OCOLS)
    return s

def terms_sql(pg, src, X, s, where, agg):
    j, av = anc(pg, X)
    n = 'sum(%s)' % s if agg else s
    t = "INSERT INTO stats_org_terms %s(org_id, term_end, n)\n  SELECT %s, substr(%s.term_end, 1, 10), %s\n  FROM %s %s\n  WHERE %s AND %s\n" % (
        'AS t ' if pg else '', av, X, n, src, j, where, TERM % (X, X, X))
    if agg:
        t += "  GROUP BY %s, substr(%s.term_end, 1, 10)\n" % (av, X)
    t += "  ON CONFLICT (org_id, term_end) DO UPDATE SET n = %sn + %s.n" % ('t.' if pg else '', 'EXCLUDED' if pg else 'excluded')
    return t

def ddl(pg):
    wr = '' if pg else ' WITHOUT ROWID'
    t = "\n-- the org tables: per ancestor (the org itself included), the orgs not dissolved by kind, the\n"
    t += "-- branches by size band and problem (from stats_kept's direct counts), and the orgs but 党小组 by\n"
    t += "-- term end (term_expired: before today, applied at read time). Kept by triggers on orgs (insert,\n"
    t += "-- delete, kind/path/dissolution/committee/secretary/term changes: an org move moves each org's\n"
    t += "-- figures) and on stats_kept (a branch's direct counts crossing a band or problem threshold).\n"
    t += "CREATE TABLE stats_org_kept (\n  org_id BIGINT PRIMARY KEY,\n"
    t += ',\n'.join('  %s BIGINT NOT NULL DEFAULT 0' % n for n in OCOLS) + "\n)%s;\n" % wr
    t += ("CREATE TABLE stats_org_terms (\n  org_id BIGINT NOT NULL,\n  term_end TEXT NOT NULL,\n"
          "  n BIGINT NOT NULL DEFAULT 0,\n  PRIMARY KEY (org_id, term_end)\n)%s;\n" % wr)
    return t

def rebuild(pg):
    cols = delta_cols('o', None, None, 'COALESCE(k.direct, 0)', 'COALESCE(k.direct_full, 0)', '1')
    src = "orgs o LEFT JOIN stats_kept k ON k.org_id = o.id"
    r = "DELETE FROM stats_org_kept;\n" + upsert_sql(pg, src, 'o', cols, 'o.dissolved_on IS NULL', True) + ";\n"
    r += "DELETE FROM stats_org_terms;\n" + terms_sql(pg, 'orgs o', 'o', '1', 'o.dissolved_on IS NULL', True) + ";\n"
    return r

# the flags a change of direct counts can move: the band and the problem thresholds
def flags(D, F):
    return ("(CASE WHEN {D} < 3 THEN 0 WHEN {D} < 7 THEN 1 WHEN {D} < 50 THEN 2 WHEN {D} < 100 THEN 3 ELSE 4 END) * 4"
            " + (CASE WHEN {F} < 3 THEN 1 ELSE 0 END) + (CASE WHEN {F} >= 7 THEN 2 ELSE 0 END)").format(D=D, F=F)

def org_direct(pg, X):
    return "COALESCE((SELECT k.direct FROM stats_kept k WHERE k.org_id = %s.id), 0)" % X, \
           "COALESCE((SELECT k.direct_full FROM stats_kept k WHERE k.org_id = %s.id), 0)" % X

ORG_COLS = ['kind', 'path', 'dissolved_on', 'committee_size', 'secretary_member_id', 'term_end']

def sqlite_update_trigger(extra):
    ch = ' OR '.join('OLD.%s IS NOT NEW.%s' % (c, c) for c in ORG_COLS)
    o = "CREATE TRIGGER stats_org_kept_update AFTER UPDATE OF %s ON orgs WHEN %s\nBEGIN\n" % (
        ', '.join(ORG_COLS), ch if not extra else '(%s)%s' % (ch, extra))
    for X, s in (('OLD', '-1'), ('NEW', '1')):
        D, F = org_direct(False, X)
        o += "  " + upsert_sql(False, "(SELECT 1)", X, delta_cols(X, None, None, D, F, s), '%s.dissolved_on IS NULL' % X, False) + ";\n"
        o += "  " + terms_sql(False, "(SELECT 1)", X, s, '%s.dissolved_on IS NULL' % X, False) + ";\n"
    return o + "END;\n"

def pg_update_trigger(extra):
    ch = ' OR '.join('OLD.%s IS DISTINCT FROM NEW.%s' % (c, c) for c in ORG_COLS)
    return ("CREATE TRIGGER stats_org_kept_update AFTER UPDATE ON orgs FOR EACH ROW WHEN (%s)\n"
            "  EXECUTE FUNCTION stats_org_kept_apply();\n" % (ch if not extra else '(%s)%s' % (ch, extra)))

def sqlite_sql():
    o = ddl(False) + rebuild(False)
    for op, X, s in (('insert', 'NEW', '1'), ('delete', 'OLD', '-1')):
        D, F = org_direct(False, X)
        o += "\nCREATE TRIGGER stats_org_kept_%s AFTER %s ON orgs WHEN %s.dissolved_on IS NULL\nBEGIN\n" % (op, op.upper(), X)
        o += "  " + upsert_sql(False, "(SELECT 1)", X, delta_cols(X, None, None, D, F, s), 'true', False) + ";\n"
        o += "  " + terms_sql(False, "(SELECT 1)", X, s, 'true', False) + ";\nEND;\n"
    o += "\n" + sqlite_update_trigger('')
    # a branch's direct counts
    for op, D0, F0, when in (('insert', '0', '0', "(%s) <> (%s)" % (flags('NEW.direct', 'NEW.direct_full'), flags('0', '0'))),
                             ('update', 'OLD.direct', 'OLD.direct_full',
                              "(%s) <> (%s)" % (flags('NEW.direct', 'NEW.direct_full'), flags('OLD.direct', 'OLD.direct_full')))):
        o += "\nCREATE TRIGGER stats_org_kept_direct_%s AFTER %s%s ON stats_kept\nWHEN %s\nBEGIN\n" % (
            op, op.upper(), ' OF direct, direct_full' if op == 'update' else '', when)
        o += "  " + upsert_sql(False, "orgs o", 'o', delta_cols('o', D0, F0, 'NEW.direct', 'NEW.direct_full', '1'),
                               'o.id = NEW.org_id AND o.dissolved_on IS NULL', False) + ";\nEND;\n"
    return o

def pg_sql():
    o = ddl(True) + rebuild(True)
    # orgs: one row function for insert, delete and update
    body = ""
    for X, s, ops in (('OLD', '-1', "('DELETE', 'UPDATE')"), ('NEW', '1', "('INSERT', 'UPDATE')")):
        D, F = org_direct(True, X)
        body += "  IF TG_OP IN %s AND %s.dissolved_on IS NULL THEN\n" % (ops, X)
        body += "    " + upsert_sql(True, "(SELECT 1) one", X, delta_cols(X, None, None, D, F, s), 'true', False) + ";\n"
        body += "    " + terms_sql(True, "(SELECT 1) one", X, s, 'true', False) + ";\n  END IF;\n"
    o += "\nCREATE FUNCTION stats_org_kept_apply() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n%s  RETURN NULL;\nEND $$;\n" % body
    o += "CREATE TRIGGER stats_org_kept_insert AFTER INSERT ON orgs FOR EACH ROW EXECUTE FUNCTION stats_org_kept_apply();\n"
    o += "CREATE TRIGGER stats_org_kept_delete AFTER DELETE ON orgs FOR EACH ROW EXECUTE FUNCTION stats_org_kept_apply();\n"
    o += pg_update_trigger('')
    body = ("  IF TG_OP = 'INSERT' THEN\n    d0 := 0; f0 := 0;\n  ELSE\n    d0 := OLD.direct; f0 := OLD.direct_full;\n  END IF;\n")
    body += "  " + upsert_sql(True, "orgs o", 'o', delta_cols('o', 'd0', 'f0', 'NEW.direct', 'NEW.direct_full', '1'),
                              'o.id = NEW.org_id AND o.dissolved_on IS NULL', False) + ";\n"
    o += ("\nCREATE FUNCTION stats_org_kept_direct() RETURNS trigger LANGUAGE plpgsql AS $$\nDECLARE\n  d0 BIGINT;\n  f0 BIGINT;\n"
          "BEGIN\n%s  RETURN NULL;\nEND $$;\n" % body)
    o += ("CREATE TRIGGER stats_org_kept_direct_insert AFTER INSERT ON stats_kept FOR EACH ROW\n  WHEN ((%s) <> (%s))\n"
          "  EXECUTE FUNCTION stats_org_kept_direct();\n" % (flags('NEW.direct', 'NEW.direct_full'), flags('0', '0')))
    o += ("CREATE TRIGGER stats_org_kept_direct_update AFTER UPDATE ON stats_kept FOR EACH ROW\n  WHEN ((%s) <> (%s))\n"
          "  EXECUTE FUNCTION stats_org_kept_direct();\n" % (flags('NEW.direct', 'NEW.direct_full'), flags('OLD.direct', 'OLD.direct_full')))
    return o
