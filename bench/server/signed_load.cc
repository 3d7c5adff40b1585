// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// signed_load: an AK/SK load generator for `iamctl serve` (wrk cannot sign):
// N keep-alive connections, each on its own thread, send GET PATH signed
// SDK-HMAC-SHA256 with iam::SignSdkRequest (a fresh X-Sdk-Date and signature
// per request, as the SDK does) for S seconds, and print one JSON line:
// {"connections", "requests", "errors", "requests_per_s", "p50_us", "p90_us",
// "p99_us"}. Any answer but 200 counts as an error.
//
//   signed_load HOST PORT AK SK PATH CONNECTIONS SECONDS
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "iam/request_signature.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: signed_load HOST PORT AK SK PATH CONNECTIONS SECONDS\n");
    return 2;
  }
  const std::string host = argv[1], ak = argv[3], sk = argv[4], path = argv[5];
  const int port = std::atoi(argv[2]), connections = std::atoi(argv[6]);
  const double seconds = std::atof(argv[7]);
  const std::string host_header = host + ":" + argv[2];
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(connections);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client(host, port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      while (std::chrono::steady_clock::now() < deadline) {
        const auto start = std::chrono::steady_clock::now();
        iam::WireRequest r;
        r.method = "GET";
        r.path = path;
        r.headers = {{"Content-Type", "application/json"},
                     {"Host", host_header},
                     {"X-Sdk-Date", iam::FormatSdkDate(absl::Now())}};
        const std::string authorization = iam::SignSdkRequest(r, ak, sk);
        httplib::Headers headers;
        for (const auto& [name, value] : r.headers) {
          if (name != "Host") headers.emplace(name, value);
        }
        headers.emplace("Authorization", authorization);
        auto res = client.Get(path.c_str(), headers);
        if (!res || res->status != 200) ++errors;
        latencies[c].push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  const auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  const nlohmann::json out = {
      {"connections", connections}, {"requests", all.size()},
      {"errors", errors.load()},    {"requests_per_s", all.size() / seconds},
      {"p50_us", pct(0.50)},        {"p90_us", pct(0.90)},
      {"p99_us", pct(0.99)}};
  std::printf("%s\n", out.dump().c_str());
  return errors.load() == 0 ? 0 : 1;
}
