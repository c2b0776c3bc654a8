#include <doctest/doctest.h>

#include "agent/ingest/metrics_scraper.h"

using vitals::aligned_scrape_ms;

TEST_CASE("a scrape started within the tolerance of its schedule is stamped on the schedule") {
  CHECK(aligned_scrape_ms(2'004, 1'000, 1'000) == 2'000);
  CHECK(aligned_scrape_ms(1'996, 1'000, 1'000) == 2'000);
  CHECK(aligned_scrape_ms(15'015'010, 15'000'000, 15'000) == 15'015'000);  // 10 ms at most
}

TEST_CASE("a scrape far from its schedule keeps its own time, and so does the first one") {
  CHECK(aligned_scrape_ms(2'011, 1'000, 1'000) == 2'011);
  CHECK(aligned_scrape_ms(15'015'011, 15'000'000, 15'000) == 15'015'011);
  CHECK(aligned_scrape_ms(1'234, 0, 1'000) == 1'234);
  CHECK(aligned_scrape_ms(1'234, 1'000, 0) == 1'234);
}

TEST_CASE("the tolerance is 1% of a short interval") {
  CHECK(aligned_scrape_ms(1'202, 1'000, 200) == 1'200);
  CHECK(aligned_scrape_ms(1'203, 1'000, 200) == 1'203);  // tolerance 2 ms
}
