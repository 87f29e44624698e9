-- The twelve tables (D1-D14) in their 0.2.0 form: the columns of 0.1.0, then the stats_*
-- columns 0.2.0 added (same positions as after an upgrade), the CHECK constraints of both
-- (J1-J6 included) and every index. Column names are exactly the seed's; CHECK
-- constraints are named after PostgreSQL's own convention (<table>_<column>_check).
-- S7: every function, operator and relation is schema-qualified, types included; an IN
-- list is written `x OPERATOR(pg_catalog.=) ANY (ARRAY[...]::pg_catalog.text[])` and a
-- BETWEEN as two comparisons: exactly the expressions PostgreSQL builds from IN and
-- BETWEEN, so the stored constraints are the same as those of 0.1.0 and 0.2.0.

-- D1
CREATE TABLE @extschema@.companies (
  id                    pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  name                  pg_catalog.text NOT NULL,
  email                 pg_catalog.text NOT NULL,
  industry              pg_catalog.text,
  company_size          pg_catalog.text,
  tests_used_this_month integer NOT NULL DEFAULT 0,
  monthly_test_quota    integer DEFAULT 10,
  plan_type             pg_catalog.text NOT NULL DEFAULT 'free'::pg_catalog.text,
  stripe_customer_id    pg_catalog.text,
  early_adopter_tier    pg_catalog.text,
  discount_percentage   numeric(5,2) NOT NULL DEFAULT 0,
  created_at            pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  usage_period_start    pg_catalog.date NOT NULL
                        DEFAULT (pg_catalog.date_trunc('month'::pg_catalog.text,
                                   pg_catalog.timezone('UTC'::pg_catalog.text, pg_catalog.now())))::pg_catalog.date,
  -- 0.2.0 (V1): maintained by the compiled triggers.
  stats_run_count       bigint        NOT NULL DEFAULT 0,
  stats_cost_sum        numeric(30,2) NOT NULL DEFAULT 0,
  stats_sentiment_sum   numeric(30,2) NOT NULL DEFAULT 0,
  stats_sentiment_count bigint        NOT NULL DEFAULT 0,
  CONSTRAINT companies_email_key UNIQUE (email),
  CONSTRAINT companies_stripe_customer_id_key UNIQUE (stripe_customer_id),
  CONSTRAINT companies_tests_used_this_month_check
    CHECK (tests_used_this_month OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT companies_monthly_test_quota_check
    CHECK (monthly_test_quota OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT companies_plan_type_check
    CHECK (plan_type OPERATOR(pg_catalog.=) ANY
           (ARRAY['free', 'starter', 'pro', 'enterprise']::pg_catalog.text[])),
  CONSTRAINT companies_discount_percentage_check
    CHECK (discount_percentage OPERATOR(pg_catalog.>=) 0
           AND discount_percentage OPERATOR(pg_catalog.<=) 100),
  CONSTRAINT companies_usage_period_start_check
    CHECK (usage_period_start OPERATOR(pg_catalog.=)
           (pg_catalog.date_trunc('month'::pg_catalog.text, usage_period_start))::pg_catalog.date)
);
COMMENT ON TABLE @extschema@.companies IS 'D1: customers ordering usability tests';
COMMENT ON COLUMN @extschema@.companies.monthly_test_quota IS 'Q1: NULL means unlimited';
COMMENT ON COLUMN @extschema@.companies.usage_period_start IS
  'Q2: first day (UTC) of the calendar month tests_used_this_month counts';
COMMENT ON COLUMN @extschema@.companies.stats_run_count IS
  'V1: number of test_runs of the company (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.companies.stats_cost_sum IS
  'V1: sum of test_runs.cost of the company (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.companies.stats_sentiment_sum IS
  'V1: sum of non-NULL test_runs.sentiment_score of the company (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.companies.stats_sentiment_count IS
  'V1: number of non-NULL test_runs.sentiment_score of the company (maintained by hitlai)';
CREATE INDEX idx_companies_email ON @extschema@.companies (email);
CREATE INDEX idx_companies_stripe_customer_id ON @extschema@.companies (stripe_customer_id);

-- D2
CREATE TABLE @extschema@.company_members (
  id         pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  company_id pg_catalog.uuid NOT NULL REFERENCES @extschema@.companies (id) ON DELETE CASCADE,
  user_id    pg_catalog.uuid NOT NULL,
  role       pg_catalog.text NOT NULL DEFAULT 'member'::pg_catalog.text,
  invited_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  joined_at  pg_catalog.timestamptz,
  CONSTRAINT company_members_company_id_user_id_key UNIQUE (company_id, user_id),
  CONSTRAINT company_members_role_check
    CHECK (role OPERATOR(pg_catalog.=) ANY
           (ARRAY['owner', 'admin', 'member', 'viewer']::pg_catalog.text[]))
);
COMMENT ON TABLE @extschema@.company_members IS
  'D2: users of a company; joined_at NULL means an invitation not yet accepted (no access)';
-- company_id is covered by the unique index (company_id, user_id).
CREATE INDEX idx_company_members_user_id ON @extschema@.company_members (user_id, company_id);

-- D5
CREATE TABLE @extschema@.human_testers (
  id                   pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  user_id              pg_catalog.uuid NOT NULL,
  email                pg_catalog.text NOT NULL,
  display_name         pg_catalog.text NOT NULL,
  age                  integer,
  gender               pg_catalog.text,
  occupation           pg_catalog.text,
  education_level      pg_catalog.text,
  location_country     pg_catalog.text,
  tech_literacy        pg_catalog.text,
  primary_device       pg_catalog.text,
  languages            pg_catalog.text[] NOT NULL DEFAULT '{}'::pg_catalog.text[],
  years_of_testing_exp integer,
  previous_platforms   pg_catalog.text[] NOT NULL DEFAULT '{}'::pg_catalog.text[],
  is_verified          boolean NOT NULL DEFAULT false,
  average_rating       numeric(3,2) NOT NULL DEFAULT 0,
  tests_completed      integer NOT NULL DEFAULT 0,
  total_earnings       numeric(12,2) NOT NULL DEFAULT 0,
  founding_tester_tier pg_catalog.text,
  revenue_share_pct    numeric(5,2) NOT NULL DEFAULT 70,
  equity_percentage    numeric(7,4) NOT NULL DEFAULT 0,
  created_at           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  -- 0.2.0 (V2, T3): maintained by the compiled triggers.
  stats_active_assignments bigint NOT NULL DEFAULT 0,
  stats_rating_sum         bigint NOT NULL DEFAULT 0,
  stats_rating_count       bigint NOT NULL DEFAULT 0,
  CONSTRAINT human_testers_user_id_key UNIQUE (user_id),
  CONSTRAINT human_testers_email_key UNIQUE (email),
  CONSTRAINT human_testers_age_check CHECK (age OPERATOR(pg_catalog.>=) 18),
  CONSTRAINT human_testers_location_country_check
    CHECK (@extschema@.is_country_code(location_country)),
  CONSTRAINT human_testers_tech_literacy_check
    CHECK (tech_literacy OPERATOR(pg_catalog.=) ANY
           (ARRAY['low', 'medium', 'high', 'expert']::pg_catalog.text[])),
  CONSTRAINT human_testers_primary_device_check
    CHECK (primary_device OPERATOR(pg_catalog.=) ANY
           (ARRAY['desktop', 'mobile', 'tablet']::pg_catalog.text[])),
  CONSTRAINT human_testers_years_of_testing_exp_check
    CHECK (years_of_testing_exp OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT human_testers_average_rating_check
    CHECK (average_rating OPERATOR(pg_catalog.>=) 0
           AND average_rating OPERATOR(pg_catalog.<=) 5),
  CONSTRAINT human_testers_tests_completed_check
    CHECK (tests_completed OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT human_testers_total_earnings_check
    CHECK (total_earnings OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT human_testers_revenue_share_pct_check
    CHECK (revenue_share_pct OPERATOR(pg_catalog.>=) 0
           AND revenue_share_pct OPERATOR(pg_catalog.<=) 100),
  CONSTRAINT human_testers_equity_percentage_check
    CHECK (equity_percentage OPERATOR(pg_catalog.>=) 0
           AND equity_percentage OPERATOR(pg_catalog.<=) 100),
  -- J3
  CONSTRAINT human_testers_languages_check
    CHECK (@extschema@.check_text_list(languages, 'human_testers'::pg_catalog.text,
                                       'languages'::pg_catalog.text)),
  CONSTRAINT human_testers_previous_platforms_check
    CHECK (@extschema@.check_text_list(previous_platforms, 'human_testers'::pg_catalog.text,
                                       'previous_platforms'::pg_catalog.text))
);
COMMENT ON TABLE @extschema@.human_testers IS 'D5: human tester profiles (one per user)';
COMMENT ON COLUMN @extschema@.human_testers.stats_active_assignments IS
  'V2: number of test_runs with tester_id = this tester in pending or running (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.human_testers.stats_rating_sum IS
  'T3: sum of company_ai_rating over rated runs with a completed assignment of this tester (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.human_testers.stats_rating_count IS
  'T3: number of rated runs with a completed assignment of this tester (maintained by hitlai)';
CREATE INDEX idx_human_testers_user_id ON @extschema@.human_testers (user_id);
CREATE INDEX idx_human_testers_is_verified ON @extschema@.human_testers (is_verified);

-- D3
CREATE TABLE @extschema@.test_runs (
  id                pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  company_id        pg_catalog.uuid NOT NULL REFERENCES @extschema@.companies (id) ON DELETE CASCADE,
  tester_id         pg_catalog.uuid REFERENCES @extschema@.human_testers (id) ON DELETE SET NULL,
  url               pg_catalog.text NOT NULL,
  mission           pg_catalog.text NOT NULL,
  test_type         pg_catalog.text NOT NULL DEFAULT 'ai'::pg_catalog.text,
  persona           pg_catalog.text,
  platform_details  pg_catalog.jsonb NOT NULL DEFAULT '{"type": "web"}'::pg_catalog.jsonb,
  status            pg_catalog.text NOT NULL DEFAULT 'pending'::pg_catalog.text,
  sentiment_score   numeric(3,2),
  issues_found      integer NOT NULL DEFAULT 0,
  recommendations   pg_catalog.text[] NOT NULL DEFAULT '{}'::pg_catalog.text[],
  positives         pg_catalog.text[] NOT NULL DEFAULT '{}'::pg_catalog.text[],
  final_report      pg_catalog.text,
  cost              numeric(10,2) NOT NULL DEFAULT 0,
  ai_model_used     pg_catalog.text,
  company_ai_rating smallint,
  execution_time_ms bigint,
  created_at        pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  completed_at      pg_catalog.timestamptz,
  CONSTRAINT test_runs_url_check CHECK (@extschema@.is_http_url(url)),
  CONSTRAINT test_runs_test_type_check
    CHECK (test_type OPERATOR(pg_catalog.=) ANY
           (ARRAY['ai', 'human', 'hybrid']::pg_catalog.text[])),
  CONSTRAINT test_runs_status_check
    CHECK (status OPERATOR(pg_catalog.=) ANY
           (ARRAY['pending', 'running', 'completed', 'failed']::pg_catalog.text[])),
  CONSTRAINT test_runs_sentiment_score_check
    CHECK (sentiment_score OPERATOR(pg_catalog.>=) 0
           AND sentiment_score OPERATOR(pg_catalog.<=) 1),
  CONSTRAINT test_runs_issues_found_check CHECK (issues_found OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT test_runs_cost_check CHECK (cost OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT test_runs_company_ai_rating_check
    CHECK (company_ai_rating OPERATOR(pg_catalog.>=) 1
           AND company_ai_rating OPERATOR(pg_catalog.<=) 5),
  CONSTRAINT test_runs_execution_time_ms_check
    CHECK (execution_time_ms OPERATOR(pg_catalog.>=) 0),
  -- J1
  CONSTRAINT test_runs_platform_details_check
    CHECK (@extschema@.check_platform_details(platform_details))
);
COMMENT ON TABLE @extschema@.test_runs IS 'D3: one usability test of an app, by AI, humans or both';
CREATE INDEX idx_test_runs_company_id ON @extschema@.test_runs (company_id);
CREATE INDEX idx_test_runs_tester_id ON @extschema@.test_runs (tester_id);
CREATE INDEX idx_test_runs_status ON @extschema@.test_runs (status);
CREATE INDEX idx_test_runs_created_at ON @extschema@.test_runs (created_at DESC);
CREATE INDEX idx_test_runs_platform_type
  ON @extschema@.test_runs ((platform_details OPERATOR(pg_catalog.->>) 'type'::pg_catalog.text));
-- 0.2.0, for the row-level security policies (A2; measured with bench/ rls_read): a
-- member reads the newest runs of a company (`company_id = … ORDER BY created_at DESC
-- LIMIT n`, the company from an explicit filter or from test_runs_select).
CREATE INDEX idx_test_runs_company_created_at
  ON @extschema@.test_runs (company_id, created_at DESC);

-- D4
CREATE TABLE @extschema@.issues (
  id               pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  test_run_id      pg_catalog.uuid NOT NULL REFERENCES @extschema@.test_runs (id) ON DELETE CASCADE,
  title            pg_catalog.text NOT NULL,
  description      pg_catalog.text,
  severity         pg_catalog.text NOT NULL DEFAULT 'medium'::pg_catalog.text,
  category         pg_catalog.text,
  element_selector pg_catalog.text,
  screenshot_url   pg_catalog.text,
  metadata         pg_catalog.jsonb NOT NULL DEFAULT '{}'::pg_catalog.jsonb,
  created_at       pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT issues_severity_check
    CHECK (severity OPERATOR(pg_catalog.=) ANY
           (ARRAY['low', 'medium', 'high', 'critical']::pg_catalog.text[])),
  -- J2
  CONSTRAINT issues_metadata_check CHECK (@extschema@.check_issue_metadata(metadata))
);
COMMENT ON TABLE @extschema@.issues IS 'D4: problems found during a test run';
CREATE INDEX idx_issues_test_run_id ON @extschema@.issues (test_run_id);
CREATE INDEX idx_issues_severity ON @extschema@.issues (severity);
CREATE INDEX idx_issues_metadata ON @extschema@.issues USING gin (metadata);

-- D6
CREATE TABLE @extschema@.tester_assignments (
  id           pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  test_run_id  pg_catalog.uuid NOT NULL REFERENCES @extschema@.test_runs (id) ON DELETE CASCADE,
  tester_id    pg_catalog.uuid NOT NULL REFERENCES @extschema@.human_testers (id) ON DELETE CASCADE,
  assigned_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  started_at   pg_catalog.timestamptz,
  completed_at pg_catalog.timestamptz,
  status       pg_catalog.text NOT NULL DEFAULT 'assigned'::pg_catalog.text,
  CONSTRAINT tester_assignments_test_run_id_tester_id_key UNIQUE (test_run_id, tester_id),
  CONSTRAINT tester_assignments_status_check
    CHECK (status OPERATOR(pg_catalog.=) ANY
           (ARRAY['assigned', 'started', 'completed', 'declined', 'expired']::pg_catalog.text[]))
);
COMMENT ON TABLE @extschema@.tester_assignments IS 'D6: human testers assigned to a run';
-- test_run_id is covered by the unique index (test_run_id, tester_id).
CREATE INDEX idx_tester_assignments_tester_id ON @extschema@.tester_assignments (tester_id);

-- D7
CREATE TABLE @extschema@.milestones (
  id              pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  phase           pg_catalog.text NOT NULL,
  tests_required  integer NOT NULL,
  tests_completed integer NOT NULL DEFAULT 0,
  is_unlocked     boolean NOT NULL DEFAULT false,
  unlocked_at     pg_catalog.timestamptz,
  created_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  updated_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT milestones_phase_key UNIQUE (phase),
  CONSTRAINT milestones_tests_required_check CHECK (tests_required OPERATOR(pg_catalog.>) 0),
  CONSTRAINT milestones_tests_completed_check CHECK (tests_completed OPERATOR(pg_catalog.>=) 0)
);
COMMENT ON TABLE @extschema@.milestones IS
  'D7: platform milestones (configuration: rows you add are dumped by pg_dump)';

-- D8
CREATE TABLE @extschema@.early_adopter_apps (
  id                  pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  company_name        pg_catalog.text NOT NULL,
  contact_name        pg_catalog.text NOT NULL,
  email               pg_catalog.text NOT NULL,
  phone               pg_catalog.text,
  website             pg_catalog.text,
  company_size        pg_catalog.text,
  industry            pg_catalog.text,
  monthly_test_volume integer,
  current_approach    pg_catalog.text,
  why_interested      pg_catalog.text,
  selected_tier       pg_catalog.text NOT NULL,
  status              pg_catalog.text NOT NULL DEFAULT 'pending'::pg_catalog.text,
  reviewed_by         pg_catalog.uuid,
  reviewed_at         pg_catalog.timestamptz,
  created_at          pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT early_adopter_apps_monthly_test_volume_check
    CHECK (monthly_test_volume OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT early_adopter_apps_status_check
    CHECK (status OPERATOR(pg_catalog.=) ANY
           (ARRAY['pending', 'approved', 'rejected', 'waitlisted']::pg_catalog.text[]))
);
COMMENT ON TABLE @extschema@.early_adopter_apps IS 'D8: applications of companies to the early-adopter programme';

-- D9
CREATE TABLE @extschema@.founding_tester_apps (
  id                  pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  full_name           pg_catalog.text NOT NULL,
  email               pg_catalog.text NOT NULL,
  phone               pg_catalog.text,
  location            pg_catalog.text,
  linkedin_url        pg_catalog.text,
  portfolio_url       pg_catalog.text,
  years_experience    integer,
  specialties         pg_catalog.text[] NOT NULL DEFAULT '{}'::pg_catalog.text[],
  platforms           pg_catalog.text[] NOT NULL DEFAULT '{}'::pg_catalog.text[],
  availability_hours  integer,
  why_interested      pg_catalog.text,
  relevant_experience pg_catalog.text,
  sample_work_url     pg_catalog.text,
  selected_tier       pg_catalog.text NOT NULL,
  status              pg_catalog.text NOT NULL DEFAULT 'pending'::pg_catalog.text,
  reviewed_by         pg_catalog.uuid,
  reviewed_at         pg_catalog.timestamptz,
  created_at          pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT founding_tester_apps_years_experience_check
    CHECK (years_experience OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT founding_tester_apps_availability_hours_check
    CHECK (availability_hours OPERATOR(pg_catalog.>=) 0
           AND availability_hours OPERATOR(pg_catalog.<=) 168),
  CONSTRAINT founding_tester_apps_status_check
    CHECK (status OPERATOR(pg_catalog.=) ANY
           (ARRAY['pending', 'approved', 'rejected', 'waitlisted']::pg_catalog.text[])),
  -- J3
  CONSTRAINT founding_tester_apps_specialties_check
    CHECK (@extschema@.check_text_list(specialties, 'founding_tester_apps'::pg_catalog.text,
                                       'specialties'::pg_catalog.text)),
  CONSTRAINT founding_tester_apps_platforms_check
    CHECK (@extschema@.check_text_list(platforms, 'founding_tester_apps'::pg_catalog.text,
                                       'platforms'::pg_catalog.text))
);
COMMENT ON TABLE @extschema@.founding_tester_apps IS 'D9: applications of testers to the founding-tester programme';

-- D10
CREATE TABLE @extschema@.training_data (
  id                pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  test_run_id       pg_catalog.uuid NOT NULL REFERENCES @extschema@.test_runs (id) ON DELETE CASCADE,
  input_data        pg_catalog.jsonb NOT NULL,
  output_data       pg_catalog.jsonb NOT NULL,
  rating            smallint,
  model_type        pg_catalog.text,
  used_for_training boolean NOT NULL DEFAULT false,
  created_at        pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT training_data_test_run_id_key UNIQUE (test_run_id),
  CONSTRAINT training_data_rating_check
    CHECK (rating OPERATOR(pg_catalog.>=) 1 AND rating OPERATOR(pg_catalog.<=) 5),
  -- J4, J5
  CONSTRAINT training_data_input_data_check
    CHECK (@extschema@.check_training_input(input_data)),
  CONSTRAINT training_data_output_data_check
    CHECK (@extschema@.check_training_output(output_data))
);
COMMENT ON TABLE @extschema@.training_data IS
  'D10: well-rated completed runs captured as training examples (1:1 with test_runs)';

-- D11
CREATE TABLE @extschema@.fine_tuning_jobs (
  id                  pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  job_id              pg_catalog.text,
  model_type          pg_catalog.text NOT NULL,
  status              pg_catalog.text NOT NULL DEFAULT 'pending'::pg_catalog.text,
  training_file_id    pg_catalog.text,
  fine_tuned_model_id pg_catalog.text,
  hyperparameters     pg_catalog.jsonb NOT NULL DEFAULT '{}'::pg_catalog.jsonb,
  created_at          pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  completed_at        pg_catalog.timestamptz,
  error_message       pg_catalog.text,
  CONSTRAINT fine_tuning_jobs_job_id_key UNIQUE (job_id),
  CONSTRAINT fine_tuning_jobs_status_check
    CHECK (status OPERATOR(pg_catalog.=) ANY
           (ARRAY['pending', 'validating_files', 'queued', 'running', 'succeeded',
                  'failed', 'cancelled']::pg_catalog.text[])),
  -- J6
  CONSTRAINT fine_tuning_jobs_hyperparameters_check
    CHECK (@extschema@.check_hyperparameters(hyperparameters))
);
COMMENT ON TABLE @extschema@.fine_tuning_jobs IS 'D11: fine-tuning jobs at the model provider';

-- D12
CREATE TABLE @extschema@.webhooks (
  id         pg_catalog.uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  company_id pg_catalog.uuid NOT NULL REFERENCES @extschema@.companies (id) ON DELETE CASCADE,
  url        pg_catalog.text NOT NULL,
  events     pg_catalog.text[] NOT NULL,
  secret     pg_catalog.text NOT NULL DEFAULT @extschema@.new_webhook_secret(),
  is_active  boolean NOT NULL DEFAULT true,
  created_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT webhooks_company_id_url_key UNIQUE (company_id, url),
  CONSTRAINT webhooks_url_check CHECK (@extschema@.is_webhook_url(url)),
  CONSTRAINT webhooks_events_check
    CHECK (pg_catalog.cardinality(events) OPERATOR(pg_catalog.>) 0
           AND events OPERATOR(pg_catalog.<@)
               '{test_run.created,test_run.completed,test_run.failed,issue.created}'::pg_catalog.text[]),
  CONSTRAINT webhooks_secret_check CHECK (secret OPERATOR(pg_catalog.<>) ''::pg_catalog.text)
);
COMMENT ON TABLE @extschema@.webhooks IS 'D12: HTTP callbacks of a company';
-- company_id is covered by the unique index (company_id, url).

-- A2/A6: RLS on every table. Until policies exist, a role that does not bypass RLS
-- sees no rows (fails closed). S8: every table holds user data: pg_dump dumps all its
-- rows.
ALTER TABLE @extschema@.companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.company_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.human_testers ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.test_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.issues ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.tester_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.milestones ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.early_adopter_apps ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.founding_tester_apps ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.training_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.fine_tuning_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.webhooks ENABLE ROW LEVEL SECURITY;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.companies'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.company_members'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.human_testers'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.test_runs'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.issues'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tester_assignments'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.milestones'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.early_adopter_apps'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.founding_tester_apps'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.training_data'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.fine_tuning_jobs'::pg_catalog.regclass, ''::pg_catalog.text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhooks'::pg_catalog.regclass, ''::pg_catalog.text);

-- G1: nothing for PUBLIC (900_grants.sql repeats it for every object of the base).
REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;
