-- A realistic mix of HitlAI data (S8/S9 tests: 60_backup_restore.t, 61_upgrade.t).
--
-- Only the statements an application (or the platform's privileged back office) would
-- run: INSERTs and UPDATEs of the columns people write, never the counters the
-- triggers maintain (tests_used_this_month, milestones, tester stats, issues_found,
-- stats_*). So whatever triggers the installed version has fire here exactly as in
-- production, and the same file works on 0.1.0 (no triggers: counters stay at their
-- defaults) and on every later version. One statement per transaction (psql
-- autocommit), run as a privileged role; status moves follow T4's machine.
--
-- What it builds (as far as the schema of the installed version allows):
--   5 companies: at quota (Acme 5/5, Umbrella 10/10 with the default quota), under
--     quota (Globex 31/50), unlimited (Initech, 120 runs), none yet (Hooli);
--   members in every role, one invitation not yet accepted;
--   6 testers; runs in every status, inserted pending and moved, or inserted completed;
--   failed runs retried (failed -> pending); hybrid runs with assignments in every
--   assignment status, some completed (credited testers);
--   issues on many runs (one moved to another run, one deleted), a deleted run;
--   training rows for well-rated completed runs, some used for training, one whose
--   run's rating changed after use, one whose rating dropped below 4 before use;
--   4 milestones (2 reachable: unlocked when T1 exists, 2 locked);
--   fine-tuning jobs, webhooks (one inactive, one localhost), both application tables
--   with reviewed and pending rows.
\set ON_ERROR_STOP 1

-- D7: milestones first, so that every run below counts (T1)
INSERT INTO hitlai.milestones (phase, tests_required) VALUES
  ('private_alpha', 5), ('public_beta', 100), ('launch', 1000), ('scale', 100000);

-- D1: companies (emails in mixed case: T5 normalises them when it exists)
INSERT INTO hitlai.companies (name, email, industry, company_size, monthly_test_quota,
                              plan_type, stripe_customer_id, early_adopter_tier,
                              discount_percentage) VALUES
  ('Acme Shop', 'Ops@Acme.test', 'retail', '11-50', 5, 'starter', 'cus_acme', NULL, 0),
  ('Globex', 'qa@globex.test', 'fintech', '201-500', 50, 'pro', 'cus_globex', 'gold', 15),
  ('Initech', 'IT@initech.test', 'saas', '1-10', NULL, 'enterprise', 'cus_initech',
   'founding', 30);
INSERT INTO hitlai.companies (name, email, industry) VALUES
  ('Umbrella Labs', 'lab@umbrella.test', 'health'),  -- free plan, default quota 10
  ('Hooli', 'dev@hooli.test', 'search');

-- D2: members (user ids are the application's auth ids)
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
  SELECT c.id, gen_random_uuid(), r.role, CASE WHEN r.joined THEN now() END
    FROM hitlai.companies c
   CROSS JOIN (VALUES ('owner', true), ('admin', true), ('member', true), ('viewer', true),
                      ('member', false)) r(role, joined)
   WHERE c.name <> 'Hooli' OR r.role = 'owner';

-- D5: testers (a signed-in user creates the profile; verification is back office)
INSERT INTO hitlai.human_testers (user_id, email, display_name, age, gender, occupation,
                                  education_level, location_country, tech_literacy,
                                  primary_device, languages, years_of_testing_exp,
                                  previous_platforms) VALUES
  (gen_random_uuid(), 'Ana@Testers.test', 'Ana', 29, 'female', 'designer', 'master', 'PT',
   'expert', 'desktop', '{Portuguese,English}', 5, '{UserTesting}'),
  (gen_random_uuid(), 'bo@testers.test', 'Bo', 41, 'male', 'teacher', 'bachelor', 'SE',
   'medium', 'mobile', '{Swedish,English}', 1, '{}'),
  (gen_random_uuid(), 'chen@testers.test', 'Chen', 35, NULL, 'developer', 'phd', 'TW',
   'high', 'desktop', '{Mandarin,English}', 3, '{Testlio,Userlytics}'),
  (gen_random_uuid(), 'dede@testers.test', 'Dédé', 67, 'female', 'retired', NULL, 'FR',
   'low', 'tablet', '{French}', 0, '{}'),
  (gen_random_uuid(), 'eli@testers.test', 'Eli', 22, 'nonbinary', 'student', 'bachelor',
   'US', 'high', 'mobile', '{English,Spanish}', 2, '{}'),
  (gen_random_uuid(), 'fumi@testers.test', 'Fumi', 31, 'female', 'nurse', 'bachelor', 'JP',
   'medium', 'mobile', '{Japanese}', NULL, '{}');
UPDATE hitlai.human_testers SET is_verified = true, founding_tester_tier = 'pioneer',
                                revenue_share_pct = 80, equity_percentage = 0.05
 WHERE display_name IN ('Ana', 'Chen');
UPDATE hitlai.human_testers SET is_verified = true WHERE display_name IN ('Bo', 'Eli');

-- D3: runs. Acme: exactly its quota of 5, in every status.
INSERT INTO hitlai.test_runs (company_id, url, mission, persona, platform_details, cost)
  SELECT c.id, 'https://shop.acme.test/' || p, 'Buy a ' || p || ' as a new customer',
         'first-time buyer',
         '{"type": "web", "browser": "chrome", "device": "desktop",
           "viewport": {"width": 1440, "height": 900}, "os": "macos"}', 4.50
    FROM hitlai.companies c, unnest('{shoes,hats,socks,belts,bags}'::text[]) p
   WHERE c.name = 'Acme Shop';
UPDATE hitlai.test_runs SET status = 'running'
 WHERE url IN ('https://shop.acme.test/hats', 'https://shop.acme.test/socks',
               'https://shop.acme.test/belts');
UPDATE hitlai.test_runs SET status = 'failed', final_report = 'site unreachable (502)'
 WHERE url = 'https://shop.acme.test/belts';
UPDATE hitlai.test_runs SET status = 'completed', sentiment_score = 0.81,
       recommendations = '{"Show shipping costs earlier"}', positives = '{"Fast search"}',
       final_report = 'Checkout works; shipping surprise at the last step.',
       ai_model_used = 'gpt-4o', company_ai_rating = 5
 WHERE url = 'https://shop.acme.test/hats';

-- Umbrella: 10 runs on the default free quota of 10, inserted completed (T4 allows it)
INSERT INTO hitlai.test_runs (company_id, url, mission, test_type, platform_details, status,
                              sentiment_score, ai_model_used, company_ai_rating, cost,
                              execution_time_ms)
  SELECT c.id, 'https://portal.umbrella.test/page/' || g, 'Book a lab appointment', 'ai',
         '{"type": "mobile", "os": "android", "device": "mobile"}', 'completed',
         round((0.3 + g * 0.05)::numeric, 2), 'claude-3-5-sonnet', 1 + g % 5, 2.00,
         60000 + g * 1000
    FROM hitlai.companies c, generate_series(1, 10) g
   WHERE c.name = 'Umbrella Labs';

-- Globex: 31 of 50; AI, human and hybrid runs
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, test_type, persona,
                              platform_details, cost)
  SELECT c.id,
         CASE WHEN g % 3 = 0 THEN NULL
              ELSE (SELECT id FROM hitlai.human_testers
                     ORDER BY display_name OFFSET g % 6 LIMIT 1) END,
         'https://app.globex.test/flow/' || g, 'Transfer money to a new payee',
         CASE WHEN g % 3 = 0 THEN 'ai' WHEN g % 3 = 1 THEN 'human' ELSE 'hybrid' END,
         CASE WHEN g % 2 = 0 THEN 'retiree' ELSE 'power user' END,
         CASE WHEN g % 2 = 0 THEN '{"type": "web", "browser": "firefox", "os": "linux"}'::jsonb
              ELSE '{"type": "mobile", "os": "ios", "version": "17.4"}'::jsonb END,
         (10 + g)::numeric(10,2)
    FROM hitlai.companies c, generate_series(1, 31) g
   WHERE c.name = 'Globex';

-- D6: assignments on the human and hybrid runs (the run's own tester, plus others)
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status, started_at)
  SELECT r.id, t.id,
         CASE WHEN t.id = r.tester_id THEN 'assigned'
              WHEN (hashtext(r.url || t.display_name) & 3) = 0 THEN 'started'
              WHEN (hashtext(r.url || t.display_name) & 3) = 1 THEN 'declined'
              ELSE 'assigned' END,
         CASE WHEN t.id <> r.tester_id AND (hashtext(r.url || t.display_name) & 3) = 0
              THEN now() END
    FROM hitlai.test_runs r
    JOIN hitlai.human_testers t
      ON t.id = r.tester_id
      OR (r.test_type = 'hybrid' AND t.display_name IN ('Chen', 'Dédé', 'Eli')
          AND t.id IS DISTINCT FROM r.tester_id)
   WHERE r.test_type IN ('human', 'hybrid');
UPDATE hitlai.tester_assignments a SET status = 'expired'
  FROM hitlai.test_runs r
 WHERE r.id = a.test_run_id AND r.url = 'https://app.globex.test/flow/2'
   AND a.status = 'declined';
-- testers start the runs they were assigned
UPDATE hitlai.tester_assignments a SET status = 'started', started_at = now()
  FROM hitlai.test_runs r
 WHERE r.id = a.test_run_id AND a.status = 'assigned' AND a.tester_id = r.tester_id
   AND substring(r.url from '(\d+)$')::int % 4 <> 0;

-- D4: issues found while testing (before completion: T2's document lists them)
INSERT INTO hitlai.issues (test_run_id, title, description, severity, category,
                           element_selector, screenshot_url, metadata)
  SELECT r.id, s.title || ' (' || split_part(r.url, '/', 5) || ')', s.descr, s.severity,
         s.category, s.selector, 'https://cdn.globex.test/shots/' || md5(r.url || s.title) || '.png',
         s.metadata
    FROM hitlai.test_runs r
   CROSS JOIN (VALUES
     ('Payee form loses input', 'Going back clears every field', 'critical', 'forms',
      '#payee-form', '{"reproduction_steps": ["open transfer", "press back"],
        "expected_behavior": "fields kept", "actual_behavior": "fields empty",
        "browser_console_errors": ["TypeError: x is undefined"],
        "network_requests": [{"url": "https://api.globex.test/payees", "status": 500, "method": "POST"}],
        "device_info": {"user_agent": "Mozilla/5.0", "screen_resolution": "1440x900"}}'::jsonb),
     ('Low contrast on amounts', NULL, 'medium', 'accessibility', '.amount', '{}'::jsonb),
     ('Typo in confirmation', 'recieve', 'low', 'content', NULL, '{"expected_behavior": "receive"}'::jsonb)
   ) s(title, descr, severity, category, selector, metadata)
   WHERE r.url LIKE 'https://app.globex.test/flow/%'
     AND (substring(r.url from '(\d+)$')::int % 5 <> 0 OR s.severity = 'critical');
INSERT INTO hitlai.issues (test_run_id, title, severity, metadata)
  SELECT id, 'Shipping cost shown late', 'high', '{"reproduction_steps": ["add to cart", "checkout"]}'
    FROM hitlai.test_runs WHERE url = 'https://shop.acme.test/hats';

-- Globex runs move through the machine: most complete, some fail, some stay pending
UPDATE hitlai.test_runs SET status = 'running'
 WHERE url LIKE 'https://app.globex.test/flow/%' AND substring(url from '(\d+)$')::int % 7 <> 0;
UPDATE hitlai.test_runs SET status = 'failed', final_report = 'tester dropped out'
 WHERE url LIKE 'https://app.globex.test/flow/%' AND substring(url from '(\d+)$')::int % 7 = 3;
UPDATE hitlai.test_runs
   SET status = 'completed', sentiment_score = round((0.2 + (substring(url from '(\d+)$')::int % 8) * 0.1)::numeric, 2),
       recommendations = '{"Keep form state","Raise contrast"}', positives = '{"Clear steps"}',
       final_report = 'Transfer flow tested end to end.', ai_model_used = 'gpt-4o'
 WHERE url LIKE 'https://app.globex.test/flow/%' AND status = 'running'
   AND substring(url from '(\d+)$')::int % 7 NOT IN (1, 5);
-- the company rates the results afterwards (T2 captures ratings >= 4, T3 averages)
UPDATE hitlai.test_runs SET company_ai_rating = 1 + substring(url from '(\d+)$')::int % 5
 WHERE url LIKE 'https://app.globex.test/flow/%' AND status = 'completed';
-- a failed run is retried
UPDATE hitlai.test_runs SET status = 'pending', final_report = NULL
 WHERE url = 'https://app.globex.test/flow/10';

-- Initech: unlimited quota, a bulk of 120 AI runs in one statement (T7), most completed
INSERT INTO hitlai.test_runs (company_id, url, mission, test_type, platform_details, status,
                              sentiment_score, recommendations, positives, final_report,
                              cost, ai_model_used, company_ai_rating, created_at)
  SELECT c.id, 'https://erp.initech.test/screen/' || g, 'File a TPS report', 'ai',
         jsonb_build_object('type', (ARRAY['web', 'mobile', 'console', 'vr'])[1 + g % 4]),
         CASE WHEN g % 10 = 0 THEN 'pending' WHEN g % 10 = 1 THEN 'running'
              WHEN g % 10 = 2 THEN 'failed' ELSE 'completed' END,
         CASE WHEN g % 10 >= 3 THEN round((g % 100) / 100.0, 2) END,
         CASE WHEN g % 10 >= 3 THEN ARRAY['Fewer fields', 'Autosave'] ELSE '{}' END,
         CASE WHEN g % 10 >= 3 THEN ARRAY['Keyboard shortcuts'] ELSE '{}' END,
         CASE WHEN g % 10 >= 3 THEN 'Report ' || g END,
         1.25, CASE WHEN g % 10 >= 3 THEN 'claude-3-5-sonnet' END,
         CASE WHEN g % 10 >= 3 AND g % 4 <> 0 THEN 1 + g % 5 END,
         now() - make_interval(mins => g)
    FROM hitlai.companies c, generate_series(1, 120) g
   WHERE c.name = 'Initech';
INSERT INTO hitlai.issues (test_run_id, title, severity, category, created_at)
  SELECT r.id, 'Slow save (' || g || ')', (ARRAY['low', 'medium', 'high', 'critical'])[1 + g % 4],
         'performance', now() - make_interval(secs => g)
    FROM hitlai.test_runs r, generate_series(1, 3) g
   WHERE r.url LIKE 'https://erp.initech.test/screen/%' AND substring(r.url from '(\d+)$')::int % 6 = 0;

-- D10: training rows. T2 captures them when it exists; without it, the platform's
-- curation job writes the same documents (only where none exists).
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type)
  SELECT r.id,
         jsonb_build_object('url', r.url, 'mission', r.mission, 'persona', r.persona,
                            'platform', r.platform_details ->> 'type'),
         jsonb_build_object(
           'sentiment_score', r.sentiment_score,
           'issues', coalesce((SELECT jsonb_agg(jsonb_build_object('title', i.title, 'severity', i.severity)
                                                ORDER BY array_position('{critical,high,medium,low}'::text[], i.severity),
                                                         i.created_at, i.id)
                                 FROM hitlai.issues i WHERE i.test_run_id = r.id), '[]'),
           'recommendations', to_jsonb(r.recommendations), 'positives', to_jsonb(r.positives)),
         r.company_ai_rating, r.ai_model_used
    FROM hitlai.test_runs r
   WHERE r.status = 'completed' AND r.company_ai_rating >= 4
     AND NOT EXISTS (SELECT 1 FROM hitlai.training_data t WHERE t.test_run_id = r.id);
-- a fine-tuning export marks some rows used
UPDATE hitlai.training_data SET used_for_training = true
 WHERE test_run_id IN (SELECT id FROM hitlai.test_runs
                        WHERE url LIKE 'https://erp.initech.test/screen/%'
                          AND substring(url from '(\d+)$')::int % 3 = 0);
-- ratings change after the fact: one used row (kept as is), one unused row drops below 4
UPDATE hitlai.test_runs SET company_ai_rating = 4
 WHERE id = (SELECT r.id FROM hitlai.test_runs r JOIN hitlai.training_data t ON t.test_run_id = r.id
              WHERE t.used_for_training AND r.company_ai_rating = 5 ORDER BY r.url LIMIT 1);
UPDATE hitlai.test_runs SET company_ai_rating = 2
 WHERE id = (SELECT r.id FROM hitlai.test_runs r JOIN hitlai.training_data t ON t.test_run_id = r.id
              WHERE NOT t.used_for_training AND r.url LIKE 'https://erp.initech.test/%'
              ORDER BY r.url LIMIT 1);
DELETE FROM hitlai.training_data t USING hitlai.test_runs r
 WHERE r.id = t.test_run_id AND NOT t.used_for_training AND r.company_ai_rating < 4;

-- T6 movements: an issue moves to another run, one is deleted, a run is deleted
UPDATE hitlai.issues SET test_run_id = (SELECT id FROM hitlai.test_runs
                                         WHERE url = 'https://app.globex.test/flow/4')
 WHERE id = (SELECT id FROM hitlai.issues WHERE title = 'Typo in confirmation (6)');
DELETE FROM hitlai.issues WHERE title = 'Low contrast on amounts (8)';
-- (screen/18 has issues and a used training row: cascades through T2, T3, T6)
DELETE FROM hitlai.test_runs WHERE url = 'https://erp.initech.test/screen/18';

-- D11: fine-tuning jobs
INSERT INTO hitlai.fine_tuning_jobs (job_id, model_type, status, training_file_id,
                                     fine_tuned_model_id, hyperparameters, completed_at,
                                     error_message) VALUES
  ('ftjob-001', 'gpt-4o-mini', 'succeeded', 'file-001', 'ft:gpt-4o-mini:hitlai:001',
   '{"n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 0.1}', now(), NULL),
  ('ftjob-002', 'gpt-4o-mini', 'failed', 'file-002', NULL, '{"n_epochs": "auto"}', now(),
   'training file has too few examples'),
  ('ftjob-003', 'gpt-4o', 'running', 'file-003', NULL, '{}', NULL, NULL);
INSERT INTO hitlai.fine_tuning_jobs (model_type) VALUES ('claude-3-haiku');

-- D12: webhooks (secret generated by default)
INSERT INTO hitlai.webhooks (company_id, url, events)
  SELECT id, 'https://hooks.' || lower(split_part(name, ' ', 1)) || '.test/hitlai',
         '{test_run.completed,issue.created}'
    FROM hitlai.companies WHERE name IN ('Acme Shop', 'Globex', 'Initech');
INSERT INTO hitlai.webhooks (company_id, url, events, is_active)
  SELECT id, 'http://localhost:8080/dev-hook', '{test_run.created,test_run.failed}', false
    FROM hitlai.companies WHERE name = 'Globex';

-- D8/D9: applications (anyone inserts; the back office reviews some)
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, phone, website,
                                       company_size, industry, monthly_test_volume,
                                       current_approach, why_interested, selected_tier) VALUES
  ('Stark Industries', 'Pepper', 'Pepper@Stark.test', '+1 555 0100', 'https://stark.test',
   '1000+', 'manufacturing', 200, 'in-house QA', 'scale usability testing', 'founding'),
  ('Wayne Enterprises', 'Lucius', 'lucius@wayne.test', NULL, NULL, '1000+', 'conglomerate',
   50, NULL, NULL, 'gold'),
  ('Tiny Startup', 'Sam', 'sam@tiny.test', NULL, 'https://tiny.test', '1-10', 'saas', 0,
   'none', 'cheap tests', 'silver');
INSERT INTO hitlai.founding_tester_apps (full_name, email, phone, location, linkedin_url,
                                         portfolio_url, years_experience, specialties,
                                         platforms, availability_hours, why_interested,
                                         relevant_experience, sample_work_url, selected_tier) VALUES
  ('Grace H', 'Grace@Apps.test', NULL, 'Lisbon', 'https://linkedin.test/grace', NULL, 7,
   '{accessibility,mobile}', '{ios,android}', 20, 'love breaking apps', 'QA lead',
   'https://grace.test/work', 'pioneer'),
  ('Hal M', 'hal@apps.test', '+44 20 7946 0000', 'London', NULL, NULL, 0, '{}', '{web}', 5,
   NULL, NULL, NULL, 'early'),
  ('Ivy N', 'ivy@apps.test', NULL, NULL, NULL, 'https://ivy.test', 2, '{ecommerce}', '{web,ios}',
   168, 'full time', NULL, NULL, 'pioneer');
UPDATE hitlai.early_adopter_apps SET status = 'approved', reviewed_by = gen_random_uuid(),
       reviewed_at = now() WHERE company_name = 'Stark Industries';
UPDATE hitlai.early_adopter_apps SET status = 'waitlisted', reviewed_by = gen_random_uuid(),
       reviewed_at = now() WHERE company_name = 'Tiny Startup';
UPDATE hitlai.founding_tester_apps SET status = 'rejected', reviewed_by = gen_random_uuid(),
       reviewed_at = now() WHERE full_name = 'Hal M';
