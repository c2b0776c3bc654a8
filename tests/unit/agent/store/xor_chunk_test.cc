#include "agent/store/xor_chunk.h"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace vitals::detail {
namespace {

std::uint64_t bits(double value) {
  return std::bit_cast<std::uint64_t>(value);
}

std::vector<std::uint8_t> encode(const std::vector<SamplePoint>& samples) {
  XorEncoder encoder;
  for (const SamplePoint& sample : samples) encoder.append(sample.t_ms, sample.value);
  return encoder.chunk();
}

std::vector<SamplePoint> decode_all(const std::vector<std::uint8_t>& chunk) {
  std::vector<SamplePoint> out;
  XorDecoder decoder(chunk);
  while (decoder.next()) out.push_back(SamplePoint{decoder.t(), decoder.value()});
  REQUIRE_MESSAGE(!decoder.failed(), "the chunk did not decode to its end");
  return out;
}

// Every time and every value bit must come back, NaN payloads included.
void check_round_trip(const std::vector<SamplePoint>& samples) {
  auto decoded = decode_all(encode(samples));
  REQUIRE(decoded.size() == samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    INFO("sample " << i << " at " << samples[i].t_ms);
    CHECK(decoded[i].t_ms == samples[i].t_ms);
    CHECK(bits(decoded[i].value) == bits(samples[i].value));
  }
}

TEST_CASE("a chunk has Prometheus' byte layout: count header, varint time, raw value, then bits") {
  auto chunk = encode({{1000, 1.0}, {2000, 1.0}, {3000, 1.0}});
  // 00 03: three samples. D0 0F: zigzag varint of 1000. 3F F0 00…: 1.0. E8 07: uvarint delta
  // 1000. Then bit 0 (same value), bit 0 (delta of delta 0), bit 0 (same value), padded.
  const std::vector<std::uint8_t> expected = {0x00, 0x03, 0xD0, 0x0F, 0x3F, 0xF0, 0x00, 0x00,
                                              0x00, 0x00, 0x00, 0x00, 0xE8, 0x07, 0x00};
  CHECK(chunk == expected);
}

TEST_CASE("a delta of delta goes in the smallest of Prometheus' 14, 17, 20 or 64-bit buckets") {
  // Each case: the third sample's delta of delta, and the chunk's size in bits after the header
  // and the first two samples (2 + 8 + 2 bytes varints and value, then the dod and a 1-bit value).
  struct Case {
    std::int64_t dod;
    std::size_t bits_after;
  };
  for (Case c : {Case{0, 1 + 1}, Case{8192, 2 + 14 + 1}, Case{-8191, 2 + 14 + 1},
                 Case{-8192, 3 + 17 + 1}, Case{65536, 3 + 17 + 1}, Case{65537, 4 + 20 + 1},
                 Case{524288, 4 + 20 + 1}, Case{524289, 4 + 64 + 1}, Case{-524288, 4 + 64 + 1}}) {
    INFO("delta of delta " << c.dod);
    const std::int64_t t0 = 10'000'000;
    std::vector<SamplePoint> samples = {{t0, 5}, {t0 + 1'000'000, 5}, {t0 + 2'000'000 + c.dod, 5}};
    auto chunk = encode(samples);
    const std::size_t prefix = 2 + 4 + 8 + 3;  // header, varint t0, value, uvarint 1e6
    const std::size_t first_bits = 1;          // the second value's "unchanged" bit
    CHECK(chunk.size() == prefix + (first_bits + c.bits_after + 7) / 8);
    check_round_trip(samples);
  }
}

TEST_CASE("special values round-trip bit for bit: stale and other NaNs, infinities, -0.0") {
  const double quiet_nan = std::bit_cast<double>(0x7ff8000000000001ULL);  // Prometheus' NormalNaN
  const double payload_nan = std::bit_cast<double>(0xfff00000deadbeefULL);
  std::vector<SamplePoint> samples = {{0, 0.0},
                                      {15, -0.0},
                                      {30, stale_nan()},
                                      {45, quiet_nan},
                                      {60, stale_nan()},
                                      {75, std::numeric_limits<double>::infinity()},
                                      {90, -std::numeric_limits<double>::infinity()},
                                      {105, payload_nan},
                                      {120, std::numeric_limits<double>::denorm_min()},
                                      {135, std::numeric_limits<double>::max()},
                                      {150, -std::numeric_limits<double>::lowest()},
                                      {165, 1.0}};
  check_round_trip(samples);
  auto decoded = decode_all(encode(samples));
  CHECK(is_stale_nan(decoded[2].value));
  CHECK(!is_stale_nan(decoded[3].value));
  CHECK(std::isnan(decoded[3].value));
  CHECK(std::signbit(decoded[1].value));
}

TEST_CASE("the stale marker is a NaN that only bit equality tells apart") {
  CHECK(std::isnan(stale_nan()));
  CHECK(is_stale_nan(stale_nan()));
  CHECK(!is_stale_nan(std::nan("")));
  CHECK(bits(stale_nan()) == 0x7ff0000000000002ULL);
}

TEST_CASE("irregular intervals, negative times and counter resets round-trip") {
  check_round_trip({{-5000, 3}, {-4999, 4}, {-1, 5}, {0, 0}, {1, 1}, {100000, 2}});
  check_round_trip({{1'767'225'600'000, 100},
                    {1'767'225'615'000, 130},
                    {1'767'225'629'998, 2},
                    {1'767'225'645'003, 7},
                    {1'767'226'645'003, 7.5},
                    {1'767'226'645'004, 0}});
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min() / 4;
  const std::int64_t hi = std::numeric_limits<std::int64_t>::max() / 4;
  check_round_trip({{lo, 1}, {0, 2}, {hi, 3}});  // deltas of delta beyond every small bucket
}

TEST_CASE("randomised samples round-trip (fixed seed)") {
  std::mt19937_64 random(20260101);
  for (int round = 0; round < 200; ++round) {
    std::vector<SamplePoint> samples;
    std::int64_t t = static_cast<std::int64_t>(random() % 2'000'000'000'000ULL);
    double value = 0;
    const std::size_t count = 1 + random() % 240;
    for (std::size_t i = 0; i < count; ++i) {
      switch (random() % 6) {
        case 0:
          value = std::bit_cast<double>(random());
          break;  // any bits at all, NaNs too
        case 1:
          value += static_cast<double>(random() % 10);
          break;
        case 2:
          value = static_cast<double>(random() % 1000) / 7.0;
          break;
        case 3:
          value = stale_nan();
          break;
        default:
          break;  // unchanged
      }
      samples.push_back({t, value});
      const std::uint64_t shape = random() % 4;
      t += shape == 0   ? 15000
           : shape == 1 ? static_cast<std::int64_t>(random() % 100000) + 1
                        : static_cast<std::int64_t>(random() % 5) + 14998;
    }
    check_round_trip(samples);
  }
}

TEST_CASE("a truncated or empty chunk reads as failed, keeping the samples before the fault") {
  auto chunk = encode({{1000, 1.5}, {2000, 2.5}, {3000, 3.5}});
  chunk.resize(chunk.size() - 2);
  std::vector<SamplePoint> out;
  CHECK(!decode_range(chunk, 0, 10'000, out));
  CHECK(out.size() == 2);
  XorDecoder empty(std::span<const std::uint8_t>{});
  CHECK(!empty.next());
  CHECK(empty.failed());
}

TEST_CASE("decode_range keeps only the samples inside the range, ends included") {
  auto chunk = encode({{10, 1}, {20, 2}, {30, 3}, {40, 4}});
  std::vector<SamplePoint> out;
  REQUIRE(decode_range(chunk, 20, 30, out));
  REQUIRE(out.size() == 2);
  CHECK(out[0].t_ms == 20);
  CHECK(out[1].t_ms == 30);
}

}  // namespace
}  // namespace vitals::detail
