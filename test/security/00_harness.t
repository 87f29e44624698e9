#!/usr/bin/env bash
# The security suite's harness, checked without any attack: a non-superuser database
# owner installs hitlai as a trusted extension (S7) into a Supabase-style database (S6),
# the superuser's and the application roles' exercises (lib/victim.sql, lib/app.sql) run
# without error, and the probe reports no gain. If this file fails, the other files'
# verdicts mean nothing.
source "$(dirname "$0")/lib/sec.sh"
tap_plan 5
sec_init harness || exit 1
sec_supabase_auth
err=$(sec_install); tap_ok $? "S7: the database owner (not superuser) installs hitlai (trusted)"
[ -n "$err" ] && tap_diag "$err"
err=$(sec_victim); tap_is "$err" "" "harness: hitlai's privileged paths run without error as the superuser"
err=$(sec_app); tap_is "$err" "" "harness: hitlai's paths run without error as service_role, authenticated and anon"
sec_su -c "CREATE FUNCTION public.hl_probe_self() RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
$(sec_plant_body self)
END \$\$" >/dev/null
sec_su -c "SELECT public.hl_probe_self()" >/dev/null 2>&1
hits=$(sec_su -c "SELECT last_value FROM hl_probe.hits")
tap_is "$hits" 1 "harness: planted code run by the superuser is detected"
sec_reset
sec_no_gain "harness: the probe is clean again"
