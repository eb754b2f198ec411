// Anything between a thread's start and its write that could synchronise
// keeps the warning away: a std::lock_guard, std::scoped_lock or
// std::unique_lock held, mutex::lock, pthread_mutex_lock, a shared lock, an
// acquire load, a fence, a condition variable wait, a call the analysis
// cannot see into. The racy twin of each (the same write, nothing before
// it) warns.
//
// DEFINE: %{cc} = %clangxx -std=c++20 -fpass-plugin=%plugin -fplugin=%plugin -pthread -gline-tables-only -fno-caret-diagnostics -c -o /dev/null %s
// RUN: %{cc} -O0 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %{cc} -O2 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %if libcxx %{ %{cc} -stdlib=libc++ -O0 2>&1 | FileCheck %s --implicit-check-not=warning: %}
// RUN: %if libcxx %{ %{cc} -stdlib=libc++ -O2 2>&1 | FileCheck %s --implicit-check-not=warning: %}
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <pthread.h>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

std::mutex mu;
std::shared_mutex smu;
pthread_mutex_t pmu = PTHREAD_MUTEX_INITIALIZER;
std::atomic<bool> ready{false};
std::condition_variable cv;
bool go = false;
void opaque(); // defined elsewhere: may take a lock

std::map<int, int> g;

void racy_twin() {
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> 'g' is written by the threads started at {{.*}} with no lock held (operator[])
  std::thread a([] { g[1] = 1; });
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> 'g' is written by the threads started at {{.*}} with no lock held (erase)
  std::thread b([] { g.erase(1); });
  a.join();
  b.join();
}

void locks() {
  std::thread a([] {
    std::lock_guard<std::mutex> l(mu);
    g[1] = 1;
  });
  std::thread b([] {
    std::scoped_lock l(mu);
    g[2] = 2;
  });
  std::thread c([] {
    std::unique_lock l(mu);
    g.erase(1);
  });
  std::thread d([] {
    mu.lock();
    g[3] = 3;
    mu.unlock();
  });
  std::thread e([] {
    std::unique_lock l(smu);
    g[4] = 4;
  });
  std::thread f([] {
    pthread_mutex_lock(&pmu);
    g[5] = 5;
    pthread_mutex_unlock(&pmu);
  });
  a.join();
  b.join();
  c.join();
  d.join();
  e.join();
  f.join();
}

void *locked_worker(void *arg) {
  pthread_mutex_lock(&pmu);
  (*static_cast<std::unordered_map<int, int> *>(arg))[1] = 1;
  pthread_mutex_unlock(&pmu);
  return nullptr;
}

void pthread_locked() {
  std::unordered_map<int, int> m;
  pthread_t ts[4];
  for (int i = 0; i < 4; ++i)
    pthread_create(&ts[i], nullptr, locked_worker, &m);
  for (auto &t : ts)
    pthread_join(t, nullptr);
}

void ordered_by_atomics() {
  std::map<int, int> m;
  std::thread a([&m] {
    while (!ready.load(std::memory_order_acquire)) {
    }
    m[1] = 1;
  });
  std::thread b([&m] {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    m[2] = 2;
  });
  a.join();
  b.join();
}

void condition_variable_wait() {
  std::map<int, int> m;
  std::thread a([&m] {
    std::unique_lock l(mu);
    cv.wait(l, [] { return go; });
    l.unlock();
    m[1] = 1;
  });
  m[2] = 2;
  {
    std::lock_guard l(mu);
    go = true;
  }
  cv.notify_one();
  a.join();
}

void unknown_call() {
  std::map<int, int> m;
  std::thread a([&m] {
    opaque();
    m[1] = 1;
  });
  std::thread b([&m] {
    opaque();
    m[2] = 2;
  });
  a.join();
  b.join();
}
