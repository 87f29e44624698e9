#!/usr/bin/env python3
"""hitlai benchmark driver (bench/README.md). Run it through bench/run.sh, which makes the
cluster; this file loads the databases, runs the pgbench scenarios interleaved and
writes the report. Only the Python standard library, psql and pgbench are used.

Databases (prefix --db-prefix, default hlb_):
  <p>hitlai   CREATE EXTENSION hitlai                      (write scenarios, validate)
  <p>plpgsql  hitlai VERSION '0.1.0' + bench/plpgsql/*.sql  (write scenarios, validate)
  <p>bare     hitlai with DISABLE TRIGGER USER on its tables (write scenarios)
  <p>read     hitlai with --runs runs, plus the seed's GROUP BY views
              (bench_plpgsql.company_stats / tester_performance) on the same data
              (stats_point, tester_point, stats_full, rls_read)
  <p>assign_small, <p>assign_large
              hitlai with the two --assign-testers pool sizes, plus the PL/pgSQL
              assign_testers of bench/plpgsql_assign.sql (assign)
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
WRITE_SCENARIOS = ["insert", "lifecycle", "bulk", "validate"]
READ_SCENARIOS = ["stats_point", "tester_point", "stats_full", "rls_read"]
ALL_SCENARIOS = ["insert", "lifecycle", "stats_point", "tester_point", "stats_full", "bulk",
                 "validate", "rls_read", "assign", "training"]
TABLES = ["companies", "company_members", "human_testers", "test_runs", "issues",
          "tester_assignments", "milestones", "early_adopter_apps", "founding_tester_apps",
          "training_data", "fine_tuning_jobs", "webhooks"]


def log(msg):
    print("==> " + msg, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args):
        self.a = args
        self.bindir = args.bindir
        self.work = args.work
        os.makedirs(os.path.join(self.work, "scripts"), exist_ok=True)
        self.db = {v: args.db_prefix + v for v in ("hitlai", "plpgsql", "bare", "read",
                                                    "assign_small", "assign_large", "training")}
        self.rows = []          # one dict per pgbench run
        self.status = {}        # scenario -> (ok|skip|fail, message)
        self.notes = []         # free text for the report
        self.features = {}
        self.load_seconds = None

    # ---------------------------------------------------------------- psql helpers
    def psql(self, db, sql=None, file=None, variables=None, quiet=True):
        cmd = [os.path.join(self.bindir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
               "-d", db, "-At"]
        for k, v in (variables or {}).items():
            cmd += ["-v", "%s=%s" % (k, v)]
        if file:
            cmd += ["-f", file]
        else:
            cmd += ["-c", sql]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("psql %s failed: %s\n%s" % (db, sql or file, p.stderr.strip()))
        return p.stdout.strip()

    def scalar(self, db, sql):
        return self.psql(db, sql).split("\n")[0]

    def exists(self, db, regproc_or_class, kind="proc"):
        fn = "to_regproc" if kind == "proc" else "to_regclass"
        return self.scalar(db, "SELECT %s('%s') IS NOT NULL" % (fn, regproc_or_class)) == "t"

    # ---------------------------------------------------------------- setup
    def needed(self):
        s = set(self.a.scenarios)
        return {"write": bool(s & set(WRITE_SCENARIOS)), "read": bool(s & set(READ_SCENARIOS))}

    def drop_dbs(self):
        for db in self.db.values():
            self.psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)

    def ensure_roles(self):
        # Supabase-style roles, created before CREATE EXTENSION so that the install
        # script's grants (S6/G1) reach them. Remember which ones we made (smoke mode
        # drops them again).
        self.created_roles = []
        for r in ("anon", "authenticated", "service_role"):
            if self.scalar("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '%s'" % r) == "0":
                self.psql("postgres", "CREATE ROLE %s NOLOGIN" % r)
                self.created_roles.append(r)

    def create_hitlai_db(self, db, version=None):
        self.psql("postgres", "CREATE DATABASE %s" % db)
        ver = " VERSION '%s'" % version if version else ""
        self.psql(db, "CREATE EXTENSION hitlai%s" % ver)
        if not version and self.exists(db, "hitlai.grant_app_role"):
            self.psql(db, "SELECT hitlai.grant_app_role('authenticated')")

    def setup_write(self):
        v = {"companies": self.a.companies, "testers": self.a.testers, "docs": self.a.docs}
        log("write databases: %s, %s, %s" % (self.db["hitlai"], self.db["plpgsql"], self.db["bare"]))
        self.create_hitlai_db(self.db["hitlai"])
        self.create_hitlai_db(self.db["plpgsql"], version="0.1.0")
        self.load_plpgsql(self.db["plpgsql"])
        self.create_hitlai_db(self.db["bare"])
        for t in TABLES:
            self.psql(self.db["bare"], "ALTER TABLE hitlai.%s DISABLE TRIGGER USER" % t)
        for var in ("hitlai", "plpgsql", "bare"):
            self.psql(self.db[var], file=os.path.join(HERE, "sql", "setup_write.sql"), variables=v)
        n = self.scalar(self.db["hitlai"],
                        "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'hitlai.test_runs'::regclass"
                        " AND NOT tgisinternal")
        self.features["hitlai_triggers"] = int(n)
        if int(n) == 0:
            self.notes.append("hitlai has no triggers on test_runs yet: the write scenarios "
                              "compare two identical schemas (hitlai = bare).")

    def load_plpgsql(self, db):
        for f in sorted(os.listdir(os.path.join(HERE, "plpgsql"))):
            if f.endswith(".sql"):
                self.psql(db, file=os.path.join(HERE, "plpgsql", f))
        pd_fn = md_fn = None
        vfile = os.path.join(HERE, "plpgsql_validators.sql")
        if os.path.exists(vfile):
            self.psql(db, file=vfile)
            pd_fn = self.find_validator(db, "platform_details")
            md_fn = self.find_validator(db, "issue_metadata") or self.find_validator(db, "metadata")
            self.psql(db, "CALL bench_plpgsql.wire_validators(%s, %s)" % (
                "'%s'" % pd_fn if pd_fn else "NULL", "'%s'" % md_fn if md_fn else "NULL"))
        else:
            self.notes.append("bench/plpgsql_validators.sql absent: the plpgsql variant does not "
                              "validate J1/J2 documents (its write numbers are flattered).")
        self.features["plpgsql_pd"] = pd_fn
        self.features["plpgsql_md"] = md_fn

    def find_validator(self, db, word):
        # A PL/pgSQL (or SQL) function outside the extension whose name mentions `word`,
        # taking jsonb; validate_* (returns the document) preferred over check_* wrappers.
        q = ("SELECT p.oid::regproc FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
             " WHERE l.lanname IN ('plpgsql', 'sql') AND p.proname LIKE '%%%s%%'"
             " AND p.pronargs = 1 AND p.proargtypes[0] = 'jsonb'::regtype"
             " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid"
             "                 AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e')"
             " ORDER BY p.proname NOT LIKE 'validate%%', p.proname LIMIT 1" % word)
        r = self.scalar(db, q)
        return r or None

    def setup_read(self):
        db = self.db["read"]
        log("read database %s: %d runs over %d companies and %d testers" % (
            db, self.a.runs, self.a.read_companies, self.a.read_testers))
        self.create_hitlai_db(db)
        t0 = time.time()
        self.psql(db, file=os.path.join(HERE, "sql", "load_read.sql"), variables={
            "runs": self.a.runs, "companies": self.a.read_companies, "testers": self.a.read_testers})
        t1 = time.time()
        rebuilt = False
        if self.exists(db, "hitlai.rebuild_stats"):
            self.psql(db, "SELECT hitlai.rebuild_stats()")
            rebuilt = True
        t2 = time.time()
        self.psql(db, "VACUUM ANALYZE")
        t3 = time.time()
        # The seed's GROUP BY views, on the same data (the plpgsql variant's V1/V2).
        self.psql(db, "CREATE SCHEMA bench_plpgsql")
        self.psql(db, file=os.path.join(HERE, "plpgsql", "80_views.sql"))
        self.load_seconds = t3 - t0
        self.notes.append(
            "read database: %d runs loaded in %.1f s (INSERT ... SELECT generate_series with "
            "triggers off %.1f s, %s %.1f s, VACUUM ANALYZE %.1f s)" % (
                self.a.runs, t3 - t0, t1 - t0,
                "hitlai.rebuild_stats()" if rebuilt else "no hitlai.rebuild_stats() yet", t2 - t1,
                t3 - t2))

    # ---------------------------------------------------------------- pgbench
    def script(self, name, subst=None):
        with open(os.path.join(HERE, "scenarios", name + ".sql")) as f:
            text = f.read()
        tag = name
        for k, v in (subst or {}).items():
            text = text.replace("@%s@" % k, v)
            tag += "_" + re.sub(r"[^A-Za-z0-9]+", "_", v)
        path = os.path.join(self.work, "scripts", tag + ".sql")
        with open(path, "w") as f:
            f.write(text)
        return path

    def pgbench(self, db, script, clients, defines, transactions=None):
        cmd = [os.path.join(self.bindir, "pgbench"), "-n", "-M", "prepared",
               "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)), "-f", script]
        if transactions:
            cmd += ["-t", str(transactions)]
        else:
            cmd += ["-T", str(self.a.duration)]
        for k, v in defines.items():
            cmd += ["-D", "%s=%s" % (k, v)]
        cmd.append(db)
        p = subprocess.run(cmd, capture_output=True, text=True)
        out = p.stdout + p.stderr
        tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
        lat = re.search(r"latency average = ([0-9.]+) ms", out)
        n = re.search(r"number of transactions actually processed: (\d+)", out)
        failed = re.search(r"number of failed transactions: (\d+)", out)
        if p.returncode != 0 or not tps or not lat or (failed and int(failed.group(1)) > 0):
            raise RuntimeError("pgbench on %s with %s failed:\n%s" % (db, os.path.basename(script),
                                                                      out.strip()[-2000:]))
        return float(tps.group(1)), float(lat.group(1)), int(n.group(1)) if n else 0

    def run_case(self, scenario, case, clients, sides, transactions=None):
        """sides: list of (side_name, db, script, defines). Interleaved: every round runs
        each side once; the starting side rotates from round to round."""
        for r in range(1, self.a.rounds + 1):
            k = (r - 1) % len(sides)
            for side, db, script, defines in sides[k:] + sides[:k]:
                tps, lat, n = self.pgbench(db, script, clients, defines, transactions)
                row = {"scenario": scenario, "case": case, "clients": clients, "round": r,
                       "side": side, "tps": tps, "latency_ms": lat, "transactions": n}
                self.rows.append(row)
                log("%-12s %-22s c=%d round %d %-10s tps %10.2f  latency %9.3f ms" % (
                    scenario, case, clients, r, side, tps, lat))

    # ---------------------------------------------------------------- scenarios
    def s_insert(self):
        self.write_scenario("insert", self.a.clients)

    def s_lifecycle(self):
        self.write_scenario("lifecycle", self.a.clients)

    def write_scenario(self, name, clients_list):
        d = {"companies": self.a.companies, "testers": self.a.testers}
        script = self.script(name)
        for c in clients_list:
            self.run_case(name, name, c, [(v, self.db[v], script, d)
                                          for v in ("hitlai", "plpgsql", "bare")])

    def s_bulk(self):
        script = self.script("bulk")
        d = {"companies": self.a.companies, "rows": self.a.bulk_rows}
        self.run_case("bulk", "bulk %d rows" % self.a.bulk_rows, 1,
                      [(v, self.db[v], script, d) for v in ("hitlai", "plpgsql", "bare")],
                      transactions=1)

    def s_validate(self):
        db_h, db_p = self.db["hitlai"], self.db["plpgsql"]
        ran = False
        missing = []
        for kind, hfn, pkey, label in (("pd", "hitlai.validate_platform_details", "plpgsql_pd", "J1 platform_details"),
                                       ("md", "hitlai.validate_issue_metadata", "plpgsql_md", "J2 issue metadata")):
            if not self.exists(db_h, hfn):
                missing.append("%s() not in hitlai yet" % hfn)
                continue
            pfn = self.features.get(pkey)
            if not pfn:
                missing.append("no PL/pgSQL %s validator (bench/plpgsql_validators.sql)" % label)
                continue
            # baseline: the same query without a validator (scan + count), so that the
            # per-document cost of each validator can be isolated.
            self.run_case("validate", label, 1, [
                ("hitlai", db_h, self.script("validate", {"FN": hfn, "KIND": kind}), {}),
                ("plpgsql", db_p, self.script("validate", {"FN": pfn, "KIND": kind}), {}),
                ("baseline", db_h, self.script("validate", {"FN": "", "KIND": kind}), {})])
            ran = True
        if not ran:
            return "skip", "; ".join(missing)
        if missing:
            self.notes.append("validate: " + "; ".join(missing))
        return None

    def point_scenario(self, name, view, lookup_n):
        db = self.db["read"]
        if not self.exists(db, "hitlai." + view, kind="class"):
            return "skip", "hitlai.%s does not exist yet (V1-V3)" % view
        total = lookup_n
        for case, lo, hi in (("largest", 1, 1), ("typical", 2, total)):
            d = {"lo": lo, "hi": hi}
            for c in self.a.read_clients:
                self.run_case(name, case, c, [
                    ("hitlai", db, self.script(name, {"VIEW": "hitlai." + view}), d),
                    ("seed", db, self.script(name, {"VIEW": "bench_plpgsql." + view}), d)])
        return None

    def s_stats_point(self):
        return self.point_scenario("stats_point", "company_stats", self.a.read_companies)

    def s_tester_point(self):
        return self.point_scenario("tester_point", "tester_performance", self.a.read_testers)

    def s_stats_full(self):
        db = self.db["read"]
        if not self.exists(db, "hitlai.company_stats", kind="class"):
            return "skip", "hitlai.company_stats does not exist yet (V1)"
        self.run_case("stats_full", "whole company_stats", 1, [
            ("hitlai", db, self.script("stats_full", {"VIEW": "hitlai.company_stats"}), {}),
            ("seed", db, self.script("stats_full", {"VIEW": "bench_plpgsql.company_stats"}), {})])
        return None

    def s_rls_read(self):
        db = self.db["read"]
        if not self.exists(db, "hitlai.uid"):
            return "skip", "hitlai.uid() does not exist yet (A1)"
        pol = self.scalar(db, "SELECT count(*) FROM pg_policies WHERE schemaname = 'hitlai'"
                              " AND tablename = 'test_runs' AND cmd IN ('SELECT', 'ALL')")
        if pol == "0":
            return "skip", "no SELECT policy on hitlai.test_runs yet (A2)"
        if self.scalar(db, "SELECT has_table_privilege('authenticated', 'hitlai.test_runs', 'SELECT')") != "t":
            return "skip", "role authenticated has no SELECT on hitlai.test_runs (G1)"
        # The member must see exactly the rows of the explicit filter.
        check = self.scalar(db, """
            BEGIN; SET LOCAL ROLE authenticated;
            SELECT set_config('request.jwt.claim.sub', md5('member2')::uuid::text, true);
            SELECT count(*) FROM (SELECT * FROM hitlai.test_runs ORDER BY created_at DESC LIMIT 20) s;
            COMMIT;""")
        if check == "0":
            return "skip", "a joined member sees no runs through RLS (policies incomplete?)"
        only_rls = self.script("rls_read_member", {"FILTER": ""})
        filtered = self.script("rls_read_member", {"FILTER": "WHERE company_id = md5('company' || :n)::uuid"})
        for case, lo, hi in (("typical company", 2, self.a.read_companies), ("largest company", 1, 1)):
            d = {"lo": lo, "hi": hi}
            for c in self.a.read_clients:
                self.run_case("rls_read", case, c, [
                    ("member", db, only_rls, d),
                    ("member+filter", db, filtered, d),
                    ("privileged", db, self.script("rls_read_privileged"), d)])
        return None

    def setup_assign(self):
        for label, n in (("small", self.a.assign_testers[0]), ("large", self.a.assign_testers[1])):
            db = self.db["assign_" + label]
            log("assign database %s: %d testers, %d pending runs" % (db, n, self.a.assign_runs))
            self.create_hitlai_db(db)
            if not self.exists(db, "hitlai.assign_testers"):
                return False
            self.psql(db, file=os.path.join(HERE, "sql", "setup_assign.sql"),
                      variables={"testers": n, "runs": self.a.assign_runs})
            self.psql(db, file=os.path.join(HERE, "plpgsql_assign.sql"))
            self.psql(db, "VACUUM ANALYZE")
        return True

    def run_case_clients(self, scenario, case, sides):
        """Like run_case, but each side has its own client count (recorded under the
        largest, so that ratios() compares the sides)."""
        top = max(s[4] for s in sides)
        for r in range(1, self.a.rounds + 1):
            k = (r - 1) % len(sides)
            for side, db, script, defines, clients in sides[k:] + sides[:k]:
                tps, lat, n = self.pgbench(db, script, clients, defines)
                self.rows.append({"scenario": scenario, "case": case, "clients": top, "round": r,
                                  "side": side, "tps": tps, "latency_ms": lat, "transactions": n})
                log("%-12s %-22s c=%d round %d %-10s tps %10.2f  latency %9.3f ms" % (
                    scenario, case, clients, r, side, tps, lat))

    def s_assign(self):
        if not self.setup_assign():
            return "skip", "hitlai.assign_testers() does not exist yet (M1)"
        small, large = self.db["assign_small"], self.db["assign_large"]
        h = self.script("assign", {"FN": "hitlai.assign_testers"})
        p = self.script("assign", {"FN": "bench_plpgsql.assign_testers"})
        d = {"runs": self.a.assign_runs}
        self.run_case("assign", "pool size", 1, [("large", large, h, d), ("small", small, h, d)])
        for label, db in (("small", small), ("large", large)):
            self.run_case("assign", "vs plpgsql " + label, 1, [("hitlai", db, h, d), ("plpgsql", db, p, d)])
        self.run_case_clients("assign", "clients", [("8 clients", large, h, d, 8), ("1 client", large, h, d, 1)])
        self.notes.append("assign: pools of %d (small) and %d (large) testers, %d pending runs; "
                          "every call rolled back" % (self.a.assign_testers[0], self.a.assign_testers[1],
                                                      self.a.assign_runs))
        return None

    # ---------------------------------------------------------------- training (F1/F2)
    def timed(self, cmd, stdout=subprocess.DEVNULL):
        t0 = time.time()
        p = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
        t = time.time() - t0
        if p.returncode != 0:
            raise RuntimeError("%s failed: %s" % (" ".join(cmd[-2:]), p.stderr.strip()[-1500:]))
        return t

    def record(self, scenario, case, side, rnd, seconds=None, value=None):
        # Wall-time rows: tps = 1/s, latency = ms. Value rows (peak memory): latency = value.
        lat = seconds * 1000.0 if seconds is not None else float(value)
        row = {"scenario": scenario, "case": case, "clients": 1, "round": rnd, "side": side,
               "tps": (1.0 / seconds) if seconds else 0.0, "latency_ms": lat, "transactions": 1}
        self.rows.append(row)
        log("%-12s %-22s round %d %-10s %s" % (scenario, case, rnd, side,
            "%.3f s" % seconds if seconds is not None else "%s" % value))

    @staticmethod
    def rss_anon_kb(pid):
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
        return 0

    def export_peak_kb(self, db, sql):
        """Runs `sql` (output to /dev/null) in one psql session and samples the backend's
        RssAnon (private resident memory) every 2 ms; returns the peak in kB."""
        psql = os.path.join(self.bindir, "psql")
        p = subprocess.Popen([psql, "-X", "-At", "-v", "FETCH_COUNT=10000", "-d", db],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        p.stdin.write("SELECT pg_backend_pid();\n")
        p.stdin.flush()
        pid = int(p.stdout.readline())
        peak = self.rss_anon_kb(pid)
        p.stdin.write("\\o /dev/null\n%s;\n\\o\nSELECT 'done';\n" % sql)
        p.stdin.close()
        done = []
        import threading
        th = threading.Thread(target=lambda: done.append(p.stdout.read()))
        th.start()
        while th.is_alive():
            try:
                peak = max(peak, self.rss_anon_kb(pid))
            except (OSError, ValueError):
                break
            time.sleep(0.002)
        th.join()
        p.wait()
        if "done" not in "".join(done):
            raise RuntimeError("peak memory run failed on %s" % db)
        return peak

    def psql_script(self, db, text):
        path = os.path.join(self.work, "scripts", "training_step.sql")
        with open(path, "w") as f:
            f.write(text)
        return self.psql(db, file=path)

    def s_training(self):
        db = self.db["training"]
        if not self.exists(self.db["training"], "hitlai.training_examples"):
            return "skip", "hitlai.training_examples() does not exist yet (F1)"
        psql = os.path.join(self.bindir, "psql")
        rows = self.a.training_rows
        # The documented command (docs/training.md, README): COPY of the streamed lines in
        # a CSV format that neither quotes nor escapes; the plain-SQL export through the
        # same command. Builds before training_jsonl: the psql -AtX command of their docs.
        copy_fmt = "COPY (SELECT %s) TO STDOUT (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"
        jsonl = self.exists(db, "hitlai.training_jsonl")
        if jsonl:
            doc_cmd = lambda expr: [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", copy_fmt % expr]
            hitlai_expr, plain_expr = "hitlai.training_jsonl()", "example FROM bench_plain.training_examples()"
            mem_sql = lambda model: copy_fmt % ("hitlai.training_jsonl(%s)" % model)
        else:
            doc_cmd = lambda expr: [psql, "-AtX", "-v", "FETCH_COUNT=10000", "-v", "ON_ERROR_STOP=1", "-d", db,
                                    "-c", "SELECT " + expr]
            hitlai_expr = "example FROM hitlai.training_examples()"
            plain_expr = "example FROM bench_plain.training_examples()"
            mem_sql = lambda model: "SELECT example FROM hitlai.training_examples(%s)" % model
        sides = [("hitlai", doc_cmd(hitlai_expr)),
                 ("plain", doc_cmd(plain_expr)),
                 ("copy", [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c",
                           "COPY (SELECT input_data, output_data FROM hitlai.training_data) TO '/dev/null'"])]
        n_lines = int(self.scalar(db, "SELECT count(*) FROM hitlai.training_examples()"))
        for r in range(1, self.a.rounds + 1):
            k = (r - 1) % len(sides)
            for side, cmd in sides[k:] + sides[:k]:
                self.record("training", "export", side, r, seconds=self.timed(cmd))
        # Backend peak memory: every row vs the 10 % of model type gpt-small.
        try:
            for r in range(1, self.a.rounds + 1):
                for side, model in (("all", "NULL"), ("tenth", "'gpt-small'")):
                    kb = self.export_peak_kb(db, mem_sql(model))
                    self.record("training", "peak memory", side, r, value=kb)
        except (OSError, ValueError, RuntimeError) as e:
            self.notes.append("training: backend peak memory not measured (%s)" % e)
        # Building the line: jsonb API (what hitlai uses) vs Boost.JSON, over the 10 %.
        for r in range(1, self.a.rounds + 1):
            for side, variant in (("jsonb_api", 0), ("boost", 1)):
                out = self.psql_script(db, """
                  CREATE FUNCTION pg_temp.training_line(jsonb, jsonb, int) RETURNS jsonb
                    LANGUAGE c STRICT AS 'hitlai', 'hitlai_bench_training_line';
                  SELECT clock_timestamp() AS t0 \\gset
                  SELECT count(pg_temp.training_line(input_data, output_data, %d)) FROM hitlai.training_data
                   WHERE model_type = 'gpt-small' \\g /dev/null
                  SELECT extract(epoch FROM clock_timestamp() - :'t0');""" % variant)
                self.record("training", "line building", side, r, seconds=float(out.split("\n")[-1]))
        # create_fine_tuning_job over the 10 % (rolled back: the data stays as it was).
        out = self.psql_script(db, """
          BEGIN;
          SELECT pg_current_wal_insert_lsn() AS l0, clock_timestamp() AS t0 \\gset
          SELECT hitlai.create_fine_tuning_job('gpt-small') \\g /dev/null
          SELECT extract(epoch FROM clock_timestamp() - :'t0') || ' ' || pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'l0')
                 || ' ' || (SELECT count(*) FROM hitlai.fine_tuning_job_examples);
          ROLLBACK;""")
        secs, wal, n_job = out.split("\n")[-1].split()
        self.record("training", "create_fine_tuning_job", "hitlai", 1, seconds=float(secs))
        self.notes.append("training: %d training_data rows, %d exported lines (duplicates left out); "
                          "create_fine_tuning_job('gpt-small') recorded %s examples in %.2f s and wrote %.1f MB "
                          "of WAL (%.0f bytes per example; rolled back)" % (
                              rows, n_lines, n_job, float(secs), float(wal) / 1e6,
                              float(wal) / max(int(n_job), 1)))
        return None

    def setup_training(self):
        db = self.db["training"]
        log("training database %s: %d training_data rows" % (db, self.a.training_rows))
        self.create_hitlai_db(db)
        if not self.exists(db, "hitlai.training_examples"):
            return
        t0 = time.time()
        self.psql(db, file=os.path.join(HERE, "sql", "load_training.sql"),
                  variables={"rows": self.a.training_rows})
        self.psql(db, file=os.path.join(HERE, "training", "plain_export.sql"))
        self.notes.append("training database: %d rows loaded in %.1f s" % (self.a.training_rows, time.time() - t0))

    # ---------------------------------------------------------------- main flow
    def run(self):
        need = self.needed()
        self.drop_dbs()
        self.ensure_roles()
        try:
            if need["write"]:
                self.setup_write()
            if need["read"]:
                self.setup_read()
            if "training" in self.a.scenarios:
                self.setup_training()
            for s in ALL_SCENARIOS:
                if s not in self.a.scenarios:
                    continue
                log("scenario " + s)
                try:
                    res = getattr(self, "s_" + s)()
                except RuntimeError as e:
                    res = ("fail", str(e).split("\n")[0])
                    self.notes.append("%s failed: %s" % (s, str(e)[-600:]))
                    log(str(e))
                if res is None:
                    res = ("ok", "")
                self.status[s] = res
                if res[0] == "skip":
                    log("SKIP %s: %s" % (s, res[1]))
        finally:
            if not self.a.keep_dbs:
                self.drop_dbs()
                for r in getattr(self, "created_roles", []):
                    if self.a.drop_created_roles:
                        subprocess.run([os.path.join(self.bindir, "psql"), "-X", "-q", "-d", "postgres",
                                        "-c", "DROP ROLE IF EXISTS %s" % r], capture_output=True)
        self.write_outputs()

    # ---------------------------------------------------------------- report
    def series(self, scenario, case, clients, side):
        return [r for r in self.rows if r["scenario"] == scenario and r["case"] == case
                and r["clients"] == clients and r["side"] == side]

    def ratios(self, scenario, case, clients, num, den, metric="tps"):
        # A side written "side@N" is that side at N clients (a scaling ratio).
        def side_series(side):
            name, _, at = side.partition("@")
            return self.series(scenario, case, int(at) if at else clients, name)
        a = {r["round"]: r for r in side_series(num)}
        b = {r["round"]: r for r in side_series(den)}
        out = []
        c = {r["round"]: r for r in self.series(scenario, case, clients, "baseline")}
        for rnd in sorted(set(a) & set(b)):
            if metric == "net":
                # Validator cost per document: (time of den - baseline) / (time of num - baseline).
                if rnd not in c:
                    continue
                t0 = 1 / c[rnd]["tps"]
                out.append((1 / b[rnd]["tps"] - t0) / max(1 / a[rnd]["tps"] - t0, 1e-12))
            elif metric == "tps":
                out.append(a[rnd]["tps"] / b[rnd]["tps"] if b[rnd]["tps"] else float("nan"))
            else:
                out.append(a[rnd]["latency_ms"] / b[rnd]["latency_ms"] if b[rnd]["latency_ms"] else float("nan"))
        return out

    COMPARISONS = [
        # (label, scenario, case, clients, num, den, metric, goal_op, goal)
        # The write path's goals (bench/README.md, "Write path").
        ("insert, 1 client: hitlai / bare TPS", "insert", "insert", 1, "hitlai", "bare", "tps", None, None),
        ("insert, 8 clients: hitlai / bare TPS", "insert", "insert", 8, "hitlai", "bare", "tps", ">=", 0.7),
        ("insert: hitlai at 8 clients / hitlai at 1 client TPS", "insert", "insert", 8, "hitlai", "hitlai@1", "tps", ">=", 1.3),
        ("insert: bare at 8 clients / bare at 1 client TPS", "insert", "insert", 8, "bare", "bare@1", "tps", None, None),
        ("lifecycle, 1 client: hitlai / bare TPS", "lifecycle", "lifecycle", 1, "hitlai", "bare", "tps", ">=", 0.6),
        ("lifecycle, 1 client: hitlai / plpgsql TPS", "lifecycle", "lifecycle", 1, "hitlai", "plpgsql", "tps", ">=", 2),
        ("lifecycle, 8 clients: hitlai / bare TPS", "lifecycle", "lifecycle", 8, "hitlai", "bare", "tps", ">=", 0.5),
        ("bulk: hitlai / bare wall time", "bulk", None, 1, "hitlai", "bare", "time", "<=", 1.3),
        ("stats_full: hitlai / seed view TPS", "stats_full", "whole company_stats", 1, "hitlai", "seed", "tps", ">=", 50),
        ("stats_point largest company: hitlai / seed view TPS", "stats_point", "largest", 1, "hitlai", "seed", "tps", ">=", 100),
        ("stats_point typical company: hitlai / seed view TPS", "stats_point", "typical", 1, "hitlai", "seed", "tps", ">=", 1.0),
        ("tester_point largest tester: hitlai / seed view TPS", "tester_point", "largest", 1, "hitlai", "seed", "tps", None, None),
        ("tester_point typical tester: hitlai / seed view TPS", "tester_point", "typical", 1, "hitlai", "seed", "tps", ">=", 1.0),
        ("validate J1: hitlai / plpgsql validator throughput (scan baseline subtracted)", "validate", "J1 platform_details", 1, "hitlai", "plpgsql", "net", ">=", 10),
        ("validate J2: hitlai / plpgsql validator throughput (scan baseline subtracted)", "validate", "J2 issue metadata", 1, "hitlai", "plpgsql", "net", ">=", 10),
        ("validate J1: hitlai / plpgsql whole query TPS", "validate", "J1 platform_details", 1, "hitlai", "plpgsql", "tps", None, None),
        ("validate J2: hitlai / plpgsql whole query TPS", "validate", "J2 issue metadata", 1, "hitlai", "plpgsql", "tps", None, None),
        ("rls_read typical company: member via RLS / privileged TPS", "rls_read", "typical company", 1, "member", "privileged", "tps", ">=", 0.5),
        ("rls_read largest company: member via RLS / privileged TPS", "rls_read", "largest company", 1, "member", "privileged", "tps", ">=", 0.5),
        ("rls_read typical company: member via RLS + explicit filter / privileged TPS", "rls_read", "typical company", 1, "member+filter", "privileged", "tps", None, None),
        ("rls_read largest company: member via RLS + explicit filter / privileged TPS", "rls_read", "largest company", 1, "member+filter", "privileged", "tps", None, None),
        ("insert, 1 client: hitlai / plpgsql TPS", "insert", "insert", 1, "hitlai", "plpgsql", "tps", None, None),
        ("insert, 8 clients: hitlai / plpgsql TPS", "insert", "insert", 8, "hitlai", "plpgsql", "tps", None, None),
        ("lifecycle, 8 clients: hitlai / plpgsql TPS", "lifecycle", "lifecycle", 8, "hitlai", "plpgsql", "tps", None, None),
        ("bulk: hitlai / plpgsql wall time", "bulk", None, 1, "hitlai", "plpgsql", "time", None, None),
        ("assign: latency at the large pool / at the small pool (hitlai)", "assign", "pool size", 1, "large", "small", "latency", "<=", 1.5),
        ("assign, small pool: hitlai / plpgsql TPS", "assign", "vs plpgsql small", 1, "hitlai", "plpgsql", "tps", ">=", 3),
        ("assign, large pool: hitlai / plpgsql TPS", "assign", "vs plpgsql large", 1, "hitlai", "plpgsql", "tps", None, None),
        ("assign, large pool: 8 clients / 1 client TPS (hitlai)", "assign", "clients", 8, "8 clients", "1 client", "tps", ">=", 1.5),
        ("training export: plain SQL / hitlai wall time (documented COPY command, to /dev/null)", "training", "export", 1, "plain", "hitlai", "time", ">=", 3),
        ("training export: hitlai / raw COPY of input_data, output_data to /dev/null, wall time", "training", "export", 1, "hitlai", "copy", "time", "<=", 2),
        ("training export: backend peak memory (RssAnon), all rows / 10 % of the rows", "training", "peak memory", 1, "all", "tenth", "time", "<=", 1.5),
        ("training line building: Boost.JSON / jsonb API time (10 % of the rows)", "training", "line building", 1, "boost", "jsonb_api", "time", None, None),
    ]

    def comparison_rows(self):
        out = []
        read_c = self.a.read_clients
        for label, sc, case, c, num, den, metric, op, goal in self.COMPARISONS:
            if case is None:
                case = "bulk %d rows" % self.a.bulk_rows
            cl = c
            if sc in ("insert", "lifecycle") and c not in self.a.clients:
                continue
            if sc in READ_SCENARIOS and c not in read_c:
                cl = read_c[0]
            rs = self.ratios(sc, case, cl, num, den, metric)
            if not rs:
                continue
            med = statistics.median(rs)
            verdict = ""
            if op == ">=":
                verdict = "met" if med >= goal else "MISSED"
            elif op == "<=":
                verdict = "met" if med <= goal else "MISSED"
            goal_s = "%s %s" % ("≥" if op == ">=" else "≤", goal) if op else "report"
            out.append({"label": label, "scenario": sc, "goal": goal_s, "median": med,
                        "min": min(rs), "max": max(rs), "rounds": len(rs), "verdict": verdict})
        return out

    @staticmethod
    def fmt(x):
        if x >= 100:
            return "%.0f" % x
        if x >= 10:
            return "%.1f" % x
        if x >= 0.1:
            return "%.2f" % x
        return "%.2g" % x

    def write_outputs(self):
        csv_path = os.path.join(self.work, "results.csv")
        with open(csv_path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["scenario", "case", "clients", "round", "side",
                                              "tps", "latency_ms", "transactions"])
            w.writeheader()
            for r in self.rows:
                w.writerow(r)
        comps = self.comparison_rows()
        with open(os.path.join(self.work, "ratios.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["label", "scenario", "goal", "median", "min", "max",
                                              "rounds", "verdict"])
            w.writeheader()
            for r in comps:
                w.writerow(r)
        with open(os.path.join(self.work, "summary.tsv"), "w") as f:
            for s in ALL_SCENARIOS:
                if s in self.status:
                    st, msg = self.status[s]
                    n = sum(1 for r in comps if r["scenario"] == s)
                    if st == "ok" and n == 0:
                        st, msg = "fail", "no ratio produced"
                    f.write("%s\t%s\t%d\t%s\n" % (s, st, n, msg.replace("\t", " ").replace("\n", " ")))

        L = []
        ver = self.scalar("postgres", "SHOW server_version")
        L.append("## hitlai benchmark, %s" % datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        L.append("")
        L.append("Machine: %d cores (`nproc`), PostgreSQL %s, %d rounds of %d s per side, "
                 "interleaved; read database %d runs / %d companies / %d testers; write "
                 "databases %d companies, %d testers; bulk %d rows." % (
                     os.cpu_count() or 0, ver, self.a.rounds, self.a.duration, self.a.runs,
                     self.a.read_companies, self.a.read_testers, self.a.companies,
                     self.a.testers, self.a.bulk_rows))
        L.append("")
        L.append("| comparison | goal | median ratio | min..max | rounds | |")
        L.append("|---|---|---|---|---|---|")
        for r in comps:
            L.append("| %s | %s | **%s** | %s..%s | %d | %s |" % (
                r["label"], r["goal"], self.fmt(r["median"]), self.fmt(r["min"]),
                self.fmt(r["max"]), r["rounds"], r["verdict"]))
        skipped = [(s, m) for s, (st, m) in self.status.items() if st != "ok"]
        if skipped:
            L.append("")
            for s, m in skipped:
                L.append("- %s: %s — %s" % (s, self.status[s][0].upper(), m))
        if self.notes:
            L.append("")
            for n in self.notes:
                L.append("- " + n.replace("\n", " "))
        L.append("")
        L.append("Per round (TPS; latency average in ms; bulk: wall time = latency):")
        L.append("")
        L.append("| scenario | case | clients | side | TPS per round | median TPS | median latency ms |")
        L.append("|---|---|---|---|---|---|---|")
        keys = []
        for r in self.rows:
            k = (r["scenario"], r["case"], r["clients"], r["side"])
            if k not in keys:
                keys.append(k)
        for k in keys:
            s = self.series(*k)
            L.append("| %s | %s | %d | %s | %s | %s | %s |" % (
                k[0], k[1], k[2], k[3], " / ".join(self.fmt(x["tps"]) for x in s),
                self.fmt(statistics.median(x["tps"] for x in s)),
                "%.3f" % statistics.median(x["latency_ms"] for x in s)))
        md = "\n".join(L) + "\n"
        with open(os.path.join(self.work, "results.md"), "w") as f:
            f.write(md)
        print(md)
        log("results: %s/results.md, results.csv (per round), ratios.csv" % self.work)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=1000000)
    ap.add_argument("--companies", type=int, default=1000, help="companies of the write databases")
    ap.add_argument("--testers", type=int, default=2000, help="testers of the write databases")
    ap.add_argument("--bulk-rows", type=int, default=100000)
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--training-rows", type=int, default=1000000,
                    help="training_data rows of the training database (F1/F2 scenario)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--clients", default="1,8")
    ap.add_argument("--read-clients", default="1")
    ap.add_argument("--scenarios", default=",".join(ALL_SCENARIOS))
    ap.add_argument("--assign-testers", default="10000,100000",
                    help="the small and the large tester pool of the assign scenario")
    ap.add_argument("--assign-runs", type=int, default=5000, help="pending runs of the assign scenario")
    ap.add_argument("--db-prefix", default="hlb_")
    ap.add_argument("--keep-dbs", action="store_true")
    ap.add_argument("--drop-created-roles", action="store_true")
    a = ap.parse_args()
    a.clients = [int(x) for x in a.clients.split(",") if x]
    a.read_clients = [int(x) for x in a.read_clients.split(",") if x]
    a.assign_testers = [int(x) for x in a.assign_testers.split(",") if x]
    if len(a.assign_testers) != 2:
        ap.error("--assign-testers takes two sizes: SMALL,LARGE")
    a.scenarios = [s for s in a.scenarios.split(",") if s]
    bad = [s for s in a.scenarios if s not in ALL_SCENARIOS]
    if bad:
        ap.error("unknown scenario(s) %s; known: %s" % (",".join(bad), ",".join(ALL_SCENARIOS)))
    # 1,000,000 runs -> 10,000 companies and 2,000 testers (the benchmark shape).
    a.read_companies = max(2, a.runs // 100)
    a.read_testers = max(2, a.runs // 500)
    Bench(a).run()


if __name__ == "__main__":
    main()
