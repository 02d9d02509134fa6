#!/usr/bin/env bash
# 党务公开栏: the PDF of a 50-member branch through HTTP. A database made by `dangjian init`,
# filled through the API (a county → town → branch, 50 members with valid ID numbers and
# phones, 20 of them with a photo — half PNG, half JPEG — the year's dues paid up to last
# month for most of them, the year's 主题党日 plan, the board enabled), then, after one
# warm-up request (fontconfig loads its fonts once per process), N requests of
#   GET /api/v1/public/board/pdf?key=K   (A3, photos, QR code)   target: median <= 500 ms
#   GET /api/v1/public/board?key=K       (the same board as JSON; information)
# timed with curl; median and max printed.
#   bash bench/board.sh BUILD_DIR
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init board "${1:-build}"
N=${DJ_BENCH_N:-15}

bench_init_db "$TMP/dj.db" "$TMP/dj.key"
bench_serve "$TMP/dj.db" "$TMP/dj.key" 300 --set auth.pwhash=min --set attach.dir="$TMP/att"

KEY=$(python3 - "http://127.0.0.1:$PORT" "$TMP/dj.db" <<'EOF'
import json, sqlite3, struct, sys, urllib.request, zlib, datetime

base, dbpath = sys.argv[1], sys.argv[2]

def call(method, path, body=None, token=None, raw=None, ctype='application/json'):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header('Content-Type', ctype)
    if token:
        req.add_header('Authorization', 'Bearer ' + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b'null')

token = call('POST', '/api/v1/session', {'username': 'admin', 'password': 'Admin#2026', 'bearer': True})['token']
dept = call('POST', '/api/v1/orgs', {'kind': 'dept', 'name': '基准县委组织部', 'code': 'BB'}, token)
town = call('POST', '/api/v1/orgs', {'kind': 'committee', 'name': '基准镇党委', 'code': 'BBZ', 'parent_id': dept['id'],
                                     'can_approve': True, 'unit_kind': 'government'}, token)
branch = call('POST', '/api/v1/orgs', {'kind': 'branch', 'name': '基准村党支部', 'code': 'BBZ01', 'parent_id': town['id'],
                                       'unit_kind': 'village'}, token)
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
surnames = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
given = ['建国', '秀英', '志强', '桂兰', '海燕', '国庆', '玉梅', '德明', '春花', '卫东']

def idnum(i):
    body = '130523%04d%02d%02d%03d' % (1950 + i % 30, 1 + i % 12, 1 + i % 28, 100 + i)
    return body + '10X98765432'[sum(int(c) * w for c, w in zip(body, W)) % 11]

def png(seed):
    w, h = 96, 128
    raw = b''.join(b'\x00' + bytes([(seed * 40) % 256, (y * 2) % 256, 120] * w) for y in range(h))
    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))

# a small JPEG (1x1, as written by common encoders): embedded into the PDF as it is
JPEG = __import__('base64').b64decode(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////'
    '////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=')
ids = []
for i in range(50):
    m = call('POST', '/api/v1/members', {
        'org_id': branch['id'], 'name': surnames[i % len(surnames)] + given[i % len(given)], 'id_number': idnum(i),
        'ethnicity': '01', 'education': '21', 'category': 'full', 'join_date': '%d-07-01' % (1985 + i % 30),
        'full_date': '%d-07-01' % (1986 + i % 30), 'person_type': 'farmer', 'phone': '139%08d' % (10000000 + i),
        'address': '基准村%d组' % (i % 8 + 1)}, token)
    ids.append(m['id'])
for k, mid in enumerate(ids[:20]):
    call('PUT', '/api/v1/members/%d/photo' % mid, raw=png(k) if k % 2 == 0 else JPEG, token=token,
         ctype='application/octet-stream')
today = datetime.datetime.utcnow() + datetime.timedelta(hours=8)
db = sqlite3.connect(dbpath, timeout=30)
path = db.execute('SELECT path FROM orgs WHERE id = ?', (branch['id'],)).fetchone()[0]
rows = []
for k, mid in enumerate(ids):
    upto = today.month - 1 - (k % 5 == 0) * 3
    rows += [(mid, '%d-%02d' % (today.year, mo), path, 100, 100) for mo in range(1, max(upto, 0) + 1)]
db.executemany('INSERT INTO dues_months (member_id, month, org_path, due_fen, paid_fen) VALUES (?, ?, ?, ?, ?)', rows)
now = today.strftime('%Y-%m-%dT%H:%M:%SZ')
plan = db.execute('INSERT INTO meeting_plans (org_id, year, created_at, updated_at) VALUES (?, ?, ?, ?)',
                  (branch['id'], today.year, now, now)).lastrowid
db.executemany('INSERT INTO meeting_plan_items (plan_id, month, topic) VALUES (?, ?, ?)',
               [(plan, mo, '第%d月主题党日：学习党章党规，为群众办实事' % mo) for mo in range(1, 13)])
db.commit()
db.close()
s = call('PUT', '/api/v1/orgs/%d/board' % branch['id'],
         {'version': 0, 'enabled': True, 'notice': '本栏目公开支部党务，欢迎党员群众监督。'}, token)
print(s['key'])
EOF
)

time_it() { # time_it URL → N timings in ms, one a line
	local i
	for ((i = 0; i < N; i++)); do
		curl -fsS -o /dev/null -w '%{time_total}\n' "$1"
	done | awk '{ printf "%.1f\n", $1 * 1000 }' | sort -n
}
stats() { # median and max of the timings on stdin
	awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median %.1f ms, max %.1f ms (n=%d)", m, a[NR], NR }'
}

URL=$API/public/board
SIZE=$(curl -fsS -o "$TMP/board.pdf" -w '%{size_download}' "$URL/pdf?key=$KEY") # warm-up
PDF=$(time_it "$URL/pdf?key=$KEY" | stats)
JSON=$(time_it "$URL?key=$KEY" | stats)
MED=$(echo "$PDF" | awk '{ print $2 }')
echo "board: PDF of a 50-member branch (A3, 20 photos, QR), $SIZE bytes: $PDF — target <= 500 ms: $(awk -v m="$MED" 'BEGIN { print (m <= 500) ? "met" : "MISSED" }')"
echo "board: the same board as JSON: $JSON"
