// The admin token check and the constant-time comparison under it.
#include <doctest/doctest.h>

#include "agent/web/routes.h"
#include "vitals/common/secure_compare.h"

namespace vitals {
namespace {

TEST_CASE("constant_time_equal is true exactly for the same bytes") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("token", "token"));
  CHECK(!constant_time_equal("token", "tokem"));
  CHECK(!constant_time_equal("token", "Token"));
  CHECK(!constant_time_equal("token", "token2"));
  CHECK(!constant_time_equal("token", ""));
  using namespace std::string_view_literals;
  CHECK(constant_time_equal("a\0b"sv, "a\0b"sv));
  CHECK(!constant_time_equal("a\0b"sv, "a\0c"sv));
}

TEST_CASE("admin endpoints are open when no token is configured") {
  CHECK(detail::admin_allowed("", ""));
  CHECK(detail::admin_allowed("Bearer anything", ""));
}

TEST_CASE("admin endpoints need Bearer and the exact token when one is configured") {
  CHECK(detail::admin_allowed("Bearer s3cret", "s3cret"));
  CHECK(detail::admin_allowed("bearer s3cret", "s3cret"));  // schemes ignore case (RFC 7235)
  CHECK(!detail::admin_allowed("", "s3cret"));
  CHECK(!detail::admin_allowed("s3cret", "s3cret"));
  CHECK(!detail::admin_allowed("Basic s3cret", "s3cret"));
  CHECK(!detail::admin_allowed("Bearer s3cre", "s3cret"));
  CHECK(!detail::admin_allowed("Bearer s3cret ", "s3cret"));
  CHECK(!detail::admin_allowed("Bearer ", "s3cret"));
}

}  // namespace
}  // namespace vitals
