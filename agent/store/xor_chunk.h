// Prometheus' XOR chunk, bit for bit (tsdb/chunkenc/xor.go after Gorilla): a 2-byte big-endian
// sample count, the first sample as a zigzag varint time and 64 raw value bits, the second as a
// uvarint time delta and an XOR'd value, then delta-of-delta times in Prometheus' buckets
// (0 | 10+14 bits | 110+17 | 1110+20 | 1111+64) and XOR'd values reusing the previous window of
// meaningful bits. Values round-trip bit-exactly, NaN payloads included, so the staleness marker
// survives. Not thread-safe: an encoder belongs to whoever holds its series' lock, and a Chunk
// is immutable once made.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace vitals {

// Prometheus' staleness marker: a signalling NaN that only bit equality tells from other NaNs.
inline constexpr std::uint64_t kStaleNanBits = 0x7ff0000000000002ULL;
inline constexpr double stale_nan() {
  return std::bit_cast<double>(kStaleNanBits);
}
inline constexpr bool is_stale_nan(double value) {
  return std::bit_cast<std::uint64_t>(value) == kStaleNanBits;
}

struct SamplePoint {
  std::int64_t t_ms = 0;
  double value = 0;
};

namespace detail {

// A completed chunk. Shared by readers through shared_ptr<const Chunk>; never changes.
struct Chunk {
  std::int64_t min_t = 0;
  std::int64_t max_t = 0;
  std::span<const std::uint8_t> bytes{};  // the XOR chunk, header included
  // Keeps `bytes` alive: a heap copy, or the scratch file segment they were spilled to.
  std::shared_ptr<const void> storage{};

  // A chunk holding its own heap copy of `bytes`.
  static Chunk copy_of(std::int64_t min_t, std::int64_t max_t, std::span<const std::uint8_t> bytes);
  std::uint16_t num_samples() const;
};

class XorEncoder {
 public:
  // `expected_bytes`: room made up front, so the buffer need not grow by doubling; Prometheus
  // starts at 128.
  explicit XorEncoder(std::size_t expected_bytes = 128);

  // Appends one sample. Times must increase (the caller checks); at most 65535 samples.
  void append(std::int64_t t, double value);

  std::uint16_t num_samples() const { return count_; }
  // A copy of the chunk so far, header included.
  std::vector<std::uint8_t> chunk() const;
  std::size_t size() const { return bytes_.size() + (pending_bits_ + 7) / 8; }
  std::int64_t last_t() const { return t_; }

 private:
  void write_bit(bool bit) { write_bits(bit ? 1 : 0, 1); }
  void write_bits(std::uint64_t value, int count);  // the low `count` (1-64) bits, high first
  void write_uvarint(std::uint64_t value);
  void write_time(std::int64_t t, std::uint16_t index);
  void write_value(std::uint64_t bits);

  // The header is written by chunk() only.
  std::vector<std::uint8_t> bytes_;
  // The bits not yet in bytes_, the first written highest. An append then touches the encoder
  // alone, and the buffer (cold memory, in a window of many series) once every 64 bits: writing
  // each bit into the buffer's last byte cost a cache miss an append, a tenth of ingest CPU.
  std::uint64_t pending_ = 0;
  int pending_bits_ = 0;
  std::uint16_t count_ = 0;
  std::int64_t t_ = 0;
  std::uint64_t value_bits_ = 0;
  std::uint64_t t_delta_ = 0;
  std::uint8_t leading_ = 0xff;  // 0xff: no window of meaningful bits yet
  std::uint8_t trailing_ = 0;
};

// Reads a chunk's samples in order. The bytes must outlive the decoder.
class XorDecoder {
 public:
  explicit XorDecoder(std::span<const std::uint8_t> chunk);

  // Moves to the next sample: false at the end, or on malformed bytes (then failed() is true).
  bool next();
  std::int64_t t() const { return t_; }
  double value() const { return std::bit_cast<double>(value_bits_); }
  bool failed() const { return failed_; }

 private:
  bool read_bit(bool& bit);
  bool read_bits(int count, std::uint64_t& out);
  bool read_uvarint(std::uint64_t& out);
  bool read_time();
  bool read_value();
  bool fail();

  std::span<const std::uint8_t> data_;
  std::size_t bit_pos_ = 0;
  std::uint16_t total_ = 0;
  std::uint16_t read_ = 0;
  std::int64_t t_ = 0;
  std::uint64_t value_bits_ = 0;
  std::uint64_t t_delta_ = 0;
  std::uint8_t leading_ = 0;
  std::uint8_t trailing_ = 0;
  bool failed_ = false;
};

// Appends the samples of `chunk` with from <= t <= to to `out`; false when the chunk is
// malformed (the samples before the fault are kept).
bool decode_range(std::span<const std::uint8_t> chunk, std::int64_t from, std::int64_t to,
                  std::vector<SamplePoint>& out);

}  // namespace detail
}  // namespace vitals
