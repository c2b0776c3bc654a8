// Name syntax under Prometheus 3's UTF-8 scheme and the legacy one.
#include "alerts/rules/rule_names.h"

#include <doctest/doctest.h>

#include <string>

using vitals::rules::is_valid_label_name;
using vitals::rules::is_valid_metric_name;
using vitals::rules::is_valid_utf8;
using vitals::rules::NameValidation;

TEST_CASE("valid UTF-8 is told from overlong forms, surrogates and truncated sequences") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("grüße, 日本, 🚀"));
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong "/"
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong "/"
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE6\x97"));          // truncated
  CHECK_FALSE(is_valid_utf8("a\x80z"));            // a lone continuation byte
}

TEST_CASE("under UTF-8 validation any non-empty UTF-8 name is valid") {
  for (auto scheme_name : {"ins-tance", "job:up", "ünïcode", "with space", "0starts_digit"}) {
    CHECK(is_valid_label_name(scheme_name, NameValidation::Utf8));
    CHECK(is_valid_metric_name(scheme_name, NameValidation::Utf8));
  }
  CHECK_FALSE(is_valid_label_name("", NameValidation::Utf8));
  CHECK_FALSE(is_valid_metric_name("", NameValidation::Utf8));
  CHECK_FALSE(is_valid_label_name("\xFF", NameValidation::Utf8));
}

TEST_CASE("under legacy validation names keep Prometheus 2's character sets") {
  CHECK(is_valid_label_name("instance_1", NameValidation::Legacy));
  CHECK(is_valid_label_name("_x", NameValidation::Legacy));
  CHECK_FALSE(is_valid_label_name("ins-tance", NameValidation::Legacy));
  CHECK_FALSE(is_valid_label_name("job:up", NameValidation::Legacy));
  CHECK_FALSE(is_valid_label_name("1x", NameValidation::Legacy));
  CHECK(is_valid_metric_name("job:up:sum_rate5m", NameValidation::Legacy));
  CHECK(is_valid_metric_name(":x", NameValidation::Legacy));
  CHECK_FALSE(is_valid_metric_name("a-b", NameValidation::Legacy));
  CHECK_FALSE(is_valid_metric_name("9lives", NameValidation::Legacy));
  CHECK_FALSE(is_valid_metric_name("", NameValidation::Legacy));
}
