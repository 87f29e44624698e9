#!/usr/bin/env bash
# S7/S6: privileged code and `auth.users` when a non-superuser controls it. hitlai's
# SECURITY DEFINER code may look at auth.users (the last-owner guard asks whether the
# owner's account is being deleted); whoever controls schema auth or the table can make
# "auth.users" run code:
#   a. vanilla database: after the install, the owner creates schema auth with
#      auth.users as a view whose rows come from planted code;
#   b. the same as a table with forced RLS whose policy runs planted code, a planted
#      trigger, and an inheritance child with its own planted policy;
#   c. a materialized view; d. a partitioned table whose partition has a planted policy;
#   e. the owner made auth.users (a table) before the install, so hitlai's user_id
#      columns reference it (S6, ON DELETE CASCADE): the owner deletes a user (the
#      cascade runs as the owner of hitlai's tables), then renames the table and puts a
#      view with planted code in its place;
#   f. schema auth belongs to a superuser but auth.users to the owner (as on Supabase,
#      where it belongs to a non-superuser admin role): planted policy, trigger, child
#      and extended statistics on an expression with an IMMUTABLE planted function
#      (folded by the planner like the index predicate of g; an index would need CREATE
#      on schema auth);
#   g. auth.users exactly as hitlai expects it (a plain table, id uuid primary key), plus
#      a partial index whose predicate calls an IMMUTABLE planted function: the planner
#      evaluates such a predicate (eval_const_expressions, when it loads the index's
#      predicate into the relation cache) as whoever plans the first query on the
#      table in that session, so any privileged read of the table, FROM ONLY and checked
#      relkind included, runs it.
# After each, the superuser's and the application roles' paths run (the last owner of a
# company leaves, so the guard looks at auth.users): no planted code may run with
# privilege and nobody may gain anything.
source "$(dirname "$0")/lib/sec.sh"
tap_plan 12
sec_init auth || exit 1
err=$(sec_install); tap_ok $? "S7: the database owner installs hitlai (trusted) into a database without schema auth"
[ -n "$err" ] && tap_diag "$err"
sec_evil_schema
sec_owner -c "CREATE FUNCTION evil.plant_imm() RETURNS boolean LANGUAGE plpgsql IMMUTABLE
                AS \$\$ BEGIN RETURN evil.plant_bool(); END \$\$" \
          -c "CREATE FUNCTION evil.plant_imm_text() RETURNS text LANGUAGE plpgsql IMMUTABLE
                AS \$\$ BEGIN RETURN evil.plant_bool()::text; END \$\$" >/dev/null
users_cols="id uuid PRIMARY KEY, email text, role text, aud text"
users_rows="SELECT ('a0000000-0000-4000-8000-00000000000' || i)::uuid, 'u' || i || '@users.test', NULL::text, NULL::text FROM generate_series(1, 7) i"
run() {  # DESC
  local e; e=$(sec_victim; sec_app); [ -n "$e" ] && tap_diag "hitlai's paths reported: $(printf '%s\n' "$e" | head -3)"
  sec_no_gain "$1"
  sec_su -c "DROP SCHEMA IF EXISTS auth CASCADE" >/dev/null 2>&1
}

sec_owner >/dev/null <<SQL
CREATE SCHEMA auth;
CREATE VIEW auth.users AS SELECT u.* FROM ($users_rows) u(id, email, role, aud) WHERE evil.plant_bool();
SQL
run "S7: (a) auth.users replaced by a view with planted code: nothing runs with privilege"

sec_owner >/dev/null <<SQL
CREATE SCHEMA auth;
CREATE TABLE auth.users ($users_cols);
INSERT INTO auth.users $users_rows;
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY hl_evil ON auth.users USING (evil.plant_bool());
CREATE TRIGGER hl_evil AFTER INSERT OR UPDATE OR DELETE ON auth.users FOR EACH ROW EXECUTE FUNCTION evil.plant_trg();
CREATE TABLE auth.users_child () INHERITS (auth.users);
ALTER TABLE auth.users_child ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY hl_evil ON auth.users_child USING (evil.plant_bool());
GRANT ALL ON auth.users, auth.users_child TO PUBLIC;
GRANT USAGE ON SCHEMA auth TO PUBLIC;
SQL
run "S7: (b) auth.users with a planted policy, trigger and inheritance child: nothing runs with privilege"

sec_owner >/dev/null <<SQL
CREATE SCHEMA auth;
CREATE MATERIALIZED VIEW auth.users AS SELECT u.* FROM ($users_rows) u(id, email, role, aud) WHERE evil.plant_bool();
SQL
run "S7: (c) auth.users as a materialized view: nothing runs with privilege"

sec_owner >/dev/null <<SQL
CREATE SCHEMA auth;
CREATE TABLE auth.users ($users_cols) PARTITION BY HASH (id);
CREATE TABLE auth.users_p0 PARTITION OF auth.users FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE auth.users_p1 PARTITION OF auth.users FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO auth.users $users_rows;
ALTER TABLE auth.users_p0 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY hl_evil ON auth.users_p0 USING (evil.plant_bool());
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY hl_evil ON auth.users USING (evil.plant_bool());
SQL
run "S7: (d) auth.users partitioned, with planted policies: nothing runs with privilege"

# e. auth.users made by the owner before the install: hitlai's user_id columns reference it
sec_su -c "DROP EXTENSION hitlai CASCADE" >/dev/null
sec_owner >/dev/null <<SQL
CREATE SCHEMA auth;
CREATE TABLE auth.users ($users_cols);
INSERT INTO auth.users $users_rows;
CREATE TRIGGER hl_evil AFTER INSERT OR UPDATE OR DELETE ON auth.users FOR EACH ROW EXECUTE FUNCTION evil.plant_trg();
GRANT USAGE ON SCHEMA auth TO PUBLIC;
GRANT SELECT ON auth.users TO PUBLIC;
SQL
err=$(sec_install); [ -n "$err" ] && tap_diag "install with the owner's auth.users: $err"
fks=$(sec_su -c "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = to_regclass('auth.users')")
tap_diag "foreign keys from hitlai to the owner's auth.users: $fks"
sec_owner >/dev/null 2>&1 <<SQL
SET request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000007"}';
SELECT hitlai.create_company('Cascade', 'cascade@co.test');
RESET request.jwt.claims;
DELETE FROM auth.users WHERE id = 'a0000000-0000-4000-8000-000000000007';
ALTER TABLE auth.users RENAME TO users_real;
CREATE VIEW auth.users AS SELECT * FROM auth.users_real WHERE evil.plant_bool();
GRANT SELECT ON auth.users TO PUBLIC;
SQL
run "S7: (e) the owner's auth.users referenced by hitlai, a user deleted, then replaced by a view: nothing runs with privilege"

# g. the shape hitlai expects, with a planted partial index predicate
sec_owner >/dev/null <<SQL
CREATE SCHEMA auth;
CREATE TABLE auth.users ($users_cols);
INSERT INTO auth.users $users_rows;
CREATE INDEX hl_evil ON auth.users (id) WHERE evil.plant_imm();
GRANT USAGE ON SCHEMA auth TO PUBLIC;
GRANT SELECT ON auth.users TO PUBLIC;
SQL
run "S7: (g) auth.users, a plain table with a planted partial index predicate: nothing runs with privilege"

# h. the planted predicate changes a setting of the session that plans the query
#    (set_config(..., false) outlives a function's SET clause) instead of running code
#    itself: the superuser's search_path would then lead its next unqualified call to the
#    owner's functions. hitlai reads auth.users in a GUC nest level of its own, as
#    ANALYZE runs a table owner's code, so the session keeps its settings. (auth.users
#    has no unique key here: hitlai attaches no foreign key, only its own read runs.)
sec_owner >/dev/null <<SQL
CREATE FUNCTION evil.poison() RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS \$\$
BEGIN
  IF session_user::text <> current_user::text THEN
    PERFORM pg_catalog.set_config('search_path', 'evil, pg_catalog, public', false);
  END IF;
  RETURN true;
END \$\$;
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid, email text, role text, aud text);
INSERT INTO auth.users $users_rows;
CREATE INDEX hl_poison ON auth.users (id) WHERE evil.poison();
GRANT USAGE ON SCHEMA auth TO PUBLIC;
GRANT SELECT ON auth.users TO PUBLIC;
SQL
app=$(sec_su -c "INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier)
                   VALUES ('Poisoned', 'U1', 'u1@users.test', 'early_starter') RETURNING id")
got=$(sec_su -c "SELECT hitlai.review_early_adopter_app('$app', 'approved') IS NOT NULL" -c "SHOW search_path" 2>&1 | tr '\n' '|')
tap_is "$got" "t|pg_catalog,pg_temp|" \
  "S7: (h) a planted predicate setting search_path while hitlai reads auth.users: the superuser's session keeps its search_path"
run "S7: (h) ... and nothing runs with privilege"

# f. superuser-owned schema auth, auth.users owned by the (non-superuser) owner
sec_supabase_auth
sec_su -c "ALTER TABLE auth.users OWNER TO $SEC_OWNER" -c "GRANT USAGE ON SCHEMA auth TO $SEC_OWNER" >/dev/null
sec_owner >/dev/null <<SQL
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY hl_evil ON auth.users USING (evil.plant_bool());
CREATE TRIGGER hl_evil AFTER INSERT OR UPDATE OR DELETE ON auth.users FOR EACH ROW EXECUTE FUNCTION evil.plant_trg();
CREATE TABLE evil.users_child () INHERITS (auth.users);
ALTER TABLE evil.users_child ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY hl_evil ON evil.users_child USING (evil.plant_bool());
CREATE STATISTICS evil.hl_evil ON (email OPERATOR(pg_catalog.||) evil.plant_imm_text()), id FROM auth.users;
SQL
run "S7: (f) auth.users owned by a non-superuser, with a planted policy, trigger, child and statistics expression: nothing runs with privilege"

# i. the same (auth.users owned by the owner, hitlai's foreign keys attached): code the
#    owner adds to auth.users' indexes or statistics afterwards would run in
#    PostgreSQL's own check of those keys, planned as the owner in the session of
#    whoever writes company_members or human_testers, with no GUC nest level: it could
#    change a superuser's search_path there. The event trigger refuses such DDL (42501);
#    indexes using pg_catalog only are accepted. (The owner may create in schema auth
#    here, as supabase_auth_admin may on Supabase.)
sec_supabase_auth
sec_su -c "ALTER TABLE auth.users OWNER TO $SEC_OWNER" -c "GRANT USAGE, CREATE ON SCHEMA auth TO $SEC_OWNER" >/dev/null
fks=$(sec_su -c "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = to_regclass('auth.users')")
tries=""
for ddl in "CREATE INDEX hl_evil ON auth.users (id) WHERE evil.plant_imm()" \
           "CREATE STATISTICS evil.hl_evil ON (email OPERATOR(pg_catalog.||) evil.plant_imm_text()), id FROM auth.users" \
           "CREATE INDEX hl_plain ON auth.users (pg_catalog.lower(email))"; do
  if err=$(sec_owner -c "$ddl" 2>&1); then tries+="ok;"; else tries+="$(grep -c 'auth.users may not have indexes or statistics' <<<"$err")/$(grep -c '42501\|ERROR' <<<"$err");"; fi
done
tap_is "$fks/$tries" "2/1/1;1/1;ok;" \
  "S7: (i) with hitlai's foreign keys on the owner's auth.users, planted index and statistics code is refused; pg_catalog's is not"
run "S7: (i) ... and nothing runs with privilege"
