#!/usr/bin/env python3
"""Webhook benchmarks of hitlai (SPEC W1, W8; bench/README.md). Run through
bench/webhooks.sh, which builds, starts the clusters and nginx, and passes their sockets,
port and log paths here. Python standard library, psql and pgbench only.

Parts:
  outbox    pgbench insert scenario: hitlai (built here) vs hitlai before the webhooks
            (companies without webhooks), and hitlai vs bare with one active webhook
            per company; interleaved rounds, ratio per round, median (min..max).
  delivery  N deliveries committed in one transaction, sent by hitlai's worker, vs N
            net.http_post() calls committed in one transaction, sent by pg_net at
            batch_size 200 and 5000, all to the same nginx; then K one-delivery
            transactions at 20/s per side (paced). Receipt times are nginx's $msec;
            the commit time is clock_timestamp() read right after COMMIT.
  memory    the hitlai worker's memory (pg_log_backend_memory_contexts grand total,
            RssAnon, private pages) after a warm-up, after MEM1 and after MEM2
            deliveries in all.
"""
import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
COMPANY = "00000000-0000-0000-0000-0000000000a1"
PACED_RATE = 20.0  # transactions a second in the paced latency phase


def log(msg):
    print("==> " + msg, file=sys.stderr, flush=True)


class Cluster:
    def __init__(self, bindir, host):
        self.bindir, self.host = bindir, host

    def psql(self, db, sql=None, file=None, variables=None, stdin=None):
        cmd = [os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-h", self.host, "-p", "5432", "-U", "postgres", "-d", db]
        for k, v in (variables or {}).items():
            cmd += ["-v", "%s=%s" % (k, v)]
        if file:
            cmd += ["-f", file]
        elif sql is not None:
            cmd += ["-c", sql]
        p = subprocess.run(cmd, capture_output=True, text=True, input=stdin)
        if p.returncode != 0:
            raise RuntimeError("psql %s failed: %s\n%s" % (db, (sql or file or "stdin")[:300], p.stderr.strip()))
        return p.stdout.strip()

    def scalar(self, db, sql):
        return self.psql(db, sql).split("\n")[0]


def pct(xs, q):
    """Nearest-rank percentile q (0..100) of xs."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(q / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def fmt(x):
    if x != x:
        return "n/a"
    if abs(x) >= 100:
        return "{:,.0f}".format(x)
    if abs(x) >= 10:
        return "%.1f" % x
    if abs(x) >= 0.1:
        return "%.2f" % x
    return "%.2g" % x


class Bench:
    def __init__(self, a):
        self.a = a
        self.results = []   # dicts: part, label, goal, value(s), verdict
        self.rows = []      # raw measurements for the CSV
        self.notes = []
        os.makedirs(os.path.join(a.work, "results"), exist_ok=True)

    def add(self, part, label, values, goal=None, op=None, unit="", detail=""):
        values = [v for v in values if v == v]
        if not values:
            self.results.append({"part": part, "label": label, "median": float("nan"), "min": float("nan"),
                                 "max": float("nan"), "n": 0, "goal": goal, "op": op, "unit": unit,
                                 "verdict": "no value", "detail": detail})
            return
        med = statistics.median(values)
        verdict = ""
        if op == ">=":
            verdict = "met" if med >= goal else "MISSED"
        elif op == "<=":
            verdict = "met" if med <= goal else "MISSED"
        self.results.append({"part": part, "label": label, "median": med, "min": min(values),
                             "max": max(values), "n": len(values), "goal": goal, "op": op,
                             "unit": unit, "verdict": verdict, "detail": detail})

    # ================================================================ outbox
    def pgbench(self, cluster, db, script, clients):
        cmd = [os.path.join(cluster.bindir, "pgbench"), "-n", "-M", "prepared", "-h", cluster.host,
               "-p", "5432", "-U", "postgres", "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)),
               "-T", str(self.a.duration), "-f", script, "-D", "companies=%d" % self.a.companies, db]
        p = subprocess.run(cmd, capture_output=True, text=True)
        out = p.stdout + p.stderr
        tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
        failed = re.search(r"number of failed transactions: (\d+)", out)
        if p.returncode != 0 or not tps or (failed and int(failed.group(1)) > 0):
            raise RuntimeError("pgbench %s failed:\n%s" % (db, out[-1500:]))
        return float(tps.group(1))

    def setup_outbox_db(self, cluster, db, hooks=False, bare=False):
        cluster.psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
        cluster.psql("postgres", "CREATE DATABASE %s" % db)
        for r in ("anon", "authenticated", "service_role"):
            cluster.psql("postgres", "DO $$BEGIN CREATE ROLE %s NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$" % r)
        cluster.psql(db, "CREATE EXTENSION hitlai")
        cluster.psql(db, file=os.path.join(BENCH, "sql", "setup_write.sql"),
                     variables={"companies": self.a.companies, "testers": 2000, "docs": 10})
        if hooks:
            # One active webhook per company for test_run.created. The URL is never
            # called: this cluster runs no delivery worker.
            cluster.psql(db, "INSERT INTO hitlai.webhooks (company_id, url, events) "
                             "SELECT md5('company' || n)::uuid, 'http://127.0.0.1:9/never', '{test_run.created}' "
                             "FROM generate_series(1, %d) n" % self.a.companies)
        if bare:
            cluster.psql(db, stdin="SELECT format('ALTER TABLE %s DISABLE TRIGGER USER', c.oid::regclass) "
                                   "FROM pg_class c WHERE c.relnamespace = 'hitlai'::regnamespace "
                                   "AND c.relkind = 'r' \\gexec\n")
        cluster.psql(db, "VACUUM ANALYZE")

    def part_outbox(self):
        after = Cluster(self.a.bin, self.a.after_host)
        before = Cluster(self.a.before_bin, self.a.before_host)
        log("outbox: loading databases (%d companies each)" % self.a.companies)
        self.setup_outbox_db(before, "hlw_nohooks")
        self.setup_outbox_db(after, "hlw_nohooks")
        self.setup_outbox_db(after, "hlw_hooks", hooks=True)
        self.setup_outbox_db(after, "hlw_bare", hooks=True, bare=True)
        sides = [("before", before, "hlw_nohooks"), ("hitlai", after, "hlw_nohooks"),
                 ("hooks", after, "hlw_hooks"), ("bare", after, "hlw_bare")]
        script = os.path.join(BENCH, "scenarios", "insert.sql")
        tps = {}
        for c in self.a.clients:
            for r in range(self.a.rounds):
                k = r % len(sides)
                for name, cl, db in sides[k:] + sides[:k]:
                    t = self.pgbench(cl, db, script, c)
                    tps[(c, r, name)] = t
                    self.rows.append({"part": "outbox", "case": "insert c=%d" % c, "round": r + 1,
                                      "side": name, "value": t, "unit": "tps"})
                    log("outbox insert c=%d round %d %-7s %9.1f tps" % (c, r + 1, name, t))
        for c in self.a.clients:
            ratio = lambda n, d: [tps[(c, r, n)] / tps[(c, r, d)] for r in range(self.a.rounds)]
            cl = "%d client%s" % (c, "" if c == 1 else "s")
            self.add("outbox", "insert, %s, companies without webhooks: hitlai / hitlai before the webhooks (TPS)" % cl,
                     ratio("hitlai", "before"), 0.97, ">=")
            self.add("outbox", "insert, %s, every company with one active webhook: hitlai / bare (TPS)" % cl,
                     ratio("hooks", "bare"))
            self.add("outbox", "insert, %s, companies without webhooks: hitlai / bare (TPS, reference)" % cl,
                     ratio("hitlai", "bare"))
            self.add("outbox", "insert, %s: one active webhook per company / none (TPS, the outbox write's cost)" % cl,
                     ratio("hooks", "hitlai"))
            for side in ("before", "hitlai", "hooks", "bare"):
                self.notes.append("outbox c=%d %s: median %.0f TPS" % (
                    c, side, statistics.median(tps[(c, r, side)] for r in range(self.a.rounds))))
        n = after.scalar("hlw_hooks", "SELECT count(*) FROM hitlai.webhook_deliveries")
        runs = after.scalar("hlw_hooks", "SELECT count(*) FROM hitlai.test_runs")
        self.notes.append("outbox: the webhook database recorded %s deliveries for %s runs inserted" % (n, runs))

    # ================================================================ nginx log
    def log_lines(self):
        """Every (msec, uri, webhook_id, status, request_length) nginx logged so far."""
        out = []
        try:
            with open(self.a.nginx_log) as f:
                for line in f:
                    p = line.split()
                    if len(p) >= 6:
                        out.append((float(p[0]), p[1], p[2], p[3], int(p[5]) if p[5].isdigit() else 0))
        except FileNotFoundError:
            pass
        return out

    def wait_receipts(self, uri, n, timeout):
        """Waits until nginx logged n distinct webhook-ids for uri (its log is flushed
        every second), timeout seconds passed, or nothing new arrived for 30 s. Returns
        {id: first receipt time}, the number of requests, and their mean body length."""
        deadline = time.time() + timeout
        last_count, last_change = -1, time.time()
        while True:
            got, reqs, length = {}, 0, 0
            for ms, u, wid, st, ln in self.log_lines():
                if u == uri:
                    reqs += 1
                    length += ln
                    if wid not in got or ms < got[wid]:
                        got[wid] = ms
            if reqs != last_count:
                last_count, last_change = reqs, time.time()
            if len(got) >= n or time.time() > deadline or time.time() - last_change > 30:
                return got, reqs, (length / reqs if reqs else 0)
            time.sleep(0.5)

    # ================================================================ hitlai side
    def hitlai_setup(self):
        d = self.deliver
        d.psql("postgres", "DROP DATABASE IF EXISTS wb WITH (FORCE)")
        d.psql("postgres", "CREATE DATABASE wb")
        d.psql("wb", "CREATE EXTENSION hitlai")
        d.psql("wb", "INSERT INTO hitlai.companies (id, name, email, monthly_test_quota, plan_type) "
                     "VALUES ('%s', 'Bench', 'bench@example.com', NULL, 'enterprise')" % COMPANY)
        for _ in range(100):
            if self.worker_pid():
                return
            time.sleep(0.2)
        raise RuntimeError("the hitlai webhook worker did not start (see the deliver cluster's server.log)")

    def worker_pid(self):
        p = self.deliver.scalar("postgres", "SELECT pid FROM pg_stat_activity "
                                            "WHERE backend_type = 'hitlai webhook worker'")
        return int(p) if p else None

    def hitlai_point(self, phase):
        """Points the company's one active webhook at /h/<phase> (the previous one is
        deactivated: everything it had was delivered)."""
        self.deliver.psql("wb", "UPDATE hitlai.webhooks SET is_active = false WHERE is_active; "
                                "INSERT INTO hitlai.webhooks (company_id, url, events) VALUES "
                                "('%s', 'http://127.0.0.1:%d/h/%s', '{test_run.created}')" % (COMPANY, self.a.port, phase))

    def hitlai_burst(self, phase, n):
        """n runs inserted and committed in one transaction: n deliveries."""
        self.hitlai_point(phase)
        out = self.deliver.psql("wb", stdin=(
            "BEGIN;\n"
            "INSERT INTO hitlai.test_runs (company_id, url, mission, test_type, persona, ai_model_used) "
            "SELECT '%s', 'https://shop.example.com/checkout', 'Buy the cheapest item and pay by card', "
            "'ai', 'casual_user', 'gpt-4o' FROM generate_series(1, %d);\n"
            "COMMIT;\n"
            "SELECT extract(epoch FROM clock_timestamp());\n") % (COMPANY, n))
        t_commit = float(out.split("\n")[-1])
        got, reqs, length = self.wait_receipts("/h/" + phase, n, timeout=60 + n / 100.0)
        commit = {wid: t_commit for wid in got}
        return self.summarize(phase, n, got, reqs, length, commit)

    def hitlai_paced(self, phase, k):
        self.hitlai_point(phase)
        lines = ["\\set QUIET on"]
        for i in range(k):
            lines.append("BEGIN;")
            lines.append("INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES "
                         "('%s', 'https://shop.example.com/p', 'paced %d') RETURNING id;" % (COMPANY, i))
            lines.append("COMMIT;")
            lines.append("SELECT 'T', extract(epoch FROM clock_timestamp()), pg_sleep(%f);" % (1 / PACED_RATE))
        out = self.deliver.psql("wb", stdin="\n".join(lines) + "\n")
        run_commit, last_id = {}, None
        for line in out.split("\n"):
            if line.startswith("T|"):
                run_commit[last_id] = float(line.split("|")[1])
            elif line.strip():
                last_id = line.strip()
        got, reqs, length = self.wait_receipts("/h/" + phase, k, timeout=60 + k / 10.0)
        # webhook-id (delivery id) -> run id -> commit time
        m = self.deliver.psql("wb", "SELECT d.id, d.payload->'data'->>'id' FROM hitlai.webhook_deliveries d "
                                    "JOIN hitlai.webhooks w ON w.id = d.webhook_id "
                                    "WHERE w.url LIKE '%%/h/%s'" % phase)
        commit = {}
        for line in m.split("\n"):
            if "|" in line:
                did, rid = line.split("|")
                if rid in run_commit:
                    commit[did] = run_commit[rid]
        return self.summarize(phase, k, got, reqs, length, commit)

    # ================================================================ pg_net side
    def pgnet_setup(self):
        p = self.pgnet
        p.psql("postgres", "DROP DATABASE IF EXISTS pn WITH (FORCE)")
        p.psql("postgres", "CREATE DATABASE pn")
        p.psql("pn", "CREATE EXTENSION pg_net")
        # A body like hitlai's test_run.created payload (same fields, similar size).
        p.psql("pn", """
CREATE FUNCTION bench_body(i integer) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('type', 'test_run.created',
    'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'data', jsonb_build_object('id', gen_random_uuid(), 'company_id', '%s'::uuid,
      'status', 'pending', 'test_type', 'ai', 'url', 'https://shop.example.com/checkout',
      'mission', 'Buy the cheapest item and pay by card', 'sentiment_score', NULL,
      'issues_found', 0, 'cost', NULL,
      'created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      'completed_at', NULL))
$$""" % COMPANY)

    def pgnet_batch(self, size):
        self.pgnet.psql("postgres", "ALTER SYSTEM SET pg_net.batch_size = %d" % size)
        self.pgnet.psql("postgres", "SELECT pg_reload_conf()")
        # The worker reads the setting at its next SIGHUP check; restart it to be sure.
        self.pgnet.psql("pn", "SELECT net.worker_restart()")
        time.sleep(0.5)
        self.pgnet.psql("pn", "SELECT net.wait_until_running()")
        got = self.pgnet.scalar("pn", "SHOW pg_net.batch_size")
        if got != str(size):
            raise RuntimeError("pg_net.batch_size is %s, not %d" % (got, size))

    def pgnet_post_sql(self, phase, i_expr):
        return ("net.http_post(url => 'http://127.0.0.1:%d/p/%s', body => bench_body(%s), "
                "headers => jsonb_build_object('Content-Type', 'application/json', 'webhook-id', '%s-' || %s))"
                % (self.a.port, phase, i_expr, phase, i_expr))

    def pgnet_burst(self, phase, n):
        out = self.pgnet.psql("pn", stdin=(
            "BEGIN;\n"
            "SELECT min(r), max(r) FROM (SELECT %s AS r FROM generate_series(1, %d) i) s;\n"
            "COMMIT;\n"
            "SELECT extract(epoch FROM clock_timestamp());\n") % (self.pgnet_post_sql(phase, "i"), n))
        lines = out.split("\n")
        lo, hi = lines[0].split("|")
        t_commit = float(lines[-1])
        got, reqs, length = self.wait_receipts("/p/" + phase, n, timeout=60 + n / 100.0)
        commit = {wid: t_commit for wid in got}
        res = self.summarize(phase, n, got, reqs, length, commit)
        res["pgnet_errors"] = self.pgnet_errors(lo, hi)
        return res

    def pgnet_errors(self, lo, hi):
        time.sleep(1.5)
        return self.pgnet.scalar("pn", "SELECT count(*) FILTER (WHERE status_code = 200) || ' answered 200, ' || "
                                       "count(*) FILTER (WHERE error_msg IS NOT NULL) || ' errors' "
                                       "FROM net._http_response WHERE id BETWEEN %s AND %s" % (lo, hi))

    def pgnet_paced(self, phase, k):
        lines = ["\\set QUIET on"]
        for i in range(k):
            lines.append("BEGIN;")
            lines.append("SELECT %s;" % self.pgnet_post_sql(phase, str(i)))
            lines.append("COMMIT;")
            lines.append("SELECT 'T', %d, extract(epoch FROM clock_timestamp()), pg_sleep(%f);" % (i, 1 / PACED_RATE))
        out = self.pgnet.psql("pn", stdin="\n".join(lines) + "\n")
        commit = {}
        for line in out.split("\n"):
            if line.startswith("T|"):
                _, i, t, _ = line.split("|")
                commit["%s-%s" % (phase, i)] = float(t)
        got, reqs, length = self.wait_receipts("/p/" + phase, k, timeout=60 + k / 10.0)
        return self.summarize(phase, k, got, reqs, length, commit)

    # ================================================================ common
    def summarize(self, phase, n, got, reqs, length, commit):
        lat = [got[w] - commit[w] for w in got if w in commit]
        t0 = min(commit.values()) if commit else float("nan")
        last = max(got.values()) if got else float("nan")
        rate = len(got) / (last - t0) if got and last > t0 else float("nan")
        res = {"phase": phase, "n": n, "received": len(got), "requests": reqs, "rate": rate,
               "p50": pct(lat, 50), "p99": pct(lat, 99), "max": max(lat) if lat else float("nan"),
               "req_len": length, "seconds": last - t0}
        log("%-18s %6d of %6d received (%d requests, %.0f bytes each) in %.2f s: %.0f/s, "
            "commit->receipt p50 %.3f s p99 %.3f s" % (phase, len(got), n, reqs, length, last - t0, rate,
                                                       res["p50"], res["p99"]))
        for k in ("rate", "p50", "p99", "received"):
            self.rows.append({"part": "delivery", "case": phase, "round": 0, "side": phase.split("_")[0],
                              "value": res[k], "unit": k})
        return res

    def part_delivery(self):
        a = self.a
        have_pgnet = self.pgnet is not None
        log("delivery: %d deliveries per side, %s" % (a.n, "hitlai, pg_net@200, pg_net@5000" if have_pgnet
                                                       else "hitlai only (no pg_net build given)"))
        # Warm-up: the worker's first connection, pg_net's worker, caches.
        self.hitlai_burst("hwarm", 200)
        if have_pgnet:
            self.pgnet_batch(200)
            self.pgnet_burst("pwarm", 200)
        sides = ["hitlai"] + (["pgnet200", "pgnet5000"] if have_pgnet else [])
        burst, paced = {}, {}
        for r in range(a.delivery_rounds):
            for s in sides:
                ph = "%s_r%d" % (s, r + 1)
                if s == "hitlai":
                    burst.setdefault(s, []).append(self.hitlai_burst(ph, a.n))
                else:
                    self.pgnet_batch(int(s[5:]))
                    burst.setdefault(s, []).append(self.pgnet_burst(ph, a.n))
        if a.paced > 0:
            for s in sides:
                ph = "%s_paced" % s
                if s == "hitlai":
                    paced[s] = self.hitlai_paced(ph, a.paced)
                else:
                    self.pgnet_batch(int(s[5:]))
                    paced[s] = self.pgnet_paced(ph, a.paced)
        self.burst, self.paced = burst, paced
        name = {"hitlai": "hitlai worker", "pgnet200": "pg_net, batch_size 200",
                "pgnet5000": "pg_net, batch_size 5000"}
        for s in sides:
            for res in burst[s]:
                if res["received"] < res["n"]:
                    self.notes.append("%s: only %d of %d requests arrived (timeout)" % (name[s], res["received"], res["n"]))
                if res.get("pgnet_errors"):
                    self.notes.append("%s, burst: %s" % (name[s], res["pgnet_errors"]))
        if have_pgnet:
            rounds = range(len(burst["hitlai"]))
            self.add("delivery", "burst of %d: hitlai / pg_net@5000 deliveries/s" % a.n,
                     [burst["hitlai"][r]["rate"] / burst["pgnet5000"][r]["rate"] for r in rounds], 2, ">=")
            self.add("delivery", "burst of %d: hitlai / pg_net@200 deliveries/s" % a.n,
                     [burst["hitlai"][r]["rate"] / burst["pgnet200"][r]["rate"] for r in rounds])
        self.add("delivery", "burst of %d: hitlai deliveries/s (absolute; W8 asks ≥ 1,000 on 2 cores)" % a.n,
                 [x["rate"] for x in burst["hitlai"]], unit="/s")

    # ================================================================ memory
    def memory_contexts(self, pid):
        """Grand total of the worker's memory contexts, from pg_log_backend_memory_contexts."""
        size = os.path.getsize(self.a.deliver_log)
        self.deliver.psql("postgres", "SELECT pg_log_backend_memory_contexts(%d)" % pid)
        for _ in range(50):
            time.sleep(0.2)
            with open(self.a.deliver_log, errors="replace") as f:
                f.seek(size)
                text = f.read()
            m = re.search(r"\[%d\][^\n]*Grand total: (\d+) bytes in (\d+) blocks; (\d+) free \((\d+) chunks\); (\d+) used" % pid, text)
            if m:
                return int(m.group(1)), int(m.group(5))
        return None, None

    @staticmethod
    def proc_kb(pid):
        out = {}
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "RssAnon"):
                    out[k] = int(v.split()[0])
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                priv = 0
                for line in f:
                    if line.startswith(("Private_Clean:", "Private_Dirty:")):
                        priv += int(line.split()[1])
                out["Private"] = priv
        except OSError:
            out["Private"] = float("nan")
        return out

    def memory_point(self, label, delivered):
        pid = self.worker_pid()
        total, used = self.memory_contexts(pid)
        kb = self.proc_kb(pid)
        p = {"label": label, "delivered": delivered, "pid": pid, "ctx_total": total, "ctx_used": used, **kb}
        log("memory after %-7s deliveries (pid %d): contexts %s bytes (%s used), RssAnon %s kB, private %s kB, RSS %s kB"
            % (delivered, pid, total, used, kb.get("RssAnon"), kb.get("Private"), kb.get("VmRSS")))
        for k in ("ctx_total", "ctx_used", "RssAnon", "Private", "VmRSS"):
            self.rows.append({"part": "memory", "case": label, "round": 0, "side": "hitlai", "value": p[k], "unit": k})
        return p

    def part_memory(self):
        m1, m2 = self.a.mem
        log("memory: the worker's memory after %d and after %d deliveries" % (m1, m2))
        if not self.deliver.scalar("wb", "SELECT count(*) FROM pg_extension WHERE extname = 'hitlai'") == "1":
            self.hitlai_setup()
        self.hitlai_burst("mwarm", 200)
        pts = [self.memory_point("warm-up", 200)]
        r1 = self.hitlai_burst("mem1", m1)
        pts.append(self.memory_point("first", m1))
        done = m1
        chunk = max(m1, 50000)
        k = 0
        while done < m2:
            step = min(chunk, m2 - done)
            k += 1
            self.hitlai_burst("mem2_%d" % k, step)
            done += step
        pts.append(self.memory_point("second", m2))
        self.memory = pts
        a, b = pts[1], pts[2]
        if a["pid"] != b["pid"]:
            self.notes.append("memory: the worker restarted between the two points (pid %s, then %s)" % (a["pid"], b["pid"]))
        if a["ctx_total"] and b["ctx_total"]:
            self.add("memory", "worker memory contexts (grand total), after %d / after %d deliveries" % (m2, m1),
                     [b["ctx_total"] / a["ctx_total"]], 1.05, "<=")
        self.add("memory", "worker RssAnon, after %d / after %d deliveries" % (m2, m1),
                 [b["RssAnon"] / a["RssAnon"]], 1.05, "<=")
        self.add("memory", "worker private pages (smaps), after %d / after %d deliveries (report: includes shared buffers it dirtied)" % (m2, m1),
                 [b["Private"] / a["Private"]])
        self.notes.append("memory: burst of %d for the first point: %.0f deliveries/s" % (m1, r1["rate"]))

    # ================================================================ report
    def report(self):
        L = []
        L.append("## webhook benchmark, %s" % datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        L.append("")
        conf = ["%d cores" % (os.cpu_count() or 0)]
        try:
            conf.append("load average %s at the end" % " ".join(open("/proc/loadavg").read().split()[:3]))
        except OSError:
            pass
        if "outbox" in self.a.parts:
            conf.append("outbox: %d rounds of %d s, clients %s, before = %s" % (
                self.a.rounds, self.a.duration, ",".join(map(str, self.a.clients)), self.a.before_rev[:10]))
        if "delivery" in self.a.parts:
            conf.append("delivery: N = %d, %d round(s), paced %d at %g/s, open-files limit %s" % (
                self.a.n, self.a.delivery_rounds, self.a.paced, PACED_RATE, self.a.nofile))
        if "memory" in self.a.parts:
            conf.append("memory: %d then %d deliveries" % tuple(self.a.mem))
        L.append("; ".join(conf) + ".")
        L.append("")
        L.append("| comparison | goal | median | min..max | n | |")
        L.append("|---|---|---|---|---|---|")
        for r in self.results:
            goal = "%s %s" % ("≥" if r["op"] == ">=" else "≤", r["goal"]) if r["op"] else "report"
            L.append("| %s | %s | **%s** | %s..%s | %d | %s |" % (r["label"], goal, fmt(r["median"]), fmt(r["min"]),
                                                              fmt(r["max"]), r["n"], r["verdict"]))
        if getattr(self, "burst", None):
            L.append("")
            L.append("| sender | burst: deliveries/s | commit→receipt p50 | p99 | received / N | requests | body bytes "
                     "| paced %g/s: p50 | p99 |" % PACED_RATE)
            L.append("|---|---|---|---|---|---|---|---|---|")
            name = {"hitlai": "hitlai worker", "pgnet200": "pg_net, batch_size 200",
                    "pgnet5000": "pg_net, batch_size 5000"}
            for s, rs in self.burst.items():
                for res in rs:
                    pc = self.paced.get(s)
                    L.append("| %s | %s | %.3f s | %.3f s | %d / %d | %d | %.0f | %s | %s |" % (
                        name[s], fmt(res["rate"]), res["p50"], res["p99"], res["received"], res["n"],
                        res["requests"], res["req_len"],
                        "%.3f s" % pc["p50"] if pc else "", "%.3f s" % pc["p99"] if pc else ""))
        if getattr(self, "memory", None):
            L.append("")
            L.append("| worker memory after | memory contexts total (used) | RssAnon | private pages | RSS |")
            L.append("|---|---|---|---|---|")
            for p in self.memory:
                L.append("| %s deliveries | %s bytes (%s) | %s kB | %s kB | %s kB |" % (
                    "{:,}".format(p["delivered"]), "{:,}".format(p["ctx_total"]) if p["ctx_total"] else "n/a",
                    "{:,}".format(p["ctx_used"]) if p["ctx_used"] else "n/a",
                    p.get("RssAnon"), p.get("Private"), p.get("VmRSS")))
        if self.notes:
            L.append("")
            for n in self.notes:
                L.append("- " + n)
        md = "\n".join(L) + "\n"
        with open(os.path.join(self.a.work, "results", "webhooks.md"), "w") as f:
            f.write(md)
        with open(os.path.join(self.a.work, "results", "webhooks.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["part", "case", "round", "side", "value", "unit"], lineterminator="\n")
            w.writeheader()
            for r in self.rows:
                w.writerow(r)
        print(md)
        log("results: %s/results/webhooks.md, webhooks.csv" % self.a.work)

    def run(self):
        a = self.a
        self.deliver = Cluster(a.bin, a.deliver_host) if a.deliver_host else None
        self.pgnet = Cluster(a.bin, a.pgnet_host) if a.pgnet_host else None
        failed = []
        for part in ("outbox", "delivery", "memory"):
            if part not in a.parts:
                continue
            try:
                if part in ("delivery", "memory") and not getattr(self, "_setup", False):
                    self.hitlai_setup()
                    if self.pgnet:
                        self.pgnet_setup()
                    self._setup = True
                getattr(self, "part_" + part)()
            except RuntimeError as e:
                failed.append(part)
                self.notes.append("%s FAILED: %s" % (part, str(e)[-800:].replace("\n", " ")))
                log(str(e))
        self.report()
        return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--parts", default="outbox,delivery,memory")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--delivery-rounds", type=int, default=1)
    ap.add_argument("--mem", default="10000,100000")
    ap.add_argument("--paced", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--clients", default="1,8")
    ap.add_argument("--companies", type=int, default=1000)
    ap.add_argument("--after-host")
    ap.add_argument("--before-host")
    ap.add_argument("--before-bin")
    ap.add_argument("--before-rev", default="")
    ap.add_argument("--deliver-host")
    ap.add_argument("--deliver-log")
    ap.add_argument("--pgnet-host")
    ap.add_argument("--port", type=int)
    ap.add_argument("--nginx-log")
    ap.add_argument("--nofile", default="")
    a = ap.parse_args()
    a.parts = a.parts.split(",")
    a.clients = [int(x) for x in a.clients.split(",")]
    a.mem = [int(x) for x in a.mem.split(",")]
    sys.exit(Bench(a).run())


if __name__ == "__main__":
    main()
