// Writing a batch of records in one transaction; when SQLite refuses the batch as malformed (a
// constraint: InvalidArgument), writing them one at a time instead, so one bad record is dropped
// rather than blocking every record behind it forever.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "vitals/common/error.h"

namespace vitals::sqlite {

struct BatchOutcome {
  std::size_t consumed = 0;      // records done with: written or rejected
  std::size_t written = 0;       // what the write function counted (rows, chunks …)
  std::size_t rejected = 0;      // malformed records dropped
  std::optional<Error> error{};  // a failure other than a malformed record; stop and retry later
};

// `write_in_transaction(span)` writes its records in one transaction and returns what it counted.
template <class Record, class WriteInTransaction>
BatchOutcome write_batch(std::span<const Record> records, WriteInTransaction write_in_transaction) {
  auto whole = write_in_transaction(records);
  if (whole) return BatchOutcome{.consumed = records.size(), .written = *whole};
  if (whole.error().code != ErrorCode::InvalidArgument) return BatchOutcome{.error = whole.error()};
  BatchOutcome outcome;
  for (; outcome.consumed < records.size(); ++outcome.consumed) {
    auto one = write_in_transaction(records.subspan(outcome.consumed, 1));
    if (one) {
      outcome.written += *one;
    } else if (one.error().code == ErrorCode::InvalidArgument) {
      ++outcome.rejected;
    } else {
      outcome.error = one.error();
      break;
    }
  }
  return outcome;
}

// Logs a batch writer's health when it changes: one line when its batches start failing (a full
// disk, a read-only file system: `error` is why) and one when they work again, rather than one
// per retry; its counters on /metrics say how often. `writer` names it ("history", "window"),
// `items` what it keeps queued meanwhile ("records", "chunks").
void log_write_health(std::string_view writer, std::string_view items, bool failing,
                      const std::optional<Error>& error, std::uint64_t write_errors,
                      std::uint64_t dropped, std::size_t queued);

}  // namespace vitals::sqlite
