#include "agent/ingest/target_recorder.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

namespace vitals {
namespace {

// A series' identity within its target: family name and labels, as the exposition orders them.
std::string series_key(const TargetFamily& family, const SeriesLabels& labels) {
  std::string key(family.name);
  for (const auto& [name, value] : labels) {
    key += '\xff';
    key += name;
    key += '=';
    key += value;
  }
  return key;
}

}  // namespace

TargetRecorder::TargetRecorder(SampleWindow& window, Duration refresh)
    : window_(window),
      refresh_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(refresh).count()) {}

void TargetRecorder::record(const AgentSnapshot& snapshot, std::int64_t t_ms) {
  for (auto& [key, written] : targets_) written.present = false;
  auto update_view = [&](const std::string& key, std::shared_ptr<const void> view,
                         const Emit& emit) {
    Written& written = targets_[key];
    const bool news = written.view != view;
    written.view = std::move(view);
    update(written, news, emit, t_ms);
  };
  for (const auto& service : snapshot.services) {
    update_view("service/" + service->name, service,
                [&](const TargetSampleSink& sink) { for_each_service_series(*service, sink); });
  }
  for (const auto& probe : snapshot.probes) {
    update_view("probe/" + probe->name, probe,
                [&](const TargetSampleSink& sink) { for_each_probe_series(*probe, sink); });
  }
  Written& agent = targets_["agent"];
  const bool news = agent.refs.empty() || agent.vantage_degraded != snapshot.vantage_degraded;
  agent.vantage_degraded = snapshot.vantage_degraded;
  update(
      agent, news, [&](const TargetSampleSink& sink) { for_each_agent_series(snapshot, sink); },
      t_ms);

  std::erase_if(targets_, [&](const auto& entry) {
    if (entry.second.present) return false;
    end(entry.second, t_ms);
    return true;
  });
}

// Writes the target's series when there is news or the last write is `refresh` old; marks stale
// the series it had last time and has no more.
void TargetRecorder::update(Written& written, bool news, const Emit& emit, std::int64_t t_ms) {
  written.present = true;
  if (!news && t_ms - written.at_ms < refresh_ms_) return;
  written.at_ms = t_ms;
  std::unordered_map<std::string, SeriesRef> current;
  emit([&](const TargetFamily& family, SeriesLabels labels, double value) {
    std::string key = series_key(family, labels);
    SeriesRef ref = series_for(written, key, family, labels);
    if (ref != 0 && window_.append(ref, t_ms, value) == AppendStatus::NotFound) {
      // The window retired the series after a long silence: make it anew.
      written.refs.erase(key);
      ref = series_for(written, key, family, labels);
      if (ref != 0) window_.append(ref, t_ms, value);
    }
    if (ref != 0) current.emplace(std::move(key), ref);
  });
  for (const auto& [key, ref] : written.refs) {
    if (!current.contains(key)) window_.mark_stale(ref, t_ms);
  }
  written.refs = std::move(current);
}

SeriesRef TargetRecorder::series_for(const Written& written, const std::string& key,
                                     const TargetFamily& family, const SeriesLabels& labels) {
  if (auto known = written.refs.find(key); known != written.refs.end()) return known->second;
  LabelPairs pairs;
  pairs.reserve(labels.size() + 1);
  pairs.push_back({"__name__", std::string(family.name)});
  for (const auto& [name, value] : labels) pairs.push_back({name, value});
  auto ref = window_.get_or_create(std::move(pairs));
  return ref ? *ref : 0;
}

void TargetRecorder::end(const Written& written, std::int64_t t_ms) {
  for (const auto& [key, ref] : written.refs) window_.mark_stale(ref, t_ms);
}

RecordingQueue::RecordingQueue(TargetRecorder& recorder, Executor& executor, const Clock& clock,
                               std::function<void()> recorded)
    : recorder_(recorder), executor_(executor), clock_(clock), recorded_(std::move(recorded)) {}

void RecordingQueue::offer(std::shared_ptr<const AgentSnapshot> snapshot) {
  {
    MutexLock lock(mu_);
    pending_ = std::move(snapshot);
    if (running_) return;
    running_ = true;
  }
  // Outside the lock: an inline executor records right here.
  if (!executor_.submit([this] { record_pending(); })) {
    MutexLock lock(mu_);
    running_ = false;
  }
}

void RecordingQueue::record_pending() {
  for (;;) {
    std::shared_ptr<const AgentSnapshot> snapshot;
    {
      MutexLock lock(mu_);
      if (!pending_) {
        running_ = false;
        return;
      }
      snapshot = std::move(pending_);
      pending_.reset();
    }
    const auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch());
    last_ms_ = std::max(last_ms_, static_cast<std::int64_t>(now.count()));
    recorder_.record(*snapshot, last_ms_);
    if (recorded_) recorded_();
  }
}

}  // namespace vitals
