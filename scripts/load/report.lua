-- wrk script for ./load: an optional think time between a connection's requests, and one
-- machine-readable summary line at the end.
--
--   WRK_DELAY_MS  think time in milliseconds before each request of a connection (default 0: none).
--                 wrk starts a request's clock when it writes the request, after the delay, so the
--                 think time is not part of the latency.
--
-- done() prints one line, all latencies in microseconds:
--   RESULT requests=<n> duration_us=<n> p50=<us> p99=<us> p999=<us> max=<us> mean=<us>
--          err_connect=<n> err_read=<n> err_write=<n> err_status=<n> err_timeout=<n>

local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0") or 0

if delay_ms > 0 then
   function delay()
      return delay_ms
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d duration_us=%d p50=%d p99=%d p999=%d max=%d mean=%.1f " ..
      "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
      latency.max, latency.mean,
      e.connect, e.read, e.write, e.status, e.timeout))
end
