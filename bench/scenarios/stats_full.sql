-- stats_full: the whole @VIEW@ (every company's row).
SELECT * FROM @VIEW@;
