#include "agent/store/series_chunks.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace vitals::detail {
namespace {

// The end of the `range`-aligned span holding t (floor division, so negative times work).
std::int64_t range_end(std::int64_t t, std::int64_t range) {
  std::int64_t start = t / range * range;
  if (t < 0 && start != t) start -= range;
  return start + range;
}

// A chunk whose bytes live in `spill` when it takes them, else on the heap.
ChunkPtr make_chunk(std::int64_t min_t, std::int64_t max_t, std::span<const std::uint8_t> bytes,
                    ChunkSpill* spill) {
  if (spill != nullptr) {
    if (auto spilled = spill->keep(min_t, max_t, bytes)) {
      return std::make_shared<const Chunk>(std::move(*spilled));
    }
  }
  return std::make_shared<const Chunk>(Chunk::copy_of(min_t, max_t, bytes));
}

}  // namespace

std::vector<SamplePoint> decode(const SeriesView& view, std::int64_t from, std::int64_t to) {
  std::vector<SamplePoint> samples;
  if (view.chunks) {
    for (const ChunkPtr& chunk : *view.chunks) {
      if (chunk->max_t < from || chunk->min_t > to) continue;
      decode_range(chunk->bytes, from, to, samples);
    }
  }
  if (!view.head.empty()) decode_range(view.head, from, to, samples);
  return samples;
}

void SeriesChunks::restore(ChunkList chunks, SamplePoint last, const ChunkPolicy& policy) {
  completed_bytes_ = 0;
  for (ChunkPtr& chunk : chunks) {
    if (policy.spill != nullptr) {
      chunk = make_chunk(chunk->min_t, chunk->max_t, chunk->bytes, policy.spill);
    }
    completed_bytes_ += chunk->bytes.size();
  }
  completed_chunks_ = chunks.size();
  chunks_ = std::make_shared<const ChunkList>(std::move(chunks));
  head_.reset();
  last_t_ = last.t_ms;
  last_bits_ = std::bit_cast<std::uint64_t>(last.value);
}

AppendStatus SeriesChunks::append(std::int64_t t, double value, const ChunkPolicy& policy,
                                  ChunkPtr& completed) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  if (last_t_ != kNoTime) {
    if (t < last_t_) return AppendStatus::OutOfOrder;
    // Prometheus lets an exact repeat through quietly (federation sends them), by bits.
    if (t == last_t_) return bits == last_bits_ ? AppendStatus::Unchanged : AppendStatus::Duplicate;
  }
  if (head_ && head_full(t, policy)) complete_head(completed, policy);
  if (!head_) start_head(t, policy);
  head_->append(t, value);
  last_t_ = t;
  last_bits_ = bits;
  head_dirty_ = true;
  return AppendStatus::Appended;
}

bool SeriesChunks::head_full(std::int64_t t, const ChunkPolicy& policy) const {
  return head_->num_samples() >= policy.samples_per_chunk || t >= head_end_ ||
         head_->size() > policy.max_bytes;
}

void SeriesChunks::start_head(std::int64_t t, const ChunkPolicy& policy) {
  // A series' chunks are much alike in size: room for the last one's bytes and a little more
  // spares the head its doublings (and half its memory, on average, at the last one).
  const std::size_t last_bytes = chunks_->empty() ? 0 : chunks_->back()->bytes.size();
  head_.emplace(last_bytes == 0 ? 128 : last_bytes + last_bytes / 8);
  head_min_t_ = t;
  head_end_ = range_end(t, policy.range_ms);
}

ChunkPtr SeriesChunks::head_chunk(ChunkSpill* spill) const {
  return make_chunk(head_min_t_, head_->last_t(), head_->chunk(), spill);
}

void SeriesChunks::complete_head(ChunkPtr& completed, const ChunkPolicy& policy) {
  completed = head_chunk(policy.spill);
  // Copy-on-write: readers holding the old list keep it whole. Sized exactly: a list only
  // grows by one, at the next completion.
  auto next = std::make_shared<ChunkList>();
  next->reserve(chunks_->size() + 1);
  next->assign(chunks_->begin(), chunks_->end());
  next->push_back(completed);
  chunks_ = std::move(next);
  completed_chunks_ = chunks_->size();
  completed_bytes_ += completed->bytes.size();
  head_.reset();
  head_dirty_ = false;  // the completed chunk carries the same samples to the disk
}

SeriesView SeriesChunks::view(std::int64_t from, std::int64_t to) const {
  SeriesView view{.chunks = chunks_};
  if (head_ && head_min_t_ <= to && last_t_ >= from) view.head = head_->chunk();
  return view;
}

std::size_t SeriesChunks::drop_before(std::int64_t cutoff) {
  std::size_t dropped = 0;
  if (!chunks_->empty() && chunks_->front()->max_t < cutoff) {
    auto keep = std::find_if(chunks_->begin(), chunks_->end(),
                             [&](const ChunkPtr& chunk) { return chunk->max_t >= cutoff; });
    dropped = static_cast<std::size_t>(keep - chunks_->begin());
    for (auto it = chunks_->begin(); it != keep; ++it) completed_bytes_ -= (*it)->bytes.size();
    chunks_ = std::make_shared<const ChunkList>(keep, chunks_->end());
    completed_chunks_ = chunks_->size();
  }
  if (head_ && last_t_ < cutoff) {
    head_.reset();
    head_dirty_ = false;
    ++dropped;
  }
  return dropped;
}

ChunkPtr SeriesChunks::take_dirty_head() {
  if (!head_ || !head_dirty_) return nullptr;
  head_dirty_ = false;
  return head_chunk(nullptr);  // a copy for the disk, soon dropped
}

}  // namespace vitals::detail
