#include "agent/store/sample_window.h"

#include "vitals/common/duration.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <utility>

namespace vitals {
namespace {

std::uint32_t slot_of(SeriesRef ref) {
  return static_cast<std::uint32_t>(ref);
}

std::uint32_t generation_of(SeriesRef ref) {
  return static_cast<std::uint32_t>(ref >> 32);
}

SeriesRef make_ref(std::uint32_t generation, std::size_t slot) {
  return (SeriesRef{generation} << 32) | slot;
}

// Runs of 64 consecutive slots share a stripe and sit side by side in its vector: a target's
// series are made together and appended together, so one scrape walks memory in order.
constexpr std::size_t kRun = 64;

std::size_t stripe_number(std::size_t slot, std::size_t stripes) {
  return slot / kRun % stripes;
}

std::size_t index_in_stripe(std::size_t slot, std::size_t stripes) {
  return slot / (kRun * stripes) * kRun + slot % kRun;
}

std::size_t slot_at(std::size_t stripe, std::size_t index, std::size_t stripes) {
  return index / kRun * kRun * stripes + stripe * kRun + index % kRun;
}

std::int64_t now_ms(const Clock& clock) {
  return to_ms(clock.wall_now().time_since_epoch());
}

// The last sample of a stored chunk, to continue the series after it; none when the bytes are
// damaged or disagree with the chunk's recorded span.
std::optional<SamplePoint> last_sample(const detail::Chunk& chunk) {
  detail::XorDecoder decoder(chunk.bytes);
  std::optional<SamplePoint> last;
  while (decoder.next()) last = SamplePoint{decoder.t(), decoder.value()};
  if (decoder.failed() || !last || last->t_ms != chunk.max_t) return std::nullopt;
  return last;
}

}  // namespace

SampleWindow::SampleWindow(const Clock& clock, WindowOptions options,
                           std::unique_ptr<detail::ChunkSpill> spill)
    : clock_(clock),
      options_(options),
      spill_(std::move(spill)),
      policy_{.samples_per_chunk = std::max<std::uint16_t>(options.samples_per_chunk, 1),
              .range_ms = std::max<std::int64_t>(to_ms(options.chunk_range), 1),
              .spill = spill_.get()},
      stripes_(new Stripe[kStripes]),
      snapshot_(std::make_shared<const detail::PostingsIndex>()) {}

std::unique_ptr<SampleWindow> SampleWindow::create(const Clock& clock, WindowOptions options) {
  std::unique_ptr<SampleWindow> window(new SampleWindow(clock, options));
  window->start_maintenance();
  return window;
}

Result<std::unique_ptr<SampleWindow>> SampleWindow::open(const std::string& path,
                                                         const Clock& clock,
                                                         WindowOptions options) {
  std::unique_ptr<detail::ChunkSpill> spill;
  if (options.spill_chunks) {
    std::string directory = std::filesystem::path(path).parent_path().string();
    spill = detail::ChunkSpill::open(directory.empty() ? "." : directory);
  }
  if (spill) {
    // The writer reads each chunk it stores through the mapping, which would leave every page
    // of the file in the agent's resident set until the next maintenance pass.
    options.store.after_batch = [released = spill.get()] { released->release_pages(); };
  }
  std::unique_ptr<SampleWindow> window(new SampleWindow(clock, options, std::move(spill)));
  std::vector<StoredSeries> loaded;
  auto store = ChunkStore::open(path, window->cutoff_ms(), loaded, options.store);
  if (!store) return tl::unexpected(store.error());
  for (StoredSeries& stored : loaded) window->restore(std::move(stored));
  window->store_ = std::move(*store);
  window->start_maintenance();
  return window;
}

SampleWindow::~SampleWindow() {
  if (maintenance_.joinable()) {
    {
      MutexLock lock(maintenance_mu_);
      stopping_ = true;
    }
    maintenance_wake_.notify_all();
    maintenance_.join();
  }
  persist_heads();  // a clean stop keeps every sample; store_ then writes its queue
}

void SampleWindow::start_maintenance() {
  if (options_.maintenance_interval <= Duration::zero()) return;
  maintenance_ = std::thread([this] { run_maintenance(); });
}

// Paced by the machine's steady clock: it paces disk writes and housekeeping, not product time.
void SampleWindow::run_maintenance() {
  MutexLock lock(maintenance_mu_);
  auto last_persist = std::chrono::steady_clock::now();
  for (;;) {
    auto deadline = std::chrono::steady_clock::now() + options_.maintenance_interval;
    lock.wait_until(maintenance_wake_, deadline,
                    [&]() REQUIRES(maintenance_mu_) { return stopping_; });
    if (stopping_) return;
    lock.unlock();
    if (std::chrono::steady_clock::now() - last_persist >= options_.open_chunk_interval) {
      last_persist = std::chrono::steady_clock::now();
      persist_heads();
    }
    apply_retention();
    index();  // so queued index changes are not held until the next reader
    // Pages of spilled chunks that readers touched leave the resident set until read again.
    if (spill_) spill_->release_pages();
    lock.lock();
  }
}

std::int64_t SampleWindow::cutoff_ms() const {
  return now_ms(clock_) - to_ms(options_.retention);
}

SampleWindow::Stripe& SampleWindow::stripe_of(SeriesRef ref) const {
  return stripes_[stripe_number(slot_of(ref), kStripes)];
}

SampleWindow::Series* SampleWindow::find_series(Stripe& stripe, SeriesRef ref) {
  const std::size_t index = index_in_stripe(slot_of(ref), kStripes);
  if (index >= stripe.slots.size()) return nullptr;
  Slot& slot = stripe.slots[index];
  if (!slot.series || slot.generation != generation_of(ref)) return nullptr;
  return &*slot.series;
}

Result<SeriesRef> SampleWindow::get_or_create(LabelPairs labels) {
  auto normal = normalize_labels(std::move(labels));
  if (!normal) return tl::unexpected(normal.error());
  if (SeriesRef ref = find(*normal); ref != 0) return ref;
  return create(*normal);
}

SeriesRef SampleWindow::find(const LabelPairs& labels) const {
  detail::LabelSet set = symbols_.find(labels);
  if (set.empty()) return 0;
  MutexLock lock(index_mu_);
  auto found = by_labels_.find(set);
  return found == by_labels_.end() ? 0 : found->second;
}

SeriesRef SampleWindow::create(const LabelPairs& labels) {
  detail::LabelSet set = symbols_.acquire(labels);
  MutexLock lock(index_mu_);
  if (auto found = by_labels_.find(set); found != by_labels_.end()) {
    // Another thread created it first; ours were extra references.
    const SeriesRef existing = found->second;
    lock.unlock();
    symbols_.release(set);
    return existing;
  }
  const std::int64_t file_id = store_ ? next_file_id_++ : 0;
  // Under index_mu_: no chunk of this series can be queued before the series itself.
  if (store_) store_->record_series(file_id, labels);
  return insert(set, Series{.last_write_ms = now_ms(clock_), .file_id = file_id});
}

void SampleWindow::restore(StoredSeries stored) {
  auto labels = normalize_labels(std::move(stored.labels));
  if (!labels) return;
  std::optional<SamplePoint> last;
  while (!stored.chunks.empty() && !(last = last_sample(*stored.chunks.back()))) {
    stored.chunks.pop_back();  // damaged: the ones before it are still good
  }
  if (!last) return;
  detail::LabelSet set = symbols_.acquire(*labels);
  MutexLock lock(index_mu_);
  next_file_id_ = std::max(next_file_id_, stored.id + 1);
  if (by_labels_.contains(set)) {
    lock.unlock();
    symbols_.release(set);
    return;
  }
  Series series{.last_write_ms = last->t_ms, .file_id = stored.id};
  series.samples.restore(std::move(stored.chunks), *last, policy_);
  insert(set, std::move(series));
}

// Puts the series in a free slot under the slot's next generation, and queues it for the index.
SeriesRef SampleWindow::insert(const detail::LabelSet& set, Series series) {
  std::uint32_t number = next_slot_;
  if (free_slots_.empty()) {
    ++next_slot_;
  } else {
    number = free_slots_.back();
    free_slots_.pop_back();
  }
  series.labels = set;
  SeriesRef ref = 0;
  {
    Stripe& stripe = stripes_[stripe_number(number, kStripes)];
    MutexLock lock(stripe.mu);
    const std::size_t index = index_in_stripe(number, kStripes);
    if (index >= stripe.slots.size()) stripe.slots.resize(index + 1);
    Slot& slot = stripe.slots[index];
    ref = make_ref(++slot.generation, number);
    ++stripe.live;
    stripe.chunks += series.samples.num_chunks();
    stripe.bytes += series.samples.bytes();
    slot.series.emplace(std::move(series));
  }
  by_labels_.emplace(set, ref);
  label_pairs_ += set.size();
  pending_.push_back(detail::PostingsChange{.ref = ref, .labels = symbols_.texts(set)});
  index_version_.fetch_add(1, std::memory_order_release);
  return ref;
}

AppendStatus SampleWindow::append(SeriesRef ref, std::int64_t t_ms, double value) {
  Stripe& stripe = stripe_of(ref);
  MutexLock lock(stripe.mu);
  Series* series = find_series(stripe, ref);
  if (series == nullptr) return AppendStatus::NotFound;
  detail::SeriesChunks& samples = series->samples;
  const std::size_t chunks_before = samples.num_chunks();
  const std::size_t bytes_before = samples.bytes();
  detail::ChunkPtr completed;
  const AppendStatus status = samples.append(t_ms, value, policy_, completed);
  if (status == AppendStatus::Appended) {
    ++stripe.appended;
    series->last_write_ms = t_ms;  // times only grow once there is a sample
  }
  stripe.out_of_order += status == AppendStatus::OutOfOrder ? 1 : 0;
  stripe.duplicates += status == AppendStatus::Duplicate ? 1 : 0;
  stripe.chunks = stripe.chunks + samples.num_chunks() - chunks_before;
  stripe.bytes = stripe.bytes + samples.bytes() - bytes_before;
  // Under the stripe's lock, so the disk sees this series' chunks in the order they were made.
  if (completed && store_) store_->record_chunk(series->file_id, std::move(completed));
  return status;
}

AppendStatus SampleWindow::mark_stale(SeriesRef ref, std::int64_t t_ms) {
  return append(ref, t_ms, stale_nan());
}

std::vector<SeriesRef> SampleWindow::select(const std::vector<LabelMatcher>& matchers) const {
  return index()->select(matchers);
}

LabelPairs SampleWindow::labels(SeriesRef ref) const {
  Stripe& stripe = stripe_of(ref);
  MutexLock lock(stripe.mu);
  const Series* series = find_series(stripe, ref);
  if (series == nullptr) return {};
  // Still under the stripe's lock: the series holds its symbols, so the ids mean its strings.
  return symbols_.strings(series->labels);
}

std::vector<SamplePoint> SampleWindow::samples(SeriesRef ref, std::int64_t from_ms,
                                               std::int64_t to_ms) const {
  if (from_ms > to_ms) return {};
  detail::SeriesView view;
  {
    Stripe& stripe = stripe_of(ref);
    MutexLock lock(stripe.mu);
    const Series* series = find_series(stripe, ref);
    if (series == nullptr) return {};
    view = series->samples.view(from_ms, to_ms);
  }
  return detail::decode(view, from_ms, to_ms);
}

std::optional<SamplePoint> SampleWindow::latest(SeriesRef ref, std::int64_t from_ms) const {
  detail::SeriesView view;
  std::int64_t last = detail::SeriesChunks::kNoTime;
  {
    Stripe& stripe = stripe_of(ref);
    MutexLock lock(stripe.mu);
    const Series* series = find_series(stripe, ref);
    if (series == nullptr) return std::nullopt;
    last = series->samples.last_t();
    if (last == detail::SeriesChunks::kNoTime || last < from_ms) return std::nullopt;
    view = series->samples.view(last, last);
  }
  std::vector<SamplePoint> points = detail::decode(view, last, last);
  if (points.empty()) return std::nullopt;
  return points.back();
}

std::vector<std::string> SampleWindow::label_names() const {
  return index()->names();
}

std::vector<std::string> SampleWindow::label_values(std::string_view name) const {
  return index()->values(name);
}

// The current snapshot, first building the next one when changes are queued:
//   1. under snapshot_mu_, return the snapshot when it holds every queued change;
//   2. under publish_mu_ (readers only), take the queued changes under index_mu_ — a swap;
//   3. build the next snapshot with no ingest lock held, then swap it in under snapshot_mu_.
std::shared_ptr<const detail::PostingsIndex> SampleWindow::index() const {
  {
    MutexLock lock(snapshot_mu_);
    if (snapshot_->version() == index_version_.load(std::memory_order_acquire)) return snapshot_;
  }
  MutexLock publishing(publish_mu_);
  std::vector<detail::PostingsChange> changes;
  std::uint64_t version = 0;
  {
    MutexLock lock(index_mu_);
    changes.swap(pending_);
    version = index_version_.load(std::memory_order_relaxed);
  }
  std::shared_ptr<const detail::PostingsIndex> current;
  {
    MutexLock lock(snapshot_mu_);
    current = snapshot_;
  }
  if (changes.empty()) return current;  // another reader built it meanwhile
  auto next = current->apply(changes, version);
  MutexLock lock(snapshot_mu_);
  snapshot_ = next;
  return next;
}

std::size_t SampleWindow::apply_retention() {
  const std::int64_t cutoff = cutoff_ms();
  std::vector<SeriesRef> idle;
  const std::size_t dropped = drop_old(cutoff, idle);
  for (SeriesRef ref : idle) remove_if_idle(ref, cutoff);
  if (store_) store_->record_retention(cutoff);
  return dropped;
}

// One stripe at a time, so ingest waits at most for one stripe's share of the series.
std::size_t SampleWindow::drop_old(std::int64_t cutoff, std::vector<SeriesRef>& idle) {
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < kStripes; ++i) {
    Stripe& stripe = stripes_[i];
    MutexLock lock(stripe.mu);
    for (std::size_t index = 0; index < stripe.slots.size(); ++index) {
      Slot& slot = stripe.slots[index];
      if (!slot.series) continue;
      detail::SeriesChunks& samples = slot.series->samples;
      const std::size_t bytes_before = samples.bytes();
      const std::size_t gone = samples.drop_before(cutoff);
      dropped += gone;
      stripe.chunks -= gone;
      stripe.bytes = stripe.bytes + samples.bytes() - bytes_before;
      if (samples.empty() && slot.series->last_write_ms < cutoff) {
        idle.push_back(make_ref(slot.generation, slot_at(i, index, kStripes)));
      }
    }
  }
  return dropped;
}

void SampleWindow::remove_if_idle(SeriesRef ref, std::int64_t cutoff) {
  detail::LabelSet set;
  {
    MutexLock index(index_mu_);
    Stripe& stripe = stripe_of(ref);
    MutexLock lock(stripe.mu);
    Series* series = find_series(stripe, ref);
    if (series == nullptr) return;
    if (!series->samples.empty() || series->last_write_ms >= cutoff) return;  // written meanwhile
    if (store_) store_->record_removal(series->file_id);
    set = std::move(series->labels);
    stripe.slots[index_in_stripe(slot_of(ref), kStripes)].series.reset();
    --stripe.live;
    free_slots_.push_back(slot_of(ref));
    by_labels_.erase(set);
    label_pairs_ -= set.size();
    pending_.push_back(
        detail::PostingsChange{.ref = ref, .labels = symbols_.texts(set), .added = false});
    index_version_.fetch_add(1, std::memory_order_release);
  }
  symbols_.release(set);
}

// The heads go in batches, each written before the next is copied: a copy of every head at
// once (100,000 series: 50 MB) would stay in the process' heap long after it was written.
void SampleWindow::persist_heads() {
  if (!store_) return;
  constexpr std::size_t kBatch = 4096;
  std::size_t queued = 0;
  for (std::size_t i = 0; i < kStripes; ++i) {
    {
      Stripe& stripe = stripes_[i];
      MutexLock lock(stripe.mu);
      for (Slot& slot : stripe.slots) {
        if (!slot.series) continue;
        if (auto head = slot.series->samples.take_dirty_head()) {
          store_->record_chunk(slot.series->file_id, std::move(head));
          ++queued;
        }
      }
    }
    if (queued >= kBatch) {
      (void)store_->flush();  // a failed write stays queued for the writer's retry
      queued = 0;
    }
  }
}

Result<void> SampleWindow::flush() {
  if (!store_) return {};
  return store_->flush();
}

WindowMetrics SampleWindow::metrics() const {
  WindowMetrics metrics;
  for (std::size_t i = 0; i < kStripes; ++i) {
    const Stripe& stripe = stripes_[i];
    MutexLock lock(stripe.mu);
    metrics.series += stripe.live;
    metrics.chunks += stripe.chunks;
    metrics.chunk_bytes += stripe.bytes;
    metrics.samples_appended += stripe.appended;
    metrics.out_of_order += stripe.out_of_order;
    metrics.duplicates += stripe.duplicates;
  }
  std::size_t label_pairs = 0;
  {
    MutexLock lock(index_mu_);
    label_pairs = label_pairs_;
  }
  std::size_t postings_bytes = 0;
  {
    MutexLock lock(snapshot_mu_);
    postings_bytes = snapshot_->bytes();
  }
  // Per series: its slot and its by_labels_ node; per label, a symbol pair held twice (in the
  // series and in the by_labels_ key).
  constexpr std::size_t kPerSeries = sizeof(Slot) + 64;
  metrics.index_bytes = symbols_.bytes() + postings_bytes + metrics.series * kPerSeries +
                        label_pairs * 2 * sizeof(detail::SymbolPair);
  metrics.bytes = metrics.chunk_bytes + metrics.index_bytes;
  if (store_) metrics.store = store_->metrics();
  return metrics;
}

}  // namespace vitals
