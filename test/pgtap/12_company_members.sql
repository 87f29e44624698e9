-- D2 company_members: columns, FK to companies ON DELETE CASCADE, role CHECK,
-- UNIQUE(company_id, user_id).
BEGIN;
SELECT plan(50);

\ir include/row_helpers.sql
\ir include/spec_helpers.sql

INSERT INTO spec VALUES
  ('company_members', 1, 'id',         'uuid',                     true,  'gen_random_uuid()'),
  ('company_members', 2, 'company_id', 'uuid',                     true,  NULL),
  ('company_members', 3, 'user_id',    'uuid',                     true,  NULL),
  ('company_members', 4, 'role',       'text',                     true,  'member'),
  ('company_members', 5, 'invited_at', 'timestamp with time zone', true,  'now()'),
  ('company_members', 6, 'joined_at',  'timestamp with time zone', false, NULL);
SELECT pg_temp.column_tests('company_members', 'D2');

-- Foreign key (D2, D14 index checked in 10_shape.sql).
SELECT fk_ok('hitlai', 'company_members', 'company_id', 'hitlai', 'companies', 'id',
             'D2: company_members.company_id references companies(id)');
SELECT is(pg_temp.fk_action('company_members', 'company_id'), 'c'::"char",
          'D2: company_members.company_id is ON DELETE CASCADE (pg_constraint.confdeltype)');

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@d2.test', NULL),
  ('00000000-0000-0000-0000-0000000000c2', 'Beta', 'beta@d2.test', NULL);
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-00000000a001', 'owner', now());

SELECT pg_temp.not_null_tests('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c1", "user_id": "00000000-0000-0000-0000-00000000a0ff"}', 'D2');
SELECT throws_ok(pg_temp.ins('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000ff", "user_id": "00000000-0000-0000-0000-00000000a0ff"}'),
  '23503', NULL, 'D2: a member of a company that does not exist is rejected with 23503');

-- role CHECK and boundary values
SELECT pg_temp.rejects_check('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c1", "user_id": "00000000-0000-0000-0000-00000000a0f1", "role": "guest"}',
  'company_members_role_check', 'D2: role ''guest'' rejected with 23514');
SELECT pg_temp.rejects_check('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c1", "user_id": "00000000-0000-0000-0000-00000000a0f2", "role": "Owner"}',
  'company_members_role_check', 'D2: role is case-sensitive (''Owner'' rejected)');
SELECT pg_temp.accepts('company_members',
  jsonb_build_object('company_id', '00000000-0000-0000-0000-0000000000c2', 'user_id', u, 'role', r),
  format('D2: role ''%s'' accepted', r))
  FROM (VALUES ('owner', '00000000-0000-0000-0000-00000000b001'), ('admin', '00000000-0000-0000-0000-00000000b002'),
               ('member', '00000000-0000-0000-0000-00000000b003'), ('viewer', '00000000-0000-0000-0000-00000000b004')) v(r, u);
SELECT is((SELECT row(role, joined_at IS NULL, invited_at = now())::text FROM hitlai.company_members
            WHERE company_id = '00000000-0000-0000-0000-0000000000c1'
              AND user_id = '00000000-0000-0000-0000-00000000a001'),
          row('owner', false, true)::text, 'D2: the inserted owner row holds what was given and invited_at = now()');

-- UNIQUE(company_id, user_id)
SELECT col_is_unique('hitlai', 'company_members', ARRAY['company_id', 'user_id']::name[],
                     'D2: UNIQUE(company_id, user_id)');
SELECT pg_temp.rejects_dup('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c1", "user_id": "00000000-0000-0000-0000-00000000a001", "role": "viewer"}',
  'company_members_company_id_user_id_key', 'D2: the same user twice in one company is rejected with 23505');
SELECT pg_temp.accepts('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c2", "user_id": "00000000-0000-0000-0000-00000000a001"}',
  'D2: the same user may be a member of another company');
SELECT is((SELECT role FROM hitlai.company_members
            WHERE company_id = '00000000-0000-0000-0000-0000000000c2' AND user_id = '00000000-0000-0000-0000-00000000a001'),
          'member', 'D2: role defaults to member');

SELECT is((SELECT count(*) FROM hitlai.company_members
            WHERE company_id IN ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000c2')),
          6::bigint, 'D2: rejected rows wrote nothing (1 base + 5 accepted rows)');

-- ON DELETE CASCADE by behaviour: deleting a company deletes its members (the last owner
-- included), and only its members.
DELETE FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT count(*) FROM hitlai.company_members WHERE company_id = '00000000-0000-0000-0000-0000000000c1'),
          0::bigint, 'D2: deleting a company deletes its members (ON DELETE CASCADE)');
SELECT is((SELECT count(*) FROM hitlai.company_members WHERE company_id = '00000000-0000-0000-0000-0000000000c2'),
          5::bigint, 'D2: members of other companies are untouched');

SELECT * FROM finish();
ROLLBACK;
