// M1: the state tester matching reads instead of scanning tester_assignments, kept in two
// columns of human_testers (sql/install/0.3.0/620_tester_matching.sql):
//   stats_open_assignments  number of the tester's assignments in assigned or started
//   stats_last_assigned_at  latest assigned_at of the tester's assignments (NULL: none)
// Kept by AFTER ... FOR EACH STATEMENT triggers on tester_assignments
// (src/pg/assignment_stats.cpp); audited and repaired by check_stats() / rebuild_stats()
// through the statements below (src/pg/stats_views.cpp runs them).
#pragma once

#include "pg/spi.hpp"

namespace hitlai::pg::assignment_stats {

// Whether the two columns exist: false while an install or upgrade script that calls
// rebuild_stats() runs before the part that adds them (0.2.0's backfill).
bool installed();

// UPDATE of human_testers setting both columns from the tables where they differ
// (locks every tester in id order first); SPI_processed is the rows corrected.
spi::Statement& rebuild_statement();

// SELECT of (table_name, id, column_name, stored, actual) rows where they differ, in the
// shape of hitlai.check_stats().
spi::Statement& check_statement();

// What the INSERT trigger (hitlai.assignment_stats_insert()) does for one inserted
// assignment of `tester` (uuid): the open count + 1 when `open` (assigned or started),
// and the latest assigned_at (timestamptz). For an assignment inserted without a
// statement (T3's credit, tester_stats.cpp).
void one_inserted(Datum tester, bool open, Datum assigned_at);

}  // namespace hitlai::pg::assignment_stats
