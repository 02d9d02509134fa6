-- wrk script of bench/load.sh: a mix of ~90% reads and ~10% writes over the demo database,
-- every request authenticated with a bearer token. Read from the environment:
--   DJ_LOAD_ADMIN    an admin token (lists, details, compliance, writes)
--   DJ_LOAD_MEMBERS  member tokens, comma-separated (GET /api/v1/me)
--   DJ_LOAD_IDS      member ids for the detail pages, comma-separated
--   DJ_LOAD_ORGS     orgs for the list and the compliance report (root and towns)
--   DJ_LOAD_BRANCHES branches the writes go to
--   DJ_LOAD_DAY      the date the writes carry (YYYY-MM-DD, not in the future)
-- Mix (percent): member list page 30, member detail 25, compliance report 15, /me 20,
-- a new meeting (主题党日, the branch's roster present) 4, a new 群众诉求 6. The writes
-- create new records with unique content, so they stay valid however often they repeat.
-- done() prints one line per kind ("load-mix KIND N") and the status codes seen
-- ("load-status CODE N") for bench/load.sh to report.

local threads = {}

function setup(thread)
	thread:set("tid", #threads + 1)
	table.insert(threads, thread)
end

local function split(s)
	local t = {}
	for v in string.gmatch(s or "", "[^,]+") do
		table.insert(t, v)
	end
	return t
end

local function pick(t)
	return t[math.random(#t)]
end

local admin, members, ids, orgs, branches, day
local seq = 0
local ah, jh -- header tables

counts = { list = 0, detail = 0, compliance = 0, me = 0, meeting = 0, request = 0 }
statuses = {}

function init(args)
	admin = os.getenv("DJ_LOAD_ADMIN")
	members = split(os.getenv("DJ_LOAD_MEMBERS"))
	ids = split(os.getenv("DJ_LOAD_IDS"))
	orgs = split(os.getenv("DJ_LOAD_ORGS"))
	branches = split(os.getenv("DJ_LOAD_BRANCHES"))
	day = os.getenv("DJ_LOAD_DAY")
	math.randomseed(os.time() * 100 + tid)
	ah = { ["Authorization"] = "Bearer " .. admin }
	jh = { ["Authorization"] = "Bearer " .. admin, ["Content-Type"] = "application/json" }
end

function request()
	local r = math.random(100)
	if r <= 30 then
		counts.list = counts.list + 1
		return wrk.format("GET", "/api/v1/members?org=" .. pick(orgs) .. "&per_page=50&page=" .. math.random(5), ah)
	elseif r <= 55 then
		counts.detail = counts.detail + 1
		return wrk.format("GET", "/api/v1/members/" .. pick(ids), ah)
	elseif r <= 70 then
		counts.compliance = counts.compliance + 1
		return wrk.format("GET", "/api/v1/compliance?org=" .. pick(orgs), ah)
	elseif r <= 90 then
		counts.me = counts.me + 1
		return wrk.format("GET", "/api/v1/me", { ["Authorization"] = "Bearer " .. pick(members) })
	end
	seq = seq + 1
	local tag = string.format("压测 t%d-%d", tid, seq)
	if r <= 94 then
		counts.meeting = counts.meeting + 1
		return wrk.format("POST", "/api/v1/meetings", jh, string.format(
			'{"org_id":%s,"kind":"theme_day","held_on":"%s","start_time":"09:00","end_time":"10:00",' ..
			'"place":"党员活动室","host":"书记","topic":"%s","hours":1}', pick(branches), day, tag))
	end
	counts.request = counts.request + 1
	return wrk.format("POST", "/api/v1/requests", jh, string.format(
		'{"org_id":%s,"channel":"visit","received_on":"%s","requester":"群众%d","address":"村部",' ..
		'"content":"%s：道路照明","category":"infrastructure"}', pick(branches), day, seq, tag))
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	local mix, codes = {}, {}
	for _, t in ipairs(threads) do
		local c = t:get("counts")
		for k, v in pairs(c) do
			mix[k] = (mix[k] or 0) + v
		end
		local s = t:get("statuses")
		for k, v in pairs(s) do
			codes[k] = (codes[k] or 0) + v
		end
	end
	for _, k in ipairs({ "list", "detail", "compliance", "me", "meeting", "request" }) do
		io.write(string.format("load-mix %s %d\n", k, mix[k] or 0))
	end
	for k, v in pairs(codes) do
		io.write(string.format("load-status %d %d\n", k, v))
	end
	io.write(string.format("load-latency p50 %.3f p90 %.3f p99 %.3f max %.3f\n", latency:percentile(50) / 1000,
		latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
	io.write(string.format("load-errors connect %d read %d write %d timeout %d status %d\n", summary.errors.connect,
		summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
