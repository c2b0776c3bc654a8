#include "agent/expose/window_metrics.h"

namespace vitals {
namespace {

void one(Exposition& out, const char* name, const char* type, const char* help, double value) {
  out.family(name, type, help);
  out.sample(name, {}, value);
}

}  // namespace

void write_window_metrics(Exposition& out, const WindowMetrics& w) {
  one(out, "vitals_window_series", "gauge", "Series in the sample window.",
      static_cast<double>(w.series));
  one(out, "vitals_window_chunks", "gauge", "Chunks in the sample window, completed and open.",
      static_cast<double>(w.chunks));
  one(out, "vitals_window_bytes", "gauge",
      "Bytes the sample window holds: compressed chunks plus the index, approximately.",
      static_cast<double>(w.bytes));
  one(out, "vitals_window_samples_appended_total", "counter",
      "Samples appended to the sample window.", static_cast<double>(w.samples_appended));
  one(out, "vitals_window_out_of_order_samples_total", "counter",
      "Samples refused for being older than their series' last one.",
      static_cast<double>(w.out_of_order));
  one(out, "vitals_window_duplicate_samples_total", "counter",
      "Samples refused for repeating their series' last time with another value.",
      static_cast<double>(w.duplicates));
  one(out, "vitals_window_write_errors_total", "counter",
      "Failed transactions writing the sample window to disk, each retry counted.",
      static_cast<double>(w.store.write_errors));
  one(out, "vitals_window_dropped_total", "counter",
      "Sample window records lost before reaching the disk: over the queue bound, refused, or "
      "at exit.",
      static_cast<double>(w.store.dropped));
}

}  // namespace vitals
