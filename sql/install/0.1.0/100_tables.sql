-- The twelve tables (D1-D14). Column names are exactly the seed's; CHECK constraints are
-- named after PostgreSQL's own convention (<table>_<column>_check) so error messages and
-- tests can name them. Names are schema-qualified everywhere (S7).

-- D1
CREATE TABLE @extschema@.companies (
  id                    uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  name                  text NOT NULL,
  email                 text NOT NULL,
  industry              text,
  company_size          text,
  tests_used_this_month integer NOT NULL DEFAULT 0,
  monthly_test_quota    integer DEFAULT 10,
  plan_type             text NOT NULL DEFAULT 'free',
  stripe_customer_id    text,
  early_adopter_tier    text,
  discount_percentage   numeric(5,2) NOT NULL DEFAULT 0,
  created_at            timestamptz NOT NULL DEFAULT pg_catalog.now(),
  usage_period_start    date NOT NULL
                        DEFAULT (pg_catalog.date_trunc('month', pg_catalog.timezone('UTC', pg_catalog.now())))::date,
  CONSTRAINT companies_email_key UNIQUE (email),
  CONSTRAINT companies_stripe_customer_id_key UNIQUE (stripe_customer_id),
  CONSTRAINT companies_tests_used_this_month_check CHECK (tests_used_this_month >= 0),
  CONSTRAINT companies_monthly_test_quota_check CHECK (monthly_test_quota >= 0),
  CONSTRAINT companies_plan_type_check
    CHECK (plan_type IN ('free', 'starter', 'pro', 'enterprise')),
  CONSTRAINT companies_discount_percentage_check
    CHECK (discount_percentage >= 0 AND discount_percentage <= 100),
  CONSTRAINT companies_usage_period_start_check
    CHECK (usage_period_start = (pg_catalog.date_trunc('month', usage_period_start))::date)
);
COMMENT ON TABLE @extschema@.companies IS 'D1: customers ordering usability tests';
COMMENT ON COLUMN @extschema@.companies.monthly_test_quota IS 'Q1: NULL means unlimited';
COMMENT ON COLUMN @extschema@.companies.usage_period_start IS
  'Q2: first day (UTC) of the calendar month tests_used_this_month counts';
CREATE INDEX idx_companies_email ON @extschema@.companies (email);
CREATE INDEX idx_companies_stripe_customer_id ON @extschema@.companies (stripe_customer_id);

-- D2
CREATE TABLE @extschema@.company_members (
  id         uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES @extschema@.companies (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL,
  role       text NOT NULL DEFAULT 'member',
  invited_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  joined_at  timestamptz,
  CONSTRAINT company_members_company_id_user_id_key UNIQUE (company_id, user_id),
  CONSTRAINT company_members_role_check CHECK (role IN ('owner', 'admin', 'member', 'viewer'))
);
COMMENT ON TABLE @extschema@.company_members IS
  'D2: users of a company; joined_at NULL means an invitation not yet accepted (no access)';
-- company_id is covered by the unique index (company_id, user_id).
CREATE INDEX idx_company_members_user_id ON @extschema@.company_members (user_id, company_id);

-- D5
CREATE TABLE @extschema@.human_testers (
  id                   uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  user_id              uuid NOT NULL,
  email                text NOT NULL,
  display_name         text NOT NULL,
  age                  integer,
  gender               text,
  occupation           text,
  education_level      text,
  location_country     text,
  tech_literacy        text,
  primary_device       text,
  languages            text[] NOT NULL DEFAULT '{}',
  years_of_testing_exp integer,
  previous_platforms   text[] NOT NULL DEFAULT '{}',
  is_verified          boolean NOT NULL DEFAULT false,
  average_rating       numeric(3,2) NOT NULL DEFAULT 0,
  tests_completed      integer NOT NULL DEFAULT 0,
  total_earnings       numeric(12,2) NOT NULL DEFAULT 0,
  founding_tester_tier text,
  revenue_share_pct    numeric(5,2) NOT NULL DEFAULT 70,
  equity_percentage    numeric(7,4) NOT NULL DEFAULT 0,
  created_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT human_testers_user_id_key UNIQUE (user_id),
  CONSTRAINT human_testers_email_key UNIQUE (email),
  CONSTRAINT human_testers_age_check CHECK (age >= 18),
  CONSTRAINT human_testers_location_country_check
    CHECK (@extschema@.is_country_code(location_country)),
  CONSTRAINT human_testers_tech_literacy_check
    CHECK (tech_literacy IN ('low', 'medium', 'high', 'expert')),
  CONSTRAINT human_testers_primary_device_check
    CHECK (primary_device IN ('desktop', 'mobile', 'tablet')),
  CONSTRAINT human_testers_years_of_testing_exp_check CHECK (years_of_testing_exp >= 0),
  CONSTRAINT human_testers_average_rating_check
    CHECK (average_rating >= 0 AND average_rating <= 5),
  CONSTRAINT human_testers_tests_completed_check CHECK (tests_completed >= 0),
  CONSTRAINT human_testers_total_earnings_check CHECK (total_earnings >= 0),
  CONSTRAINT human_testers_revenue_share_pct_check
    CHECK (revenue_share_pct >= 0 AND revenue_share_pct <= 100),
  CONSTRAINT human_testers_equity_percentage_check
    CHECK (equity_percentage >= 0 AND equity_percentage <= 100)
);
COMMENT ON TABLE @extschema@.human_testers IS 'D5: human tester profiles (one per user)';
CREATE INDEX idx_human_testers_user_id ON @extschema@.human_testers (user_id);
CREATE INDEX idx_human_testers_is_verified ON @extschema@.human_testers (is_verified);

-- D3
CREATE TABLE @extschema@.test_runs (
  id                uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  company_id        uuid NOT NULL REFERENCES @extschema@.companies (id) ON DELETE CASCADE,
  tester_id         uuid REFERENCES @extschema@.human_testers (id) ON DELETE SET NULL,
  url               text NOT NULL,
  mission           text NOT NULL,
  test_type         text NOT NULL DEFAULT 'ai',
  persona           text,
  platform_details  jsonb NOT NULL DEFAULT '{"type": "web"}',
  status            text NOT NULL DEFAULT 'pending',
  sentiment_score   numeric(3,2),
  issues_found      integer NOT NULL DEFAULT 0,
  recommendations   text[] NOT NULL DEFAULT '{}',
  positives         text[] NOT NULL DEFAULT '{}',
  final_report      text,
  cost              numeric(10,2) NOT NULL DEFAULT 0,
  ai_model_used     text,
  company_ai_rating smallint,
  execution_time_ms bigint,
  created_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
  completed_at      timestamptz,
  CONSTRAINT test_runs_url_check CHECK (@extschema@.is_http_url(url)),
  CONSTRAINT test_runs_test_type_check CHECK (test_type IN ('ai', 'human', 'hybrid')),
  CONSTRAINT test_runs_status_check
    CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  CONSTRAINT test_runs_sentiment_score_check
    CHECK (sentiment_score >= 0 AND sentiment_score <= 1),
  CONSTRAINT test_runs_issues_found_check CHECK (issues_found >= 0),
  CONSTRAINT test_runs_cost_check CHECK (cost >= 0),
  CONSTRAINT test_runs_company_ai_rating_check
    CHECK (company_ai_rating BETWEEN 1 AND 5),
  CONSTRAINT test_runs_execution_time_ms_check CHECK (execution_time_ms >= 0)
);
COMMENT ON TABLE @extschema@.test_runs IS 'D3: one usability test of an app, by AI, humans or both';
CREATE INDEX idx_test_runs_company_id ON @extschema@.test_runs (company_id);
CREATE INDEX idx_test_runs_tester_id ON @extschema@.test_runs (tester_id);
CREATE INDEX idx_test_runs_status ON @extschema@.test_runs (status);
CREATE INDEX idx_test_runs_created_at ON @extschema@.test_runs (created_at DESC);
CREATE INDEX idx_test_runs_platform_type ON @extschema@.test_runs ((platform_details ->> 'type'));

-- D4
CREATE TABLE @extschema@.issues (
  id               uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  test_run_id      uuid NOT NULL REFERENCES @extschema@.test_runs (id) ON DELETE CASCADE,
  title            text NOT NULL,
  description      text,
  severity         text NOT NULL DEFAULT 'medium',
  category         text,
  element_selector text,
  screenshot_url   text,
  metadata         jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT issues_severity_check CHECK (severity IN ('low', 'medium', 'high', 'critical'))
);
COMMENT ON TABLE @extschema@.issues IS 'D4: problems found during a test run';
CREATE INDEX idx_issues_test_run_id ON @extschema@.issues (test_run_id);
CREATE INDEX idx_issues_severity ON @extschema@.issues (severity);
CREATE INDEX idx_issues_metadata ON @extschema@.issues USING gin (metadata);

-- D6
CREATE TABLE @extschema@.tester_assignments (
  id           uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  test_run_id  uuid NOT NULL REFERENCES @extschema@.test_runs (id) ON DELETE CASCADE,
  tester_id    uuid NOT NULL REFERENCES @extschema@.human_testers (id) ON DELETE CASCADE,
  assigned_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
  started_at   timestamptz,
  completed_at timestamptz,
  status       text NOT NULL DEFAULT 'assigned',
  CONSTRAINT tester_assignments_test_run_id_tester_id_key UNIQUE (test_run_id, tester_id),
  CONSTRAINT tester_assignments_status_check
    CHECK (status IN ('assigned', 'started', 'completed', 'declined', 'expired'))
);
COMMENT ON TABLE @extschema@.tester_assignments IS 'D6: human testers assigned to a run';
-- test_run_id is covered by the unique index (test_run_id, tester_id).
CREATE INDEX idx_tester_assignments_tester_id ON @extschema@.tester_assignments (tester_id);

-- D7
CREATE TABLE @extschema@.milestones (
  id              uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  phase           text NOT NULL,
  tests_required  integer NOT NULL,
  tests_completed integer NOT NULL DEFAULT 0,
  is_unlocked     boolean NOT NULL DEFAULT false,
  unlocked_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
  updated_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT milestones_phase_key UNIQUE (phase),
  CONSTRAINT milestones_tests_required_check CHECK (tests_required > 0),
  CONSTRAINT milestones_tests_completed_check CHECK (tests_completed >= 0)
);
COMMENT ON TABLE @extschema@.milestones IS
  'D7: platform milestones (configuration: rows you add are dumped by pg_dump)';

-- D8
CREATE TABLE @extschema@.early_adopter_apps (
  id                  uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  company_name        text NOT NULL,
  contact_name        text NOT NULL,
  email               text NOT NULL,
  phone               text,
  website             text,
  company_size        text,
  industry            text,
  monthly_test_volume integer,
  current_approach    text,
  why_interested      text,
  selected_tier       text NOT NULL,
  status              text NOT NULL DEFAULT 'pending',
  reviewed_by         uuid,
  reviewed_at         timestamptz,
  created_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT early_adopter_apps_monthly_test_volume_check CHECK (monthly_test_volume >= 0),
  CONSTRAINT early_adopter_apps_status_check
    CHECK (status IN ('pending', 'approved', 'rejected', 'waitlisted'))
);
COMMENT ON TABLE @extschema@.early_adopter_apps IS 'D8: applications of companies to the early-adopter programme';

-- D9
CREATE TABLE @extschema@.founding_tester_apps (
  id                  uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  full_name           text NOT NULL,
  email               text NOT NULL,
  phone               text,
  location            text,
  linkedin_url        text,
  portfolio_url       text,
  years_experience    integer,
  specialties         text[] NOT NULL DEFAULT '{}',
  platforms           text[] NOT NULL DEFAULT '{}',
  availability_hours  integer,
  why_interested      text,
  relevant_experience text,
  sample_work_url     text,
  selected_tier       text NOT NULL,
  status              text NOT NULL DEFAULT 'pending',
  reviewed_by         uuid,
  reviewed_at         timestamptz,
  created_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT founding_tester_apps_years_experience_check CHECK (years_experience >= 0),
  CONSTRAINT founding_tester_apps_availability_hours_check
    CHECK (availability_hours >= 0 AND availability_hours <= 168),
  CONSTRAINT founding_tester_apps_status_check
    CHECK (status IN ('pending', 'approved', 'rejected', 'waitlisted'))
);
COMMENT ON TABLE @extschema@.founding_tester_apps IS 'D9: applications of testers to the founding-tester programme';

-- D10
CREATE TABLE @extschema@.training_data (
  id                uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  test_run_id       uuid NOT NULL REFERENCES @extschema@.test_runs (id) ON DELETE CASCADE,
  input_data        jsonb NOT NULL,
  output_data       jsonb NOT NULL,
  rating            smallint,
  model_type        text,
  used_for_training boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT training_data_test_run_id_key UNIQUE (test_run_id),
  CONSTRAINT training_data_rating_check CHECK (rating BETWEEN 1 AND 5)
);
COMMENT ON TABLE @extschema@.training_data IS
  'D10: well-rated completed runs captured as training examples (1:1 with test_runs)';

-- D11
CREATE TABLE @extschema@.fine_tuning_jobs (
  id                  uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  job_id              text,
  model_type          text NOT NULL,
  status              text NOT NULL DEFAULT 'pending',
  training_file_id    text,
  fine_tuned_model_id text,
  hyperparameters     jsonb NOT NULL DEFAULT '{}',
  created_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
  completed_at        timestamptz,
  error_message       text,
  CONSTRAINT fine_tuning_jobs_job_id_key UNIQUE (job_id),
  CONSTRAINT fine_tuning_jobs_status_check
    CHECK (status IN ('pending', 'validating_files', 'queued', 'running', 'succeeded',
                      'failed', 'cancelled'))
);
COMMENT ON TABLE @extschema@.fine_tuning_jobs IS 'D11: fine-tuning jobs at the model provider';

-- D12
CREATE TABLE @extschema@.webhooks (
  id         uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES @extschema@.companies (id) ON DELETE CASCADE,
  url        text NOT NULL,
  events     text[] NOT NULL,
  secret     text NOT NULL DEFAULT @extschema@.new_webhook_secret(),
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT webhooks_company_id_url_key UNIQUE (company_id, url),
  CONSTRAINT webhooks_url_check CHECK (@extschema@.is_webhook_url(url)),
  CONSTRAINT webhooks_events_check
    CHECK (pg_catalog.cardinality(events) > 0
           AND events OPERATOR(pg_catalog.<@)
               '{test_run.created,test_run.completed,test_run.failed,issue.created}'::text[]),
  CONSTRAINT webhooks_secret_check CHECK (secret <> '')
);
COMMENT ON TABLE @extschema@.webhooks IS 'D12: HTTP callbacks of a company';
-- company_id is covered by the unique index (company_id, url).
