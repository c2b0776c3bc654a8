#include "agent/store/chunk_spill.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace vitals::detail {
namespace {

// A file no other process can open and that disappears with its last descriptor. O_TMPFILE
// where the file system has it, else a named file unlinked at once.
int open_scratch_file(const std::string& directory) {
  int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string name = directory + "/.vitals-chunks-XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(name.c_str());
  return fd;
}

bool write_all(int fd, std::span<const std::uint8_t> bytes, off_t offset) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += n;
  }
  return true;
}

}  // namespace

// One scratch file, sized up front (sparse) and mapped whole, so a chunk's address never moves.
struct ChunkSpill::Segment {
  int fd = -1;
  std::uint8_t* base = nullptr;
  std::size_t size = 0;
  std::size_t used = 0;  // bytes written; under the spill's mutex

  ~Segment() {
    if (base != nullptr) ::munmap(base, size);
    if (fd >= 0) ::close(fd);
  }
};

std::unique_ptr<ChunkSpill> ChunkSpill::open(const std::string& directory,
                                             std::size_t segment_bytes) {
  std::unique_ptr<ChunkSpill> spill(new ChunkSpill(directory, segment_bytes));
  MutexLock lock(spill->mu_);
  spill->current_ = spill->start_segment();
  if (!spill->current_) return nullptr;
  return spill;
}

std::shared_ptr<ChunkSpill::Segment> ChunkSpill::start_segment() {
  auto segment = std::make_shared<Segment>();
  segment->fd = open_scratch_file(directory_);
  if (segment->fd < 0 || ::ftruncate(segment->fd, static_cast<off_t>(segment_bytes_)) != 0) {
    return nullptr;
  }
  void* base = ::mmap(nullptr, segment_bytes_, PROT_READ, MAP_SHARED, segment->fd, 0);
  if (base == MAP_FAILED) return nullptr;
  segment->base = static_cast<std::uint8_t*>(base);
  segment->size = segment_bytes_;
  std::erase_if(segments_, [](const std::weak_ptr<Segment>& s) { return s.expired(); });
  segments_.push_back(segment);
  return segment;
}

std::optional<Chunk> ChunkSpill::keep(std::int64_t min_t, std::int64_t max_t,
                                      std::span<const std::uint8_t> bytes) {
  MutexLock lock(mu_);
  if (bytes.size() > segment_bytes_) return std::nullopt;
  if (!current_ || current_->used + bytes.size() > segment_bytes_) {
    current_ = start_segment();
    if (!current_) return std::nullopt;
  }
  Segment& segment = *current_;
  if (!write_all(segment.fd, bytes, static_cast<off_t>(segment.used))) return std::nullopt;
  Chunk chunk{.min_t = min_t,
              .max_t = max_t,
              .bytes = std::span<const std::uint8_t>(segment.base + segment.used, bytes.size()),
              .storage = current_};
  segment.used += bytes.size();
  return chunk;
}

void ChunkSpill::release_pages() {
  MutexLock lock(mu_);
  for (const auto& weak : segments_) {
    if (auto segment = weak.lock()) ::madvise(segment->base, segment->size, MADV_DONTNEED);
  }
}

std::size_t ChunkSpill::bytes() const {
  MutexLock lock(mu_);
  std::size_t total = 0;
  for (const auto& weak : segments_) {
    if (auto segment = weak.lock()) total += segment->used;
  }
  return total;
}

}  // namespace vitals::detail
