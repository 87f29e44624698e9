-- T2: training capture for completed runs rated 4 or 5 (row-level, WHEN-filtered).
CREATE FUNCTION bench_plpgsql.capture_training_data() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.status = 'completed' AND NEW.company_ai_rating >= 4 THEN
    INSERT INTO hitlai.training_data AS d (test_run_id, input_data, output_data, rating, model_type)
    VALUES (
      NEW.id,
      jsonb_build_object('url', NEW.url, 'mission', NEW.mission, 'persona', NEW.persona,
                         'platform', NEW.platform_details ->> 'type'),
      jsonb_build_object(
        'sentiment_score', NEW.sentiment_score,
        'issues', coalesce((
          SELECT jsonb_agg(jsonb_build_object('title', i.title, 'severity', i.severity)
                           ORDER BY CASE i.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1
                                                    WHEN 'medium' THEN 2 ELSE 3 END,
                                    i.created_at, i.id)
            FROM hitlai.issues i WHERE i.test_run_id = NEW.id), '[]'::jsonb),
        'recommendations', to_jsonb(NEW.recommendations),
        'positives', to_jsonb(NEW.positives)),
      NEW.company_ai_rating, NEW.ai_model_used)
    ON CONFLICT (test_run_id) DO UPDATE
      SET input_data = EXCLUDED.input_data, output_data = EXCLUDED.output_data,
          rating = EXCLUDED.rating, model_type = EXCLUDED.model_type
      WHERE NOT d.used_for_training;
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM hitlai.training_data WHERE test_run_id = NEW.id AND NOT used_for_training;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER t2_training AFTER UPDATE ON hitlai.test_runs
  FOR EACH ROW WHEN (NEW.status = 'completed'
                     AND (NEW.company_ai_rating >= 4 OR OLD.company_ai_rating >= 4))
  EXECUTE FUNCTION bench_plpgsql.capture_training_data();
CREATE TRIGGER t2_training_insert AFTER INSERT ON hitlai.test_runs
  FOR EACH ROW WHEN (NEW.status = 'completed' AND NEW.company_ai_rating >= 4)
  EXECUTE FUNCTION bench_plpgsql.capture_training_data();
