// Where completed chunks' bytes go when the window has a directory: appended to unlinked scratch
// files there and read back through read-only shared mappings, as Prometheus keeps its
// memory-mapped head chunks. Only the pages readers touch count as the agent's resident memory,
// and release_pages() hands even those back; the page cache holds the rest, and the kernel may
// write it out under pressure. Scratch only: SQLite holds the durable copy, and a file vanishes
// when the last chunk in it is dropped (or the process ends). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "agent/store/xor_chunk.h"
#include "vitals/common/mutex.h"

namespace vitals::detail {

class ChunkSpill {
 public:
  // Null when `directory` takes no scratch file; the window then keeps chunks on the heap.
  static std::unique_ptr<ChunkSpill> open(const std::string& directory,
                                          std::size_t segment_bytes = 64 << 20);
  ChunkSpill(const ChunkSpill&) = delete;
  ChunkSpill& operator=(const ChunkSpill&) = delete;

  // A chunk whose bytes are a copy of `bytes` in a scratch file; nullopt when the write fails
  // (a full disk, say), and the caller keeps a heap copy instead.
  std::optional<Chunk> keep(std::int64_t min_t, std::int64_t max_t,
                            std::span<const std::uint8_t> bytes) EXCLUDES(mu_);
  // Unmaps every page readers faulted in, so they leave the resident set; the next read faults
  // them back from the page cache.
  void release_pages() EXCLUDES(mu_);
  // Bytes written to files still in use.
  std::size_t bytes() const EXCLUDES(mu_);

 private:
  struct Segment;
  ChunkSpill(std::string directory, std::size_t segment_bytes)
      : directory_(std::move(directory)), segment_bytes_(segment_bytes) {}
  std::shared_ptr<Segment> start_segment() REQUIRES(mu_);

  const std::string directory_;
  const std::size_t segment_bytes_;
  mutable Mutex mu_;
  std::shared_ptr<Segment> current_ GUARDED_BY(mu_);
  std::vector<std::weak_ptr<Segment>> segments_ GUARDED_BY(mu_);
};

}  // namespace vitals::detail
