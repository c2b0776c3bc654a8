// A checker for a service whose state lives in a SQLite file: it proves the file is there, is a
// database, and answers a query before the deadline.
#pragma once

#include <string>

#include "vitals/checkers/check.h"

namespace vitals {

struct SqliteCheckOptions {
  // Run on each check; its rows are read and dropped. A service may name one of its own tables,
  // e.g. "SELECT 1 FROM cards LIMIT 1", to prove its schema is in place too.
  std::string query = "SELECT 1";
};

// Each run opens the existing file at `path` on a fresh connection (never creating it), waits
// for locks at most until the deadline, runs the query and reads metadata `page_count` and
// `journal_mode`. Fails with SQLite's reason when the file is missing, is not a database, stays
// locked or the query fails or is still running at the deadline.
Checker sqlite_checker(std::string path, SqliteCheckOptions options = {});

}  // namespace vitals
