#!/usr/bin/env bash
# F1/F2: the streamed text form of the export, written with the COPY command of
# docs/training.md
#   psql -X -q -v ON_ERROR_STOP=1 -c "COPY (SELECT hitlai.training_jsonl(...)) TO STDOUT
#        (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')" > train.jsonl
# gives byte for byte the file of the psql -AtX command over training_examples (and
# job_training_jsonl that of job_training_examples), every line checked by Python's json,
# with documents holding backslashes, quotes, unicode, control characters, newlines and
# duplicates.
source "$(dirname "$0")/lib/tap.sh"

DB=hl_f1j_$$
OUT=${HL_WORK:-/tmp}/26_training_jsonl
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 777 "$OUT"
cleanup() { hl_drop_db $DB; }
trap cleanup EXIT
tap_plan 16

hl_scratch_db $DB
hl_psql $DB >/dev/null <<'SQL'
CREATE EXTENSION hitlai;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@f1j.test', NULL);
-- 400 runs completed and rated by the application (T2 captures them); one in five
-- repeats the documents of another (duplicates), two model types.
INSERT INTO hitlai.test_runs (company_id, url, mission, persona, status, company_ai_rating,
                              ai_model_used, sentiment_score, recommendations, positives)
  SELECT '00000000-0000-0000-0000-0000000000c1', 'https://example.com/p?q=' || m || '&x="y"',
         E'Pay with a \\"quoted\\" back\\slash\nthen a second line\ttab ' || chr(1) || chr(31) || ' ✓ é 😀 ' || m,
         CASE WHEN m % 3 = 0 THEN NULL ELSE E'persona \\n literal \\u0041 ' || m END,
         'completed', 4 + n % 2, CASE WHEN m % 4 = 0 THEN 'gpt-small' ELSE 'gpt-4o-mini' END,
         round((m % 100) / 100.0, 2), ARRAY[E'Fix "the" form\r\n', 'Ünïcödé ' || m, E'\u2028 \\\\'],
         ARRAY[]::text[]
    FROM (SELECT n, CASE WHEN n % 5 = 0 THEN n - 3 ELSE n END AS m FROM generate_series(1, 400) n) g;
INSERT INTO hitlai.issues (test_run_id, title, severity)
  SELECT id, E'Issue with \\ and " and \b\f ' || left(mission, 5), 'high' FROM hitlai.test_runs;
SQL

check_jsonl() {  # check_jsonl FILE -> "N lines ok" or the first problem
  python3 -c '
import json, sys
n = 0
for i, line in enumerate(open(sys.argv[1], "rb").read().decode("utf-8").split("\n")[:-1], 1):
    d = json.loads(line)
    m = d["messages"]
    assert list(d) == ["messages"] and len(m) == 3, "line %d: shape" % i
    assert [x["role"] for x in m] == ["system", "user", "assistant"], "line %d: roles" % i
    u, a = json.loads(m[1]["content"]), json.loads(m[2]["content"])
    assert set(u) == {"url", "mission", "persona", "platform"}, "line %d: user content" % i
    assert set(a) == {"sentiment_score", "issues", "recommendations", "positives"}, "line %d: assistant content" % i
    n += 1
print(n, "lines ok")' "$1" 2>&1 | tail -1
}
copy_cmd() {  # copy_cmd SELECT-EXPRESSION FILE: the documented COPY command
  psql -X -q -v ON_ERROR_STOP=1 -d $DB -c "COPY (SELECT $1) TO STDOUT (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')" > "$2"
}
psql_cmd() {  # psql_cmd SQL FILE: the psql -AtX command
  psql -AtX -v ON_ERROR_STOP=1 -v FETCH_COUNT=10000 -d $DB -c "$1" > "$2"
}

n_all=$(hl_psql $DB -c "SELECT count(*) FROM hitlai.training_examples()")
n_dup=$(hl_psql $DB -c "SELECT count(*) FROM hitlai.training_data")
tap_ok $([ "$n_all" -gt 250 ] && [ "$n_all" -lt "$n_dup" ]; echo $?) \
  "F1: (setup) $n_all examples of $n_dup captured rows (duplicates left out)"

copy_cmd "hitlai.training_jsonl(split => 'train')" "$OUT/train.jsonl"
tap_ok $? "F1: psql -X -q -c \"COPY (SELECT hitlai.training_jsonl(split => 'train')) TO STDOUT (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')\" > train.jsonl"
copy_cmd "hitlai.training_jsonl(split => 'validation')" "$OUT/validation.jsonl"
n_train=$(hl_psql $DB -c "SELECT count(*) FROM hitlai.training_examples(split => 'train')")
n_val=$(hl_psql $DB -c "SELECT count(*) FROM hitlai.training_examples(split => 'validation')")
tap_is "$(check_jsonl "$OUT/train.jsonl")" "$n_train lines ok" \
  "F1: every line of the COPY-written train.jsonl parses (Python json), three messages with the documents"
tap_is "$(check_jsonl "$OUT/validation.jsonl")" "$n_val lines ok" "F1: the same for validation.jsonl"

psql_cmd "SELECT example FROM hitlai.training_examples(split => 'train')" "$OUT/train_psql.jsonl"
psql_cmd "SELECT example FROM hitlai.training_examples(split => 'validation')" "$OUT/validation_psql.jsonl"
tap_ok $(cmp -s "$OUT/train.jsonl" "$OUT/train_psql.jsonl" && [ -s "$OUT/train.jsonl" ]; echo $?) \
  "F1: the COPY command over training_jsonl and the psql -AtX command over training_examples write the same bytes (train)"
tap_ok $(cmp -s "$OUT/validation.jsonl" "$OUT/validation_psql.jsonl" && [ -s "$OUT/validation.jsonl" ]; echo $?) \
  "F1: the same bytes (validation)"
tap_ok $(grep -q '\\\\\\\\' "$OUT/train.jsonl"; echo $?) \
  "F1: the COPY file holds the doubly escaped backslashes of a JSON string inside a JSON string"

copy_cmd "hitlai.training_jsonl('gpt-small', 'validation', 37, true)" "$OUT/small.jsonl"
psql_cmd "SELECT example FROM hitlai.training_examples('gpt-small', 'validation', 37, true)" "$OUT/small_psql.jsonl"
tap_ok $(cmp -s "$OUT/small.jsonl" "$OUT/small_psql.jsonl" && [ -s "$OUT/small.jsonl" ]; echo $?) \
  "F1: the same bytes with every argument given (model_type, split, validation_percent, include_used)"

tap_is "$(hl_psql $DB -c "SELECT (SELECT array_agg(t ORDER BY o) FROM hitlai.training_jsonl(NULL, NULL, 50) WITH ORDINALITY x(t, o))
                            IS NOT DISTINCT FROM (SELECT array_agg(example::text ORDER BY o)
                                                    FROM hitlai.training_examples(NULL, NULL, 50) WITH ORDINALITY e(i, s, example, o))")" t \
  "F1: in FROM too, training_jsonl gives example::text of training_examples, row for row, in order"
tap_is "$(hl_psql $DB -c "BEGIN; SELECT count(*) FROM (SELECT hitlai.training_jsonl() LIMIT 3) s;
                          SELECT count(*) FROM (SELECT hitlai.training_jsonl() LIMIT 7) s;
                          SELECT count(*) FROM (SELECT hitlai.training_jsonl()) s; COMMIT;" | tr '\n' ' ')" "3 7 $n_all " \
  "F1: a stream stopped early (LIMIT) leaves the next ones in the transaction whole"

err=$(psql -X -q -v ON_ERROR_STOP=1 -d $DB -c "COPY (SELECT hitlai.training_jsonl(split => 'test')) TO STDOUT (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')" 2>&1 >/dev/null; echo "rc=$?")
tap_ok $([[ "$err" == *'argument "split"'* && "$err" != *"rc=0" ]]; echo $?) \
  "F1: an unknown split fails the command (22023 naming the argument, exit status not 0)"
tap_is "$(hl_psql $DB -c "SELECT hitlai.training_jsonl(validation_percent => 51)" 2>&1 | grep -o '22023\|validation_percent' | head -1)" \
  validation_percent "F1: validation_percent outside 0..50 is refused naming the argument"

# ---- F2: a job's lines ------------------------------------------------------------------
job=$(hl_psql $DB -c "SELECT hitlai.create_fine_tuning_job('gpt-4o-mini', '{}', 20)")
copy_cmd "hitlai.job_training_jsonl('$job')" "$OUT/job.jsonl"
psql_cmd "SELECT example FROM hitlai.job_training_examples('$job')" "$OUT/job_psql.jsonl"
tap_ok $(cmp -s "$OUT/job.jsonl" "$OUT/job_psql.jsonl" && [ -s "$OUT/job.jsonl" ]; echo $?) \
  "F2: job_training_jsonl through COPY writes the bytes of job_training_examples through psql -AtX"
copy_cmd "hitlai.job_training_jsonl('$job', 'validation')" "$OUT/job_val.jsonl"
psql_cmd "SELECT example FROM hitlai.job_training_examples('$job', 'validation')" "$OUT/job_val_psql.jsonl"
tap_ok $(cmp -s "$OUT/job_val.jsonl" "$OUT/job_val_psql.jsonl" && [ -s "$OUT/job_val.jsonl" ]; echo $?) \
  "F2: the same for the job's validation split"
copy_cmd "hitlai.job_training_jsonl('$job')" "$OUT/job2.jsonl"
tap_ok $(cmp -s "$OUT/job.jsonl" "$OUT/job2.jsonl"; echo $?) "F2: job_training_jsonl writes the same bytes twice"
tap_is "$(hl_psql $DB -c "SELECT hitlai.job_training_jsonl('00000000-0000-0000-0000-000000000000')" 2>&1 | grep -o 'job_id' | head -1)" \
  job_id "F2: an unknown job is refused naming the argument"
exit $((TAP_FAILED > 0))
