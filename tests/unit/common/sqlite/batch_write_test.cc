#include "vitals/common/sqlite/batch_write.h"

#include <doctest/doctest.h>

#include <vector>

namespace {

// Writes records as a transaction would: all or nothing. -1 is malformed, -2 a full disk.
vitals::Result<std::size_t> write_all(std::span<const int> records, std::vector<int>& stored) {
  for (int r : records) {
    if (r == -1) return vitals::make_error(vitals::ErrorCode::InvalidArgument, "constraint");
    if (r == -2) return vitals::make_error(vitals::ErrorCode::Unavailable, "disk full");
  }
  stored.insert(stored.end(), records.begin(), records.end());
  return records.size();
}

}  // namespace

TEST_CASE("a good batch is written whole in one go") {
  std::vector<int> stored;
  std::vector<int> records{1, 2, 3};
  auto outcome = vitals::sqlite::write_batch(
      std::span<const int>(records), [&](std::span<const int> s) { return write_all(s, stored); });
  CHECK(outcome.consumed == 3);
  CHECK(outcome.written == 3);
  CHECK(outcome.rejected == 0);
  CHECK_FALSE(outcome.error.has_value());
  CHECK(stored == records);
}

TEST_CASE("a malformed record is dropped alone, the others still written") {
  std::vector<int> stored;
  std::vector<int> records{1, -1, 3};
  auto outcome = vitals::sqlite::write_batch(
      std::span<const int>(records), [&](std::span<const int> s) { return write_all(s, stored); });
  CHECK(outcome.consumed == 3);
  CHECK(outcome.written == 2);
  CHECK(outcome.rejected == 1);
  CHECK(stored == std::vector<int>{1, 3});
}

TEST_CASE("another failure stops at the record it met, for a retry later") {
  std::vector<int> stored;
  std::vector<int> records{1, -1, -2, 4};
  auto outcome = vitals::sqlite::write_batch(
      std::span<const int>(records), [&](std::span<const int> s) { return write_all(s, stored); });
  CHECK(outcome.consumed == 2);  // 1 written, -1 rejected; -2 and 4 wait
  CHECK(outcome.rejected == 1);
  REQUIRE(outcome.error.has_value());
  CHECK(outcome.error->message == "disk full");
  CHECK(stored == std::vector<int>{1});
}
