-- T1-T3: the seed's trigger and function names exist on test_runs, on the right events.
BEGIN;
SELECT plan(9);

SELECT triggers_are('hitlai', 'test_runs',
  ARRAY['a_guard_tester_columns', 'capture_training_data_on_insert_trigger',
        'capture_training_data_trigger', 'stats_after_truncate_trigger', 'test_runs_after_delete_trigger',
        'test_runs_status_trigger', 'update_milestone_progress_trigger',
        'update_tester_stats_trigger'],
  'T1-T4: the triggers of test_runs, with the seed''s names');
SELECT trigger_is('hitlai', 'test_runs', 'update_milestone_progress_trigger',
                  'hitlai', 'update_milestone_progress', 'T1: update_milestone_progress_trigger runs hitlai.update_milestone_progress()');
SELECT trigger_is('hitlai', 'test_runs', 'capture_training_data_trigger',
                  'hitlai', 'capture_training_data', 'T2: capture_training_data_trigger runs hitlai.capture_training_data()');
SELECT trigger_is('hitlai', 'test_runs', 'capture_training_data_on_insert_trigger',
                  'hitlai', 'capture_training_data', 'T2: runs inserted completed are captured by the same function');
SELECT trigger_is('hitlai', 'test_runs', 'update_tester_stats_trigger',
                  'hitlai', 'update_tester_stats', 'T3: update_tester_stats_trigger runs hitlai.update_tester_stats()');

SELECT matches(pg_get_triggerdef(t.oid), 'AFTER INSERT ON hitlai\.test_runs',
               'T1: update_milestone_progress_trigger is AFTER INSERT ON test_runs')
  FROM pg_trigger t WHERE t.tgname = 'update_milestone_progress_trigger';
SELECT matches(pg_get_triggerdef(t.oid), 'AFTER UPDATE ON hitlai\.test_runs',
               'T2: capture_training_data_trigger is AFTER UPDATE ON test_runs')
  FROM pg_trigger t WHERE t.tgname = 'capture_training_data_trigger';
SELECT matches(pg_get_triggerdef(t.oid), 'AFTER UPDATE ON hitlai\.test_runs',
               'T3: update_tester_stats_trigger is AFTER UPDATE ON test_runs')
  FROM pg_trigger t WHERE t.tgname = 'update_tester_stats_trigger';
SELECT matches(pg_get_triggerdef(t.oid), 'DEFERRABLE INITIALLY DEFERRED',
               'T1: the milestone count is flushed at commit by a deferred constraint trigger')
  FROM pg_trigger t WHERE t.tgname = 'milestone_progress_at_commit';

SELECT * FROM finish();
ROLLBACK;
