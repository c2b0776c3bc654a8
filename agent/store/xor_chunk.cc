#include "agent/store/xor_chunk.h"

#include <algorithm>

namespace vitals::detail {
namespace {

constexpr std::size_t kHeaderBytes = 2;

// Whether `x` fits Prometheus' n-bit delta-of-delta bucket: -(2^(n-1) - 1) <= x <= 2^(n-1). The
// range is shifted by one from two's complement; the decoder undoes it the same way.
bool fits(std::int64_t x, int bits) {
  const std::int64_t half = std::int64_t{1} << (bits - 1);
  return -(half - 1) <= x && x <= half;
}

std::uint16_t read_count(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderBytes) return 0;
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

}  // namespace

Chunk Chunk::copy_of(std::int64_t min_t, std::int64_t max_t, std::span<const std::uint8_t> bytes) {
  // One allocation for the count and the bytes.
  auto copy = std::make_shared_for_overwrite<std::uint8_t[]>(bytes.size());
  std::copy(bytes.begin(), bytes.end(), copy.get());
  return Chunk{.min_t = min_t,
               .max_t = max_t,
               .bytes = std::span<const std::uint8_t>(copy.get(), bytes.size()),
               .storage = std::move(copy)};
}

std::uint16_t Chunk::num_samples() const {
  return read_count(bytes);
}

XorEncoder::XorEncoder(std::size_t expected_bytes) : bytes_(kHeaderBytes, 0) {
  bytes_.reserve(std::max(expected_bytes, kHeaderBytes));
}

std::vector<std::uint8_t> XorEncoder::chunk() const {
  std::vector<std::uint8_t> copy;
  copy.reserve(size());
  copy.assign(bytes_.begin(), bytes_.end());
  if (pending_bits_ > 0) {
    const std::uint64_t aligned = pending_ << (64 - pending_bits_);
    for (int i = 0; i < (pending_bits_ + 7) / 8; ++i) {
      copy.push_back(static_cast<std::uint8_t>(aligned >> (56 - 8 * i)));
    }
  }
  copy[0] = static_cast<std::uint8_t>(count_ >> 8);
  copy[1] = static_cast<std::uint8_t>(count_ & 0xff);
  return copy;
}

void XorEncoder::append(std::int64_t t, double value) {
  const std::uint16_t index = count_;
  const auto bits = std::bit_cast<std::uint64_t>(value);
  write_time(t, index);
  if (index == 0) {
    write_bits(bits, 64);
  } else {
    write_value(bits);
  }
  t_ = t;
  value_bits_ = bits;
  ++count_;
}

void XorEncoder::write_time(std::int64_t t, std::uint16_t index) {
  if (index == 0) {
    // Zigzag, as Go's binary.PutVarint.
    const auto u = static_cast<std::uint64_t>(t);
    write_uvarint(t < 0 ? ~(u << 1) : (u << 1));
    return;
  }
  // Unsigned arithmetic, as in Go: wrapping is defined and the decoder wraps back.
  const std::uint64_t delta = static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(t_);
  if (index == 1) {
    write_uvarint(delta);
  } else {
    const auto dod = static_cast<std::int64_t>(delta - t_delta_);
    const auto raw = static_cast<std::uint64_t>(dod);
    if (dod == 0) {
      write_bit(false);
    } else if (fits(dod, 14)) {
      write_bits(0b10, 2);
      write_bits(raw, 14);
    } else if (fits(dod, 17)) {
      write_bits(0b110, 3);
      write_bits(raw, 17);
    } else if (fits(dod, 20)) {
      write_bits(0b1110, 4);
      write_bits(raw, 20);
    } else {
      write_bits(0b1111, 4);
      write_bits(raw, 64);
    }
  }
  t_delta_ = delta;
}

void XorEncoder::write_value(std::uint64_t bits) {
  const std::uint64_t delta = bits ^ value_bits_;
  if (delta == 0) {
    write_bit(false);
    return;
  }
  write_bit(true);
  // Five bits hold the leading count, so at most 31; the window just starts earlier.
  const auto leading = static_cast<std::uint8_t>(std::min(std::countl_zero(delta), 31));
  const auto trailing = static_cast<std::uint8_t>(std::countr_zero(delta));
  if (leading_ != 0xff && leading >= leading_ && trailing >= trailing_) {
    write_bit(false);
    write_bits(delta >> trailing_, 64 - leading_ - trailing_);
    return;
  }
  leading_ = leading;
  trailing_ = trailing;
  write_bit(true);
  write_bits(leading, 5);
  const int significant = 64 - leading - trailing;
  write_bits(static_cast<std::uint64_t>(significant) & 63, 6);  // 64 is written as 0
  write_bits(delta >> trailing, significant);
}

void XorEncoder::write_bits(std::uint64_t value, int count) {
  if (count < 64) value &= (std::uint64_t{1} << count) - 1;
  const int room = 64 - pending_bits_;
  if (count < room) {
    pending_ = (pending_ << count) | value;
    pending_bits_ += count;
    return;
  }
  // The word fills up: its last `room` bits are the value's first, the rest waits.
  const int rest = count - room;
  const std::uint64_t word = room == 64 ? value : (pending_ << room) | (value >> rest);
  std::uint8_t out[8];
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(word >> (56 - 8 * i));
  bytes_.insert(bytes_.end(), out, out + 8);
  pending_ = rest == 0 ? 0 : value & ((std::uint64_t{1} << rest) - 1);
  pending_bits_ = rest;
}

void XorEncoder::write_uvarint(std::uint64_t value) {
  while (value >= 0x80) {
    write_bits((value & 0x7f) | 0x80, 8);
    value >>= 7;
  }
  write_bits(value, 8);
}

XorDecoder::XorDecoder(std::span<const std::uint8_t> chunk)
    : data_(chunk.size() >= kHeaderBytes ? chunk.subspan(kHeaderBytes)
                                         : std::span<const std::uint8_t>{}),
      total_(read_count(chunk)),
      failed_(chunk.size() < kHeaderBytes) {}

bool XorDecoder::next() {
  if (failed_ || read_ == total_) return false;
  if (!read_time()) return fail();
  if (read_ == 0) {
    if (!read_bits(64, value_bits_)) return fail();
  } else if (!read_value()) {
    return fail();
  }
  ++read_;
  return true;
}

bool XorDecoder::read_time() {
  std::uint64_t raw = 0;
  if (read_ == 0) {
    if (!read_uvarint(raw)) return false;
    t_ = static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1) + 1));  // zigzag back
    return true;
  }
  if (read_ == 1) {
    if (!read_uvarint(t_delta_)) return false;
  } else {
    int prefix = 0;  // how many 1 bits before the first 0, at most 4
    for (bool bit = true; prefix < 4; ++prefix) {
      if (!read_bit(bit)) return false;
      if (!bit) break;
    }
    constexpr int kBucketBits[] = {0, 14, 17, 20, 64};
    const int size = kBucketBits[prefix];
    if (size > 0 && !read_bits(size, raw)) return false;
    // The n-bit buckets hold -(2^(n-1) - 1) .. 2^(n-1): larger readings are negative.
    if (size > 0 && size < 64 && raw > (std::uint64_t{1} << (size - 1))) {
      raw -= std::uint64_t{1} << size;
    }
    t_delta_ += raw;
  }
  t_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(t_) + t_delta_);
  return true;
}

bool XorDecoder::read_value() {
  bool changed = false;
  if (!read_bit(changed)) return false;
  if (!changed) return true;
  bool new_window = false;
  if (!read_bit(new_window)) return false;
  if (new_window) {
    std::uint64_t leading = 0;
    std::uint64_t significant = 0;
    if (!read_bits(5, leading) || !read_bits(6, significant)) return false;
    if (significant == 0) significant = 64;
    if (leading + significant > 64) return false;
    leading_ = static_cast<std::uint8_t>(leading);
    trailing_ = static_cast<std::uint8_t>(64 - leading - significant);
  }
  std::uint64_t bits = 0;
  if (!read_bits(64 - leading_ - trailing_, bits)) return false;
  value_bits_ ^= bits << trailing_;
  return true;
}

bool XorDecoder::read_bit(bool& bit) {
  if (bit_pos_ >= data_.size() * 8) return false;
  bit = (data_[bit_pos_ / 8] >> (7 - bit_pos_ % 8)) & 1;
  ++bit_pos_;
  return true;
}

bool XorDecoder::read_bits(int count, std::uint64_t& out) {
  if (bit_pos_ + static_cast<std::size_t>(count) > data_.size() * 8) return false;
  out = 0;
  while (count > 0) {
    const int offset = static_cast<int>(bit_pos_ % 8);
    const int take = std::min(count, 8 - offset);
    const unsigned byte = data_[bit_pos_ / 8];
    const unsigned part = (byte >> (8 - offset - take)) & ((1u << take) - 1);
    out = (out << take) | part;
    bit_pos_ += static_cast<std::size_t>(take);
    count -= take;
  }
  return true;
}

bool XorDecoder::read_uvarint(std::uint64_t& out) {
  out = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    std::uint64_t byte = 0;
    if (!read_bits(8, byte)) return false;
    out |= (byte & 0x7f) << shift;
    if (byte < 0x80) return shift < 63 || byte <= 1;  // Go's overflow rule
  }
  return false;
}

bool XorDecoder::fail() {
  failed_ = true;
  return false;
}

bool decode_range(std::span<const std::uint8_t> chunk, std::int64_t from, std::int64_t to,
                  std::vector<SamplePoint>& out) {
  XorDecoder decoder(chunk);
  while (decoder.next()) {
    if (decoder.t() > to) return true;
    if (decoder.t() >= from) out.push_back(SamplePoint{decoder.t(), decoder.value()});
  }
  return !decoder.failed();
}

}  // namespace vitals::detail
