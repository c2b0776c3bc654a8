// The agent's window of recent samples, which PromQL reads: every series' samples of the last
// `retention`, in Prometheus' XOR chunks (under 2 bytes a sample at a steady interval), found
// through an inverted index of label pairs, and kept in SQLite across restarts when opened on
// a file. With a file, completed chunks' bytes live in scratch files beside it (ChunkSpill), off
// the heap.
//
// Thread-safe; readers never wait on ingest for more than a short critical section:
//   - Series live in 1024 stripes, each a mutex over a vector of slots; a ref names its slot, so
//     finding a series is an index, not a search. An append locks one stripe; a read of samples
//     locks it only to copy a shared_ptr to the immutable list of completed chunks and the open
//     head chunk's bytes (about 1 KB at most), and decodes after letting go.
//   - The postings index is an immutable snapshot (shared_ptr swapped under a mutex). Series
//     creation and removal only queue a change; the first reader to find changes queued (or the
//     maintenance thread) builds the next snapshot outside every ingest lock. A series returned
//     by get_or_create() before a select() starts is visible to that select().
//   - Retention and head persistence walk the stripes one at a time.
//   - Lock order: index_mu_, then a stripe, then the symbol table, then the chunk store's queue.
//
// Refs: a SeriesRef is (slot generation << 32 | slot). A slot freed by a removed series is given
// to a later one with the next generation (32 bits of them), so a ref never names a second
// label set in the life of the process: a reader holding the ref of a removed series gets empty
// labels and samples, never another series'. Refs are not kept across restarts; the file has
// its own series ids.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "agent/store/chunk_spill.h"
#include "agent/store/chunk_store.h"
#include "agent/store/label_set.h"
#include "agent/store/postings.h"
#include "agent/store/series_chunks.h"
#include "vitals/common/clock.h"
#include "vitals/common/error.h"
#include "vitals/common/mutex.h"

namespace vitals {

struct WindowOptions {
  // Chunks whose last sample is older than now - retention are dropped; a series left without
  // chunks whose newest sample (or, never written, its creation) is that old is removed.
  Duration retention{std::chrono::hours(1)};
  std::uint16_t samples_per_chunk = 120;        // Prometheus' default
  Duration chunk_range{std::chrono::hours(2)};  // chunks also end at multiples of this
  // How often the window's own thread applies retention and refreshes the index snapshot; zero:
  // never (the owner calls persist_heads() and apply_retention()).
  Duration maintenance_interval{std::chrono::seconds(60)};
  // How often that thread also writes changed open chunks to disk (on the first pass at least
  // this long after the last write). Completed chunks go to disk as they are made, so kill -9
  // loses the open chunks' samples of at most this long, and never more than one chunk's: two
  // minutes of a series scraped every second (a clean stop loses none). Each write rewrites
  // every changed open chunk, about 6 us of CPU a series: at a 1 s interval a chunk completes
  // every two minutes, so writing open chunks every minute wrote each chunk three times, and
  // every five minutes writes most of them once.
  Duration open_chunk_interval{std::chrono::minutes(5)};
  // With a file: completed chunks' bytes go to scratch files beside it (ChunkSpill), off the
  // heap, as Prometheus' memory-mapped head chunks are.
  bool spill_chunks = true;
  ChunkStoreOptions store{};
};

struct WindowMetrics {
  std::size_t series = 0;
  std::size_t chunks = 0;       // completed and open
  std::size_t chunk_bytes = 0;  // compressed bytes of those chunks
  std::size_t index_bytes = 0;  // approximate: symbols, label sets, postings
  std::size_t bytes = 0;        // chunk_bytes + index_bytes
  std::uint64_t samples_appended = 0;
  std::uint64_t out_of_order = 0;  // rejected
  std::uint64_t duplicates = 0;    // rejected: same time as the last sample, other value
  ChunkStoreMetrics store{};       // all zero without a file
};

class SampleWindow {
 public:
  // In memory only. `clock` gives "now" for retention and must outlive the window.
  static std::unique_ptr<SampleWindow> create(const Clock& clock, WindowOptions options = {});
  // Backed by the SQLite file at `path` (created if missing; its directory must exist): the
  // chunks within retention are loaded and indexed before this returns.
  static Result<std::unique_ptr<SampleWindow>> open(const std::string& path, const Clock& clock,
                                                    WindowOptions options = {});
  // Writes the open chunks and everything queued to disk, then stops the threads.
  ~SampleWindow();
  SampleWindow(const SampleWindow&) = delete;
  SampleWindow& operator=(const SampleWindow&) = delete;

  // The series of `labels` (empty values dropped, order free), created when new; InvalidArgument
  // for an empty set or a repeated name. Callers keep the ref for the next scrape.
  Result<SeriesRef> get_or_create(LabelPairs labels) EXCLUDES(index_mu_);
  // Prometheus' rules: an older sample is OutOfOrder, one at the last sample's time is
  // Duplicate unless its value has the same bits (then Unchanged: accepted, not stored again).
  AppendStatus append(SeriesRef ref, std::int64_t t_ms, double value);
  // Appends the staleness marker (stale_nan()): the series ended at t_ms.
  AppendStatus mark_stale(SeriesRef ref, std::int64_t t_ms);

  // The series every matcher accepts, sorted; none for no matchers.
  std::vector<SeriesRef> select(const std::vector<LabelMatcher>& matchers) const;
  // Sorted by name; empty for an unknown (or removed) series.
  LabelPairs labels(SeriesRef ref) const;
  // The samples with from_ms <= t <= to_ms, oldest first, stale markers included.
  std::vector<SamplePoint> samples(SeriesRef ref, std::int64_t from_ms, std::int64_t to_ms) const;
  // The newest sample if its time is from_ms or later (a stale marker included); none otherwise.
  // Decodes one chunk at most, where samples() over a lookback would decode every chunk in it.
  std::optional<SamplePoint> latest(SeriesRef ref, std::int64_t from_ms) const;
  std::vector<std::string> label_names() const;                        // sorted
  std::vector<std::string> label_values(std::string_view name) const;  // sorted

  // Drops chunks and idle series past retention (on disk too); returns the chunks dropped.
  std::size_t apply_retention() EXCLUDES(index_mu_);
  // Queues every open chunk that changed since the last call for the disk.
  void persist_heads();
  // Blocks until everything queued for the disk is committed; ok without a file.
  Result<void> flush();
  WindowMetrics metrics() const;

 private:
  static constexpr std::size_t kStripes = 1024;
  struct Series {
    detail::LabelSet labels{};
    detail::SeriesChunks samples{};
    std::int64_t last_write_ms = 0;  // the newest sample's time, or the creation's if none
    std::int64_t file_id = 0;        // the series' key in the file; 0 in memory only
  };
  struct Slot {
    std::uint32_t generation = 0;  // of the series in it, or of the last one
    std::optional<Series> series{};
  };
  struct alignas(64) Stripe {
    mutable Mutex mu;
    std::vector<Slot> slots GUARDED_BY(mu);  // see index_in_stripe() for which slot is where
    std::size_t live GUARDED_BY(mu) = 0;
    std::uint64_t appended GUARDED_BY(mu) = 0;
    std::uint64_t out_of_order GUARDED_BY(mu) = 0;
    std::uint64_t duplicates GUARDED_BY(mu) = 0;
    std::size_t chunks GUARDED_BY(mu) = 0;
    std::size_t bytes GUARDED_BY(mu) = 0;
  };

  SampleWindow(const Clock& clock, WindowOptions options,
               std::unique_ptr<detail::ChunkSpill> spill = nullptr);
  void start_maintenance();
  void run_maintenance() EXCLUDES(maintenance_mu_);
  std::int64_t cutoff_ms() const;
  Stripe& stripe_of(SeriesRef ref) const;
  static Series* find_series(Stripe& stripe, SeriesRef ref) REQUIRES(stripe.mu);
  SeriesRef find(const LabelPairs& labels) const EXCLUDES(index_mu_);
  SeriesRef create(const LabelPairs& labels) EXCLUDES(index_mu_);
  void restore(StoredSeries stored) EXCLUDES(index_mu_);
  SeriesRef insert(const detail::LabelSet& set, Series series) REQUIRES(index_mu_);
  std::size_t drop_old(std::int64_t cutoff, std::vector<SeriesRef>& idle);
  void remove_if_idle(SeriesRef ref, std::int64_t cutoff) EXCLUDES(index_mu_);
  std::shared_ptr<const detail::PostingsIndex> index() const EXCLUDES(index_mu_);

  const Clock& clock_;
  const WindowOptions options_;
  const std::unique_ptr<detail::ChunkSpill> spill_;  // null: completed chunks on the heap
  const detail::ChunkPolicy policy_;
  const std::unique_ptr<Stripe[]> stripes_;
  detail::SymbolTable symbols_;
  std::unique_ptr<ChunkStore> store_;  // null in memory; set before the window is shared

  mutable Mutex index_mu_;
  std::unordered_map<detail::LabelSet, SeriesRef, detail::LabelSetHash> by_labels_
      GUARDED_BY(index_mu_);
  mutable std::vector<detail::PostingsChange> pending_ GUARDED_BY(index_mu_);
  std::uint32_t next_slot_ GUARDED_BY(index_mu_) = 0;
  std::vector<std::uint32_t> free_slots_ GUARDED_BY(index_mu_);
  std::int64_t next_file_id_ GUARDED_BY(index_mu_) = 1;
  std::size_t label_pairs_ GUARDED_BY(index_mu_) = 0;  // over all series, for index_bytes
  std::atomic<std::uint64_t> index_version_{0};  // changes queued so far; written under index_mu_

  mutable Mutex publish_mu_;  // one snapshot built at a time
  mutable Mutex snapshot_mu_;
  mutable std::shared_ptr<const detail::PostingsIndex> snapshot_ GUARDED_BY(snapshot_mu_);

  Mutex maintenance_mu_;
  std::condition_variable maintenance_wake_;
  bool stopping_ GUARDED_BY(maintenance_mu_) = false;
  std::thread maintenance_;  // started last
};

}  // namespace vitals
