#!/usr/bin/env bash
# F1: the JSONL file written with the exact command of docs/training.md
#   psql -AtX -v ON_ERROR_STOP=1 -v FETCH_COUNT=10000 -d DB -c "SELECT example FROM hitlai.training_examples(...)" > train.jsonl
# checked line by line by an independent parser (Python's json), with documents holding
# backslashes, quotes, unicode, control characters and newlines.
# F2: parallel sessions creating jobs while rows keep arriving never put one example into
# two jobs; job_training_examples re-exports the same bytes.
# D16/S8: pg_dump / pg_restore keep the jobs' examples.
source "$(dirname "$0")/lib/tap.sh"

DB=hl_f1_$$ NEW=hl_f1_restored_$$
OUT=${HL_WORK:-/tmp}/25_training_export
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 777 "$OUT"
cleanup() { hl_drop_db $DB; hl_drop_db $NEW; }
trap cleanup EXIT
tap_plan 16

hl_scratch_db $DB
hl_psql $DB >/dev/null <<'SQL'
CREATE EXTENSION hitlai;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@f1.test', NULL);
-- 300 runs completed and rated by the application: T2 captures them.
INSERT INTO hitlai.test_runs (company_id, url, mission, persona, status, company_ai_rating,
                              ai_model_used, sentiment_score, recommendations, positives)
  SELECT '00000000-0000-0000-0000-0000000000c1', 'https://example.com/p?q=' || n || '&x="y"',
         E'Pay with a \\"quoted\\" back\\slash\nthen a second line\ttab ' || chr(1) || ' ✓ é 😀 ' || n,
         CASE WHEN n % 3 = 0 THEN NULL ELSE E'persona \\n literal ' || n END,
         'completed', 4 + n % 2, 'gpt-4o-mini', round((n % 100) / 100.0, 2),
         ARRAY[E'Fix "the" form\r\n', 'Ünïcödé ' || n], ARRAY[]::text[]
    FROM generate_series(1, 300) n;
INSERT INTO hitlai.issues (test_run_id, title, severity)
  SELECT id, E'Issue with \\ and " and \u2028 ' || left(mission, 5), 'high' FROM hitlai.test_runs;
SQL
n_sql=$(hl_psql $DB -c "SELECT count(*) FROM hitlai.training_examples()")
tap_is "$n_sql" 300 "F1: (setup) 300 examples captured by T2"

# ---- the documented command -----------------------------------------------------------
check_jsonl() {  # check_jsonl FILE -> "lines ok" or the first problem
  python3 -c '
import json, sys
n = 0
for i, line in enumerate(open(sys.argv[1], "rb").read().decode("utf-8").split("\n")[:-1], 1):
    d = json.loads(line)
    m = d["messages"]
    assert list(d) == ["messages"] and len(m) == 3, "line %d: shape" % i
    assert [x["role"] for x in m] == ["system", "user", "assistant"], "line %d: roles" % i
    assert all(list(x) == ["role", "content"] and isinstance(x["content"], str) for x in m), "line %d: message keys" % i
    u, a = json.loads(m[1]["content"]), json.loads(m[2]["content"])
    assert set(u) == {"url", "mission", "persona", "platform"}, "line %d: user content" % i
    assert set(a) == {"sentiment_score", "issues", "recommendations", "positives"}, "line %d: assistant content" % i
    n += 1
print(n, "lines ok")' "$1" 2>&1 | tail -1
}
psql -AtX -v ON_ERROR_STOP=1 -v FETCH_COUNT=10000 -d $DB -c "SELECT example FROM hitlai.training_examples(split => 'train')" > "$OUT/train.jsonl"
tap_ok $? "F1: psql -AtX -v ON_ERROR_STOP=1 -v FETCH_COUNT=10000 -c \"SELECT example FROM hitlai.training_examples(split => 'train')\" > train.jsonl"
psql -AtX -v ON_ERROR_STOP=1 -v FETCH_COUNT=10000 -d $DB -c "SELECT example FROM hitlai.training_examples(split => 'validation')" > "$OUT/validation.jsonl"
n_train=$(hl_psql $DB -c "SELECT count(*) FROM hitlai.training_examples(split => 'train')")
n_val=$(hl_psql $DB -c "SELECT count(*) FROM hitlai.training_examples(split => 'validation')")
tap_is "$(check_jsonl "$OUT/train.jsonl")" "$n_train lines ok" \
  "F1: every line of train.jsonl parses (Python json), one object a line, three messages with the documents"
tap_is "$(check_jsonl "$OUT/validation.jsonl")" "$n_val lines ok" "F1: the same for validation.jsonl"
tap_is "$((n_train + n_val))" 300 "F1: train and validation files hold every example once"
# The documents in the file are exactly the stored ones (compared by Python, not by SQL).
hl_psql $DB -c "SELECT json_build_array(input_data, output_data) FROM hitlai.training_examples(split => 'train') e
                  JOIN hitlai.training_data t ON t.id = e.training_data_id" > "$OUT/docs.json"
same=$(python3 -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
docs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]]
ok = len(lines) == len(docs) and all(
    [json.loads(m["content"]) for m in json.loads(l)["messages"][1:]] == d for l, d in zip(lines, docs))
print("same" if ok else "differ")' "$OUT/train.jsonl" "$OUT/docs.json")
tap_is "$same" same "F1: user/assistant contents parse back to input_data/output_data, row by row, in order"
tap_ok $(grep -q '\\\\\\\\' "$OUT/train.jsonl"; echo $?) \
  "F1: the file holds the doubly escaped backslashes of a JSON string inside a JSON string (not COPY's extra escaping)"
# COPY text format would corrupt it: show that the documented warning is real.
psql -X -q -d $DB -c "COPY (SELECT example FROM hitlai.training_examples(split => 'train')) TO STDOUT" > "$OUT/copy.jsonl"
tap_ok $([ "$(check_jsonl "$OUT/copy.jsonl")" != "$n_train lines ok" ]; echo $?) \
  "F1: (why) COPY ... TO STDOUT in text format does not give valid JSON lines"

# ---- F2: parallel job creation while rows keep arriving --------------------------------
N=6 M=8
script=$OUT/jobs.sql
for ((i = 0; i < M; i++)); do
  cat <<'SQL'
INSERT INTO hitlai.test_runs (company_id, url, mission, status, company_ai_rating, ai_model_used)
  SELECT '00000000-0000-0000-0000-0000000000c1', 'https://c.example/' || gen_random_uuid(), 'm ' || gen_random_uuid(),
         'completed', 5, 'conc' FROM generate_series(1, 7);
SELECT hitlai.create_fine_tuning_job('conc');
SQL
done >"$script"
chmod a+r "$script"
pids=()
for ((c = 0; c < N; c++)); do
  psql -X -q -d $DB -f "$script" >"$OUT/jobs_$c.out" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
other=$(cat "$OUT"/jobs_*.out | grep ERROR | grep -vc 'needs at least 10 training examples')
tap_is "$other" 0 "F2: parallel sessions: no error but 'needs at least 10' (no deadlock, no serialization failure)"
jobs=$(hl_psql $DB -c "SELECT count(*) FROM hitlai.fine_tuning_jobs WHERE model_type = 'conc'")
tap_ok $([ "$jobs" -ge 2 ]; echo $?) "F2: several jobs were created concurrently ($jobs)"
tap_is "$(hl_psql $DB -c "SELECT count(*) FROM (SELECT training_data_id FROM hitlai.fine_tuning_job_examples
                                                 GROUP BY 1 HAVING count(*) > 1) s")" 0 \
  "F2: no example is in two jobs"
tap_is "$(hl_psql $DB -c "SELECT count(*) FROM hitlai.training_data t WHERE model_type = 'conc'
                            AND used_for_training <> EXISTS (SELECT 1 FROM hitlai.fine_tuning_job_examples e
                                                              WHERE e.training_data_id = t.id)")" 0 \
  "F2: a row is used_for_training exactly when it is in a job"
tap_is "$(hl_psql $DB -c "SELECT count(*) FROM (SELECT job_id FROM hitlai.fine_tuning_job_examples GROUP BY 1 HAVING count(*) < 10) s")" 0 \
  "F2: every job has at least 10 examples"

# ---- D16/S8: dump and restore keep the jobs' examples ---------------------------------
job=$(hl_psql $DB -c "SELECT hitlai.create_fine_tuning_job('gpt-4o-mini', '{\"n_epochs\": 2}', 20)")
psql -AtX -v ON_ERROR_STOP=1 -v FETCH_COUNT=10000 -d $DB -c "SELECT example FROM hitlai.job_training_examples('$job')" > "$OUT/job.jsonl"
psql -AtX -v ON_ERROR_STOP=1 -v FETCH_COUNT=10000 -d $DB -c "SELECT example FROM hitlai.job_training_examples('$job')" > "$OUT/job2.jsonl"
tap_ok $(cmp -s "$OUT/job.jsonl" "$OUT/job2.jsonl"; echo $?) "F2: job_training_examples writes the same bytes twice"
source "$(dirname "$0")/lib/pg_dump.sh"
skip=$(hl_pg_dump_skip_reason)
if [ -n "$skip" ]; then
  tap_skip "D16/S8: fine_tuning_job_examples restored row for row" "$skip"
  tap_skip "D16/S8: after the restore the job re-exports the same bytes" "$skip"
  exit $((TAP_FAILED > 0))
fi
pg_dump -Fc -f "$OUT/f1.dump" $DB 2>"$OUT/dump.log"
hl_scratch_db $NEW
PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -d $NEW "$OUT/f1.dump" 2>"$OUT/restore.log"
fp() { hl_psql "$1" -c "SELECT count(*) || '|' || md5(string_agg(e::text, ',' ORDER BY e.id)) FROM hitlai.fine_tuning_job_examples e"; }
tap_is "$(fp $NEW)" "$(fp $DB)" "D16/S8: fine_tuning_job_examples restored row for row"
psql -AtX -v ON_ERROR_STOP=1 -d $NEW -c "SELECT example FROM hitlai.job_training_examples('$job')" > "$OUT/job_restored.jsonl"
tap_ok $(cmp -s "$OUT/job.jsonl" "$OUT/job_restored.jsonl" && [ -s "$OUT/job.jsonl" ]; echo $?) \
  "D16/S8: after the restore the job re-exports the same bytes"
exit $((TAP_FAILED > 0))
