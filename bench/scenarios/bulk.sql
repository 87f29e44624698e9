-- bulk: one INSERT ... SELECT of :rows test runs spread over :companies companies (wall
-- time). Exercises the bulk paths of Q1 (each company locked once), T1 (a handful of
-- milestone updates, not one per row) and J1.
INSERT INTO hitlai.test_runs (company_id, url, mission, test_type, platform_details)
SELECT md5('company' || (1 + g % :companies))::uuid, 'https://shop.example.com/p/' || g,
       'Bulk import ' || g, 'ai',
       '{"type": "web", "browser": "firefox", "device": "desktop", "viewport": {"width": 1440, "height": 900}, "os": "linux"}'
  FROM generate_series(1, :rows) AS g;
