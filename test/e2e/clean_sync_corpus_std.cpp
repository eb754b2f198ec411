// Every synchronisation primitive of the C++ standard library hands a map
// between two threads inside a loop of writes, a loop of lookups, a
// range-for over it, and inside the element destructor or constructor of
// another container those loops write (Inputs/sync_corpus.h has the loops);
// the one-shot waits (latch, atomic wait, semaphore, future, condition
// variable, call_once) also at the top of each round of a loop of lookups.
// A hand-over in every round (64 rounds a case, 16 for call_once, which
// spins), each ordered by the primitive alone: never reported. The remarks
// show that none of those loops gets a window (one check for all of a
// loop's accesses, which the other thread's writes between two of them would
// break), and the control build shows that the same loops do get one when
// the hand-over synchronises nothing.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -std=c++20 -pthread -I %S/Inputs %s -o %t \
// DEFINE:     -Rpass=mapguard -Rpass-missed=mapguard 2> %t.remarks \
// DEFINE:   && FileCheck %S/Inputs/sync_corpus.h --check-prefix=NOWINDOW --input-file %t.remarks \
// DEFINE:   && FileCheck %S/Inputs/sync_corpus.h --check-prefix=SEEN --input-file %t.remarks \
// DEFINE:   && for i in 1 2 3; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++ -fexperimental-library
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++ -fexperimental-library
// RUN: %if libcxx %{ %{check} %}
//
// The control: the shapes with a baton that synchronises nothing get windows.
// DEFINE: %{control} = %mgxx %{flags} -std=c++20 -pthread -I %S/Inputs -DCORPUS_CONTROL -c %s -o %t.control.o \
// DEFINE:     -Rpass=mapguard 2> %t.control.remarks \
// DEFINE:   && FileCheck %S/Inputs/sync_corpus.h --check-prefix=CONTROL --input-file %t.control.remarks
// REDEFINE: %{flags} = -O0
// RUN: %{control}
// REDEFINE: %{flags} = -O2 -stdlib=libc++ -fexperimental-library
// RUN: %if libcxx %{ %{control} %}
//
// CHECK: std corpus: 203 cases, 0 wrong

#include "sync_corpus.h"

#include <atomic>
#include <cstdlib>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <future>
#include <latch>
#include <mutex>
#include <optional>
#include <semaphore>
#include <shared_mutex>
#include <stop_token>
#include <vector>

using namespace std::chrono_literals;

// Lock policies for corpus::rotation.

using corpus::lock_sides;
using corpus::lock_unlock_side;

// lock() / unlock() on both sides (mutex, recursive_mutex, shared_mutex
// held exclusively).
template <class M> using plain_lock = lock_sides<M, lock_unlock_side<M>>;

// Taken twice, released twice.
template <class M> struct twice_side {
  void lock(M &m, int) noexcept {
    m.lock();
    m.lock();
  }
  void unlock(M &m, int) noexcept {
    m.unlock();
    m.unlock();
  }
};
template <class M> using recursive_lock = lock_sides<M, twice_side<M>>;

// try_lock_for on main's side, try_lock_until on the worker's.
template <class M> struct try_lock_for_side : lock_unlock_side<M> {
  void lock(M &m, int) noexcept {
    while (!m.try_lock_for(1s)) {
    }
  }
};
template <class M> struct try_lock_until_side : lock_unlock_side<M> {
  void lock(M &m, int) noexcept {
    while (!m.try_lock_until(std::chrono::steady_clock::now() + 1s)) {
    }
  }
};
template <class M>
using timed_lock = lock_sides<M, try_lock_for_side<M>, try_lock_until_side<M>>;

// Main exclusive, the worker shared (lock_shared / try_lock_shared_for).
template <class M, bool Timed> struct shared_side {
  void lock(M &m, int) noexcept {
    if constexpr (Timed)
      while (!m.try_lock_shared_for(1s)) {
      }
    else
      m.lock_shared();
  }
  void unlock(M &m, int) noexcept { m.unlock_shared(); }
};
template <class M, bool Timed>
using exclusive_and_shared =
    lock_sides<M, lock_unlock_side<M>, shared_side<M, Timed>>;

// Main holds each lock through an RAII object R (std::optional<R> per
// index: lock_guard and scoped_lock can neither move nor unlock early).
template <class R, class M> struct raii_side {
  std::optional<R> held[3];
  void lock(M &m, int i) noexcept { held[i].emplace(m); }
  void unlock(M &, int i) noexcept { held[i].reset(); }
};
template <class R, class M>
using raii_lock = lock_sides<M, raii_side<R, M>, lock_unlock_side<M>>;

// Main holds unique_lock<M> or shared_lock<M>, kept by index.
template <template <class> class Lock, class M> struct movable_side {
  Lock<M> held[3];
  void lock(M &m, int i) noexcept { held[i] = Lock<M>(m); }
  void unlock(M &, int i) noexcept { held[i].unlock(); }
};
template <template <class> class Lock, class M>
using movable_lock = lock_sides<M, movable_side<Lock, M>, lock_unlock_side<M>>;

// One-way channels for corpus::two_way.

// A counter under a mutex, waited for with a condition variable.
template <class CV, bool TimedWait> struct condition_channel {
  std::mutex m;
  CV cv;
  int signalled = 0;
  void signal(int r) noexcept {
    {
      std::lock_guard<std::mutex> lock(m);
      signalled = r + 1;
    }
    cv.notify_one();
  }
  void wait(int r) noexcept {
    std::unique_lock<std::mutex> lock(m);
    if constexpr (TimedWait)
      while (!cv.wait_for(lock, 1s, [&] { return signalled > r; })) {
      }
    else
      cv.wait(lock, [&] { return signalled > r; });
  }
};

// condition_variable_any's wait on a stop_token (a stop_callback inside),
// woken by request_stop: one stop_source per round.
struct stop_token_channel {
  std::stop_source sources[corpus::default_rounds];
  std::mutex m;
  std::condition_variable_any cv;
  void signal(int r) noexcept { sources[r].request_stop(); }
  void wait(int r) noexcept {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, sources[r].get_token(), [] { return false; });
  }
};

struct counted_latch {
  std::latch latch{1};
};
struct latch_channel {
  counted_latch latches[corpus::default_rounds];
  void signal(int r) noexcept { latches[r].latch.count_down(); }
  void wait(int r) noexcept { latches[r].latch.wait(); }
};

template <class S, bool Timed> struct semaphore_channel {
  S semaphore{0};
  void signal(int) noexcept { semaphore.release(); }
  void wait(int) noexcept {
    if constexpr (Timed)
      while (!semaphore.try_acquire_for(1s)) {
      }
    else
      semaphore.acquire();
  }
};

// atomic<int>::wait / notify_one.
struct atomic_wait_channel {
  std::atomic<int> signalled{0};
  void signal(int r) noexcept {
    signalled.store(r + 1, std::memory_order_release);
    signalled.notify_one();
  }
  void wait(int r) noexcept { signalled.wait(r, std::memory_order_acquire); }
};

// atomic_ref<int>::wait / notify_all.
struct atomic_ref_wait_channel {
  alignas(std::atomic_ref<int>::required_alignment) int signalled = 0;
  void signal(int r) noexcept {
    std::atomic_ref<int> a(signalled);
    a.store(r + 1, std::memory_order_release);
    a.notify_all();
  }
  void wait(int r) noexcept {
    std::atomic_ref<int>(signalled).wait(r, std::memory_order_acquire);
  }
};

// atomic_flag::wait: set by the signaller, cleared by the waiter (the
// signaller sets it again only after the other channel told it so).
struct atomic_flag_channel {
  std::atomic_flag flag;
  void signal(int) noexcept {
    flag.test_and_set(std::memory_order_release);
    flag.notify_one();
  }
  void wait(int) noexcept {
    flag.wait(false, std::memory_order_acquire);
    flag.clear(std::memory_order_relaxed);
  }
};

// call_once, for corpus::once_baton and corpus::once_waiter.
struct std_once {
  using flag = std::once_flag;
  static void call(flag &f) noexcept { std::call_once(f, [] {}); }
};

struct promise_channel {
  std::promise<int> promises[corpus::default_rounds];
  std::future<int> futures[corpus::default_rounds];
  promise_channel() {
    for (int r = 0; r < corpus::default_rounds; ++r)
      futures[r] = promises[r].get_future();
  }
  void signal(int r) noexcept { promises[r].set_value(r); }
  void wait(int r) noexcept {
    if (futures[r].get() != r)
      std::abort();
  }
};

struct shared_future_channel {
  std::promise<void> promises[corpus::default_rounds];
  std::shared_future<void> futures[corpus::default_rounds];
  shared_future_channel() {
    for (int r = 0; r < corpus::default_rounds; ++r)
      futures[r] = promises[r].get_future().share();
  }
  void signal(int r) noexcept { promises[r].set_value(); }
  void wait(int r) noexcept { futures[r].wait(); }
};

struct packaged_task_channel {
  std::packaged_task<int()> tasks[corpus::default_rounds];
  std::future<int> futures[corpus::default_rounds];
  packaged_task_channel() {
    for (int r = 0; r < corpus::default_rounds; ++r) {
      tasks[r] = std::packaged_task<int()>([r] { return r; });
      futures[r] = tasks[r].get_future();
    }
  }
  void signal(int r) noexcept { tasks[r](); }
  void wait(int r) noexcept {
    if (futures[r].get() != r)
      std::abort();
  }
};

// Meeting places for corpus::meeting.

struct barrier_place {
  std::barrier<> barrier{2};
  void meet(int) noexcept { barrier.arrive_and_wait(); }
};

// arrive() and wait(token), with a completion step counting the phases.
struct count_phases {
  int *phases;
  void operator()() noexcept { ++*phases; }
};
struct split_barrier_place {
  int phases = 0;
  std::barrier<count_phases> barrier{2, count_phases{&phases}};
  void meet(int) noexcept { barrier.wait(barrier.arrive()); }
};

struct latch_pair {
  std::latch latch{2};
};
struct latch_place {
  latch_pair latches[2 * corpus::default_rounds];
  void meet(int phase) noexcept { latches[phase].latch.arrive_and_wait(); }
};

// A thread per round, which main waits for.

struct thread_join : corpus::no_worker {
  void main_hand_over(int r) noexcept {
    std::thread worker(corpus::worker_write, r);
    worker.join();
  }
};

struct jthread_scope : corpus::no_worker {
  void main_hand_over(int r) noexcept {
    std::jthread worker(corpus::worker_write, r); // joined by its destructor
  }
};

struct async_get : corpus::no_worker {
  void main_hand_over(int r) noexcept {
    std::async(std::launch::async, corpus::worker_write, r).get();
  }
};

struct async_discarded : corpus::no_worker {
  void main_hand_over(int r) noexcept {
    // The discarded future's destructor waits for the task.
    (void)std::async(std::launch::async, corpus::worker_write, r);
  }
};

// A jthread per round, started in advance and waiting on its stop_token:
// request_stop lets it write, join waits for it.
struct jthread_stop_token {
  static constexpr int rounds = 32;
  std::vector<std::jthread> threads;
  void start() {
    for (int r = 0; r < rounds; ++r)
      threads.emplace_back(corpus::write_when_stopped, r);
  }
  void main_hand_over(int r) noexcept {
    threads[r].request_stop();
    threads[r].join();
  }
  void finish() {}
};

// One-shot waiters for corpus::one_shot: signal() once, wait() every round.

struct latch_waiter {
  std::latch latch{1};
  void signal() noexcept { latch.count_down(); }
  void wait() noexcept { latch.wait(); }
};

struct atomic_waiter {
  std::atomic<int> ready{0};
  void signal() noexcept {
    ready.store(1, std::memory_order_release);
    ready.notify_all();
  }
  void wait() noexcept { ready.wait(0, std::memory_order_acquire); }
};

struct atomic_ref_waiter {
  alignas(std::atomic_ref<int>::required_alignment) int ready = 0;
  void signal() noexcept {
    std::atomic_ref<int> a(ready);
    a.store(1, std::memory_order_release);
    a.notify_one();
  }
  void wait() noexcept {
    std::atomic_ref<int>(ready).wait(0, std::memory_order_acquire);
  }
};

struct atomic_flag_waiter {
  std::atomic_flag ready;
  void signal() noexcept {
    ready.test_and_set(std::memory_order_release);
    ready.notify_all();
  }
  void wait() noexcept { ready.wait(false, std::memory_order_acquire); }
};

// One permit per round, all released at once.
struct semaphore_waiter {
  std::counting_semaphore<> permits{0};
  void signal() noexcept { permits.release(corpus::default_rounds); }
  void wait() noexcept { permits.acquire(); }
};

template <class Future> struct future_waiter {
  std::promise<void> promise;
  Future future = promise.get_future();
  void signal() noexcept { promise.set_value(); }
  void wait() noexcept { future.wait(); }
};

template <class CV> struct condition_waiter {
  std::mutex m;
  CV cv;
  bool ready = false;
  void signal() noexcept {
    {
      std::lock_guard<std::mutex> lock(m);
      ready = true;
    }
    cv.notify_all();
  }
  void wait() noexcept {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return ready; });
  }
};

struct stop_token_waiter {
  std::stop_source source;
  std::mutex m;
  std::condition_variable_any cv;
  void signal() noexcept { source.request_stop(); }
  void wait() noexcept {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, source.get_token(), [] { return false; });
  }
};

using corpus::meeting;
using corpus::rotation;
using corpus::two_way;

#ifndef CORPUS_CONTROL
static const corpus::case_entry cases[] = {
    CORPUS_BATON("mutex", map_of, rotation<plain_lock<std::mutex>>),
    CORPUS_BATON("recursive_mutex", unordered_map_of,
                 rotation<recursive_lock<std::recursive_mutex>>),
    CORPUS_BATON("timed_mutex", set_of, rotation<timed_lock<std::timed_mutex>>),
    CORPUS_BATON("recursive_timed_mutex", unordered_set_of,
                 rotation<timed_lock<std::recursive_timed_mutex>>),
    CORPUS_BATON("shared_mutex", multimap_of,
                 rotation<exclusive_and_shared<std::shared_mutex, false>>),
    CORPUS_BATON("shared_timed_mutex", unordered_multimap_of,
                 rotation<exclusive_and_shared<std::shared_timed_mutex, true>>),
    CORPUS_BATON("lock_guard", multiset_of,
                 rotation<raii_lock<std::lock_guard<std::mutex>, std::mutex>>),
    CORPUS_BATON("scoped_lock", unordered_multiset_of,
                 rotation<raii_lock<std::scoped_lock<std::mutex>, std::mutex>>),
    CORPUS_BATON("unique_lock", map_of,
                 rotation<movable_lock<std::unique_lock, std::mutex>>),
    CORPUS_BATON("shared_lock", unordered_map_of,
                 rotation<movable_lock<std::shared_lock, std::shared_mutex>>),
    CORPUS_BATON("condition_variable", set_of,
                 two_way<condition_channel<std::condition_variable, false>>),
    CORPUS_BATON("condition_variable_any", multiset_of,
                 two_way<condition_channel<std::condition_variable_any, true>>),
    CORPUS_BATON("stop_token", unordered_set_of, two_way<stop_token_channel>),
    CORPUS_BATON("latch", multimap_of, two_way<latch_channel>),
    CORPUS_BATON("latch_arrive_and_wait", unordered_multimap_of,
                 meeting<latch_place>),
    CORPUS_BATON("barrier", multiset_of, meeting<barrier_place>),
    CORPUS_BATON("barrier_arrive_wait", unordered_multiset_of,
                 meeting<split_barrier_place>),
    CORPUS_BATON("counting_semaphore", map_of,
                 two_way<semaphore_channel<std::counting_semaphore<>, false>>),
    CORPUS_BATON("binary_semaphore", unordered_map_of,
                 two_way<semaphore_channel<std::binary_semaphore, false>>),
    CORPUS_BATON("binary_semaphore_timed", set_of,
                 two_way<semaphore_channel<std::binary_semaphore, true>>),
    CORPUS_BATON("atomic_wait", unordered_set_of, two_way<atomic_wait_channel>),
    CORPUS_BATON("atomic_ref_wait", multimap_of,
                 two_way<atomic_ref_wait_channel>),
    CORPUS_BATON("atomic_flag_wait", unordered_multimap_of,
                 two_way<atomic_flag_channel>),
    CORPUS_BATON("call_once", multiset_of, corpus::once_baton<std_once>),
    CORPUS_BATON("promise_future", unordered_multiset_of,
                 two_way<promise_channel>),
    CORPUS_BATON("shared_future", map_of, two_way<shared_future_channel>),
    CORPUS_BATON("packaged_task", unordered_map_of,
                 two_way<packaged_task_channel>),
    CORPUS_BATON("async_get", set_of, async_get),
    CORPUS_BATON("async_discarded_future", unordered_set_of, async_discarded),
    CORPUS_BATON("thread_join", multimap_of, thread_join),
    CORPUS_BATON("jthread_scope", unordered_multimap_of, jthread_scope),
    CORPUS_BATON("jthread_stop_token", multiset_of, jthread_stop_token),
    CORPUS_ONE_SHOT("latch", latch_waiter),
    CORPUS_ONE_SHOT("atomic_wait", atomic_waiter),
    CORPUS_ONE_SHOT("atomic_ref_wait", atomic_ref_waiter),
    CORPUS_ONE_SHOT("atomic_flag_wait", atomic_flag_waiter),
    CORPUS_ONE_SHOT("counting_semaphore", semaphore_waiter),
    CORPUS_ONE_SHOT("future", future_waiter<std::future<void>>),
    CORPUS_ONE_SHOT("shared_future", future_waiter<std::shared_future<void>>),
    CORPUS_ONE_SHOT("condition_variable",
                    condition_waiter<std::condition_variable>),
    CORPUS_ONE_SHOT("condition_variable_any",
                    condition_waiter<std::condition_variable_any>),
    CORPUS_ONE_SHOT("stop_token", stop_token_waiter),
    CORPUS_ONE_SHOT("call_once", corpus::once_waiter<std_once>),
};
#else
struct control_hashed : corpus::no_hand_over {};
static const corpus::case_entry cases[] = {
    CORPUS_BATON("control", map_of, corpus::no_hand_over),
    CORPUS_BATON("control-hashed", unordered_set_of, control_hashed),
    CORPUS_ONE_SHOT("control", corpus::no_wait),
};
template void corpus::worker_loop(corpus::no_hand_over &);
#endif

int main(int argc, char **argv) {
  return corpus::run_cases("std", cases, argc, argv);
}
