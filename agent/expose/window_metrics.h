// The sample window's own series on /metrics: its size and what ingest did.
#pragma once

#include "agent/expose/exposition.h"
#include "agent/store/sample_window.h"

namespace vitals {

// vitals_window_series, _chunks, _bytes (gauges) and vitals_window_samples_appended_total,
// _out_of_order_total, _duplicates_total (counters, from the window's running totals).
void write_window_metrics(Exposition& out, const WindowMetrics& window);

}  // namespace vitals
