-- insert: one new test run for a random company among :companies (quota NULL), with a
-- full platform_details document (J1). Exercises T1, Q1/Q2, J1 and the INSERT triggers.
\set n random(1, :companies)
INSERT INTO hitlai.test_runs (company_id, url, mission, test_type, persona, platform_details, ai_model_used)
VALUES (md5('company' || :n)::uuid, 'https://shop.example.com/checkout',
        'Buy the cheapest item and pay by card', 'ai', 'casual_user',
        '{"type": "web", "browser": "chrome", "device": "desktop", "viewport": {"width": 1920, "height": 1080}, "os": "macos", "version": "120.0.6099.109"}',
        'gpt-4o');
