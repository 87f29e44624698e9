#!/usr/bin/env python3
"""F1 export speed on an existing training database (bench/sql/load_training.sql and
bench/training/plain_export.sql loaded, as `bench/run.sh --scenarios training --keep`
leaves database hlb_training): the documented COPY command over hitlai.training_jsonl()
against the same command over the plain-SQL export, raw COPY of the documents, and
(--psql) the psql -AtX command over both; interleaved rounds, a ratio per round, the
median reported. Also the backend's peak private memory (RssAnon) during the documented
command, all rows vs the 10 % of model type gpt-small.

  PGHOST=… PGPORT=… PGUSER=… bench/training/export_bench.py --db hlb_training --rounds 3 [--psql]
"""
import argparse
import os
import resource
import statistics
import subprocess
import threading
import time

COPY_FMT = "COPY (SELECT %s) TO STDOUT (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="hlb_training")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--psql", action="store_true", help="also the psql -AtX command (slow)")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--cpu", action="store_true",
                    help="also CPU seconds (backend from /proc/self/stat via pg_read_file, superuser; "
                         "client from getrusage): on a machine shared with other work, CPU time "
                         "ratios are steadier than wall-time ratios")
    ap.add_argument("--psql-bin", default=os.environ.get("PSQL", "psql"))
    a = ap.parse_args()
    psql = a.psql_bin

    def copy_cmd(expr):
        return [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", a.db, "-c", COPY_FMT % expr]

    def at_cmd(sql):
        return [psql, "-AtX", "-v", "FETCH_COUNT=10000", "-v", "ON_ERROR_STOP=1", "-d", a.db, "-c", sql]

    sides = [
        ("hitlai", copy_cmd("hitlai.training_jsonl()")),
        ("plain", copy_cmd("example FROM bench_plain.training_examples()")),
        ("copy", [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", a.db, "-c",
                  "COPY (SELECT input_data, output_data FROM hitlai.training_data) TO '/dev/null'"]),
    ]
    if a.psql:
        sides += [("hitlai_psql", at_cmd("SELECT example FROM hitlai.training_examples()")),
                  ("plain_psql", at_cmd("SELECT example FROM bench_plain.training_examples()"))]

    cpu_sql = ("SELECT 'CPU ' || (split_part(s, ' ', 14)::bigint + split_part(s, ' ', 15)::bigint)"
               " FROM pg_read_file('/proc/self/stat') s")
    cpu = {s: [] for s, _ in sides}

    def timed(cmd, side):
        if a.cpu:  # the same command with the backend's CPU ticks read before and after
            cmd = cmd[:-2] + ["-At", "-c", cpu_sql, "-c", "\\o /dev/null", "-c", cmd[-1], "-c", "\\o", "-c", cpu_sql]
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.time()
        p = subprocess.run(cmd, stdout=subprocess.PIPE if a.cpu else subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        t = time.time() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            raise SystemExit("%s failed: %s" % (cmd[-1], p.stderr.decode()[-1000:]))
        if a.cpu:
            ticks = [int(l[4:]) for l in p.stdout.decode("utf-8", "replace").split("\n") if l.startswith("CPU ")]
            client = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
            cpu[side].append((ticks[-1] - ticks[0]) / 100.0 + client)
        return t

    times = {s: [] for s, _ in sides}
    for r in range(a.rounds):
        k = r % len(sides)
        for side, cmd in sides[k:] + sides[:k]:
            t = timed(cmd, side)
            times[side].append(t)
            print("round %d %-12s %8.2f s%s" % (r + 1, side, t, "  (CPU, backend + client: %.2f s)" % cpu[side][-1]
                                                if a.cpu else ""), flush=True)

    def ratio(num, den, t=times):
        rs = [x / y for x, y in zip(t[num], t[den])]
        return "%.2f (%.2f..%.2f)" % (statistics.median(rs), min(rs), max(rs))

    print("median wall time: " + ", ".join("%s %.2f s" % (s, statistics.median(t)) for s, t in times.items()))
    print("plain SQL / hitlai (documented COPY command, both): %s   goal >= 3" % ratio("plain", "hitlai"))
    print("hitlai / raw COPY:                                  %s   goal <= 2" % ratio("hitlai", "copy"))
    if a.psql:
        print("plain SQL / hitlai (psql -AtX command, both):       %s" % ratio("plain_psql", "hitlai_psql"))
        print("hitlai psql -AtX command / raw COPY:                %s" % ratio("hitlai_psql", "copy"))
        print("plain SQL COPY command / hitlai psql -AtX command:  %s" % ratio("plain", "hitlai_psql"))

    if a.cpu:
        print("CPU, backend + client: " + ", ".join("%s %.2f s" % (s, statistics.median(t)) for s, t in cpu.items()))
        print("CPU plain SQL / hitlai: %s; CPU hitlai / raw COPY: %s" % (ratio("plain", "hitlai", cpu),
                                                                          ratio("hitlai", "copy", cpu)))
    if a.no_memory:
        return
    # Peak RssAnon of the backend running the documented command.
    def peak(expr):
        tag = "hl_peak_%d" % time.time_ns()
        cmd = [psql, "-X", "-q", "-d", a.db, "-c", "SET application_name = '%s'" % tag, "-c", COPY_FMT % expr]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        pid, best = None, 0
        while p.poll() is None:
            if pid is None:
                out = subprocess.run([psql, "-XAt", "-d", a.db, "-c",
                                      "SELECT pid FROM pg_stat_activity WHERE application_name = '%s'" % tag],
                                     capture_output=True, text=True).stdout.strip()
                pid = int(out) if out else None
            if pid:
                try:
                    with open("/proc/%d/status" % pid) as f:
                        for line in f:
                            if line.startswith("RssAnon:"):
                                best = max(best, int(line.split()[1]))
                except OSError:
                    pass
            time.sleep(0.002)
        return best
    for r in range(a.rounds):
        full, tenth = peak("hitlai.training_jsonl()"), peak("hitlai.training_jsonl('gpt-small')")
        print("peak RssAnon round %d: all rows %d kB, 10 %% %d kB, ratio %.2f   goal <= 1.5"
              % (r + 1, full, tenth, full / max(tenth, 1)), flush=True)


if __name__ == "__main__":
    main()
