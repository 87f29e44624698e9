-- hitlai demo: a small realistic sample and what hitlai does with it.
\set ON_ERROR_STOP 1
\pset footer off
CREATE EXTENSION hitlai;
\echo
\echo '== hitlai' `date -u +%F`
SELECT extversion AS "installed version", hitlai.version() AS "library version"
  FROM pg_extension WHERE extname = 'hitlai';

-- Platform milestones (configuration rows of the platform operator)
INSERT INTO hitlai.milestones (phase, tests_required) VALUES
  ('alpha', 5), ('beta', 12), ('launch', 1000);

-- Three companies on different plans. Emails are stored trimmed and lower-cased.
INSERT INTO hitlai.companies (name, email, industry, company_size, plan_type, monthly_test_quota) VALUES
  ('Acme Shop',    '  Ops@Acme-Shop.test ', 'e-commerce', '11-50',  'starter', 10),
  ('Fjord Bank',   'qa@fjordbank.test',     'finance',    '500+',   'enterprise', NULL),
  ('Tiny Games',   'hello@tinygames.test',  'gaming',     '1-10',   'free', 3);

-- Human testers
INSERT INTO hitlai.human_testers (user_id, email, display_name, age, location_country,
                                  tech_literacy, primary_device, languages, revenue_share_pct)
VALUES
  (gen_random_uuid(), 'Maria@Testers.test', 'Maria', 34, 'ES', 'high',   'mobile',  '{Spanish,English}', 70),
  (gen_random_uuid(), 'kenji@testers.test', 'Kenji', 27, 'JP', 'expert', 'desktop', '{Japanese,English}', 75),
  (gen_random_uuid(), 'ola@testers.test',   'Ola',   45, 'NO', 'medium', 'tablet',  '{Norwegian}', 70);

-- Test runs: AI-only, human and hybrid, on web and mobile
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, test_type, persona, platform_details, cost)
SELECT c.id, t.id, r.url, r.mission, r.test_type, r.persona, r.platform::jsonb, r.cost
  FROM (VALUES
    ('Acme Shop',  NULL,    'https://acme-shop.test/checkout', 'Buy a red shoe as a new customer', 'ai',     'casual_user',
     '{"type":"web","browser":"chrome","viewport":{"width":1920,"height":1080}}', 4.00),
    ('Acme Shop',  'Maria', 'https://acme-shop.test/returns',  'Return an item bought last week',  'human',  'returning_customer',
     '{"type":"mobile","device":"mobile","os":"ios"}', 25.00),
    ('Fjord Bank', 'Kenji', 'https://app.fjordbank.test/pay',  'Pay an invoice with a new payee',  'hybrid', 'first_time_user',
     '{"type":"web","browser":"firefox","os":"linux"}', 60.00),
    ('Tiny Games', NULL,    'https://tinygames.test/',          'Start a game and find settings',   'ai',     NULL,
     '{"type":"web"}', 2.50)
  ) AS r(company, tester, url, mission, test_type, persona, platform, cost)
  JOIN hitlai.companies c ON c.name = r.company
  LEFT JOIN hitlai.human_testers t ON t.display_name = r.tester;

INSERT INTO hitlai.issues (test_run_id, title, severity, category, metadata)
SELECT tr.id, i.title, i.severity, i.category, i.metadata::jsonb
  FROM (VALUES
    ('https://acme-shop.test/checkout', 'Payment form validation broken', 'critical', 'functional',
     '{"reproduction_steps":["Open checkout","Enter card","Submit"],"network_requests":[{"url":"https://api.acme-shop.test/pay","status":500,"method":"POST"}]}'),
    ('https://acme-shop.test/checkout', 'Coupon field hidden on mobile', 'medium', 'layout', '{}'),
    ('https://app.fjordbank.test/pay',  'IBAN error message unclear',    'low',      'copy',   '{"expected_behavior":"Says what is wrong","actual_behavior":"Shows code E17"}')
  ) AS i(url, title, severity, category, metadata)
  JOIN hitlai.test_runs tr ON tr.url = i.url;

\echo
\echo '== companies (emails normalised)'
SELECT name, email, plan_type, monthly_test_quota AS quota, tests_used_this_month AS used
  FROM hitlai.companies ORDER BY name;

\echo '== test runs'
SELECT c.name AS company, tr.test_type, tr.platform_details ->> 'type' AS platform,
       tr.status, tr.issues_found, tr.cost
  FROM hitlai.test_runs tr JOIN hitlai.companies c ON c.id = tr.company_id
 ORDER BY c.name, tr.url;

\echo '== a bad document is refused with the path of the problem'
\set ON_ERROR_STOP 0
\set VERBOSITY default
INSERT INTO hitlai.test_runs (company_id, url, mission)
SELECT id, 'not a url', 'x' FROM hitlai.companies WHERE name = 'Acme Shop';
\set ON_ERROR_STOP 1
