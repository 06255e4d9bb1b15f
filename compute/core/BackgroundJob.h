#pragma once
// One computation at a time off the caller's thread (a lab's heavy solve while frames go on):
// the worker writes how far it is into a Monitor and stops early when asked. The caller polls
// ready() each frame and take()s the result; destroying the job stops and joins the worker.
#include <atomic>
#include <cmath>
#include <functional>
#include <future>
#include <memory>
#include <utility>

namespace flowscope {

// Written by the worker, read by the caller; `stop` goes the other way.
struct JobMonitor {
  std::atomic<long> iterations{0};
  std::atomic<double> fraction{-1.0};   // 0..1 where the worker can tell, else < 0
  std::atomic<double> epsilon{0.0};     // a solver's current regularisation, when it has one
  std::atomic<double> error{INFINITY};  // its last error estimate
  std::atomic<bool> stop{false};
};

template <class Result>
class BackgroundJob {
 public:
  BackgroundJob() = default;
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;
  ~BackgroundJob() { cancel(), wait(); }

  // Starts `work` on a new thread; a job still running is stopped and waited for first.
  void start(std::function<Result(JobMonitor&)> work) {
    cancel(), wait();
    monitor_ = std::make_shared<JobMonitor>();
    future_ =
        std::async(std::launch::async, [work = std::move(work), m = monitor_] { return work(*m); });
  }
  bool running() const { return future_.valid(); }  // started and not yet taken
  bool ready() const {
    return future_.valid() &&
           future_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  // The result, waiting for it if needed (rethrows what the work threw); the job is then idle.
  Result take() { return future_.get(); }
  void cancel() {
    if (monitor_) monitor_->stop = true;
  }
  void wait() const {
    if (future_.valid()) future_.wait();
  }
  const JobMonitor* monitor() const { return running() ? monitor_.get() : nullptr; }

 private:
  std::shared_ptr<JobMonitor> monitor_;
  std::future<Result> future_;
};

}  // namespace flowscope
