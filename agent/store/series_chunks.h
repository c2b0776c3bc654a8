// The samples of one series in the window: completed XOR chunks, immutable and shared with
// readers through one shared_ptr to the list, and the open head chunk being appended to.
// Not thread-safe: SampleWindow guards each series with its stripe's mutex, and readers take a
// SeriesView under that mutex (a pointer copy and a copy of the head's bytes) to decode outside.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "agent/store/chunk_spill.h"
#include "agent/store/xor_chunk.h"

namespace vitals {

enum class AppendStatus : std::uint8_t {
  Appended,
  Unchanged,   // same time and same value bits as the last sample: accepted, not stored
  OutOfOrder,  // older than the last sample: rejected
  Duplicate,   // same time as the last sample, other value: rejected
  NotFound,    // no such series (never created, or removed)
};

namespace detail {

using ChunkPtr = std::shared_ptr<const Chunk>;
using ChunkList = std::vector<ChunkPtr>;  // oldest first, times not overlapping

// When the head chunk is completed and a new one started, as Prometheus' head does, and where
// completed chunks' bytes go.
struct ChunkPolicy {
  std::uint16_t samples_per_chunk = 120;
  std::int64_t range_ms = 2 * 3600 * 1000;  // chunks end at multiples of this
  std::size_t max_bytes = 1024 - 19;        // room left for one worst-case sample
  ChunkSpill* spill = nullptr;              // null, or when a write fails: the heap
};

// What a reader copies under the series' lock, to decode after letting go.
struct SeriesView {
  std::shared_ptr<const ChunkList> chunks{};
  std::vector<std::uint8_t> head{};  // empty when the head is outside the range read
};

// Decodes the samples of `view` with from <= t <= to, oldest first.
std::vector<SamplePoint> decode(const SeriesView& view, std::int64_t from, std::int64_t to);

class SeriesChunks {
 public:
  static constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

  // Continues after chunks loaded from disk, sorted, whose last sample is `last`; their bytes
  // move to the policy's spill.
  void restore(ChunkList chunks, SamplePoint last, const ChunkPolicy& policy);

  // Appends or rejects per Prometheus' rules; a head completed on the way is put in `completed`.
  AppendStatus append(std::int64_t t, double value, const ChunkPolicy& policy, ChunkPtr& completed);
  SeriesView view(std::int64_t from, std::int64_t to) const;
  // Drops the chunks, head included, whose last sample is older than `cutoff`; returns how many.
  std::size_t drop_before(std::int64_t cutoff);
  // The head as a chunk if it changed since the last call, else null.
  ChunkPtr take_dirty_head();

  bool empty() const { return completed_chunks_ == 0 && !head_; }
  std::size_t num_chunks() const { return completed_chunks_ + (head_ ? 1 : 0); }
  std::size_t bytes() const { return completed_bytes_ + (head_ ? head_->size() : 0); }
  std::int64_t last_t() const { return last_t_; }

 private:
  ChunkPtr head_chunk(ChunkSpill* spill) const;
  void complete_head(ChunkPtr& completed, const ChunkPolicy& policy);
  void start_head(std::int64_t t, const ChunkPolicy& policy);
  bool head_full(std::int64_t t, const ChunkPolicy& policy) const;

  std::shared_ptr<const ChunkList> chunks_ = std::make_shared<const ChunkList>();
  // chunks_'s size and bytes, kept here so appends need not touch the shared list
  std::size_t completed_chunks_ = 0;
  std::size_t completed_bytes_ = 0;
  std::optional<XorEncoder> head_{};
  std::int64_t head_min_t_ = 0;
  std::int64_t head_end_ = 0;  // the first time that belongs to the next chunk
  std::int64_t last_t_ = kNoTime;
  std::uint64_t last_bits_ = 0;
  bool head_dirty_ = false;
};

}  // namespace detail
}  // namespace vitals
