-- bench.docs: valid J1 (platform_details, kind 'pd') and J2 (issue metadata, kind 'md')
-- documents of varied size and shape, :docs of each kind.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE bench.docs (kind text NOT NULL, doc jsonb NOT NULL);
INSERT INTO bench.docs
SELECT 'pd', CASE g % 4
  WHEN 0 THEN jsonb_build_object('type', 'web', 'browser', (ARRAY['chrome','firefox','safari','edge'])[1 + g % 4],
                                 'device', 'desktop', 'viewport', jsonb_build_object('width', 800 + g % 1200, 'height', 600 + g % 600),
                                 'os', (ARRAY['windows','macos','linux'])[1 + g % 3], 'version', '120.0.' || g)
  WHEN 1 THEN jsonb_build_object('type', 'mobile', 'device', 'mobile', 'os', (ARRAY['ios','android'])[1 + g % 2],
                                 'viewport', jsonb_build_object('width', 320 + g % 200, 'height', 640 + g % 300), 'version', '17.' || g % 10)
  WHEN 2 THEN jsonb_build_object('type', 'web')
  ELSE jsonb_build_object('type', (ARRAY['console','vr'])[1 + g % 2], 'device', 'tablet', 'custom_key', 'kept', 'version', 'v' || g)
  END
  FROM generate_series(1, :docs) AS g;
INSERT INTO bench.docs
SELECT 'md', CASE g % 3
  WHEN 0 THEN jsonb_build_object(
    'reproduction_steps', jsonb_build_array('Open the page ' || g, 'Click pay', 'Wait'),
    'expected_behavior', 'Confirmation shown', 'actual_behavior', 'Spinner forever',
    'browser_console_errors', jsonb_build_array('TypeError: x is undefined', 'Failed to load resource'),
    'network_requests', jsonb_build_array(
      jsonb_build_object('url', 'https://api.example.com/pay/' || g, 'status', 500, 'method', 'POST'),
      jsonb_build_object('url', 'https://api.example.com/cart', 'status', 200, 'method', 'GET')),
    'device_info', jsonb_build_object('user_agent', 'Mozilla/5.0 (X11; Linux x86_64)', 'screen_resolution', '1920x1080'))
  WHEN 1 THEN jsonb_build_object('expected_behavior', 'Button enabled', 'actual_behavior', 'Button disabled',
                                 'device_info', jsonb_build_object('user_agent', 'Mozilla/5.0 (iPhone)', 'screen_resolution', '390x844'))
  ELSE '{}'::jsonb
  END
  FROM generate_series(1, :docs) AS g;
