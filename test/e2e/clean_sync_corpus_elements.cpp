// The standard library's own types whose constructor or destructor
// synchronises, as elements of another container written inside a loop of
// writes, a loop of lookups and a range-for over a shared map: erasing a
// std::jthread (request_stop, then join), a future of std::async (waits for
// the task), a std::promise or std::packaged_task never satisfied (wakes the
// waiter with broken_promise), and taking or releasing a lock by emplacing or
// erasing a std::unique_lock, lock_guard, scoped_lock or shared_lock. Each
// hands the map to another thread and back in every round (32 or 64 rounds
// a case), ordered by those constructors and destructors alone: never
// reported. The remarks show
// that none of these loops gets a window and that the other containers'
// writes are elided (only the elements synchronise).
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -std=c++20 -pthread -I %S/Inputs %s -o %t \
// DEFINE:     -Rpass=mapguard -Rpass-missed=mapguard 2> %t.remarks \
// DEFINE:   && FileCheck %S/Inputs/sync_corpus.h --check-prefix=NOWINDOW --input-file %t.remarks \
// DEFINE:   && FileCheck %s --check-prefix=SEEN --input-file %t.remarks \
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
// CHECK: elements corpus: 24 cases, 0 wrong

#include "sync_corpus.h"

#include <future>
#include <mutex>
#include <shared_mutex>

using corpus::mod3;
using corpus::rounds_of;
using corpus::shared;

using corpus::map_of;
using corpus::multimap_of;
using corpus::unordered_map_of;
using corpus::unordered_multimap_of;

// What the loops below need of a kind of element K:
//   K::others        the other container, keyed by int
//   K::relocks       false: every round's element is made before the loop
//                    (k.make(r)) and the round erases it; true: the elements
//                    are a rotation's locks (sync_corpus.h), the round erases
//                    the one main releases and emplaces the one it takes
//                    (built from k.lockable(i))
//   k.start(), k.finish()  around the loop (after the first elements).

// A jthread per round, waiting on its stop_token; erasing it requests stop
// (the thread writes) and joins.
struct jthreads {
  static constexpr int rounds = 32;
  static constexpr bool relocks = false;
  using others = map_of<std::jthread>;
  std::jthread make(int r) {
    return std::jthread(corpus::write_when_stopped, r);
  }
  void start() {}
  void finish() {}
};

// A task started by std::async that waits for Go's future and then writes;
// Go is the last member, so destroying the element first abandons it (the
// task wakes with broken_promise) and then destroys the future of std::async,
// which waits for the task.
template <class Done, class Go> struct async_job {
  Done done;
  Go go;
};

template <class Done, class Go, template <class> class Others>
struct async_jobs {
  static constexpr int rounds = 32;
  static constexpr bool relocks = false;
  using job = async_job<Done, Go>;
  using others = Others<job>;
  job make(int r) {
    Go go;
    if constexpr (std::is_same_v<Go, std::packaged_task<void()>>)
      go = Go([] {});
    std::future<void> started = go.get_future();
    auto task = [r, started = std::move(started)] {
      started.wait();
      corpus::worker_write(r);
    };
    Done done = std::async(std::launch::async, std::move(task));
    return job{std::move(done), std::move(go)};
  }
  void start() {}
  void finish() {}
};

// The elements are main's holds of a rotation's locks (sync_corpus.h): an
// element (Others' mapped type) built in place from mutex M locks it, its
// destructor unlocks it. The worker takes the locks with lock().
template <class M, class Others> struct lock_holds {
  static constexpr int rounds = corpus::default_rounds;
  static constexpr bool relocks = true;
  using others = Others;
  // Main's holds are the elements.
  using policy = corpus::lock_sides<M, corpus::no_side<M>,
                                    corpus::lock_unlock_side<M>>;
  corpus::rotation<policy> rotation;
  M &lockable(int i) noexcept { return rotation.locks[i]; }
  void start() { rotation.start(); }
  void finish() { rotation.finish(); }
};

// Before the loop: every round's element, or main's first two locks (0 and
// 2) before the worker takes lock 1.
#define ELEMENTS_SET_UP(others, k)                                             \
  do {                                                                         \
    if constexpr (K::relocks) {                                                \
      for (int i : {0, 2})                                                     \
        others.emplace(std::piecewise_construct, std::forward_as_tuple(i),     \
                       std::forward_as_tuple(k.lockable(i)));                  \
    } else {                                                                   \
      for (int r = 0; r < rounds_of<K>(); ++r)                                 \
        others.emplace(r, k.make(r));                                          \
    }                                                                          \
    k.start();                                                                 \
  } while (0)

// Round r's hand-over: erase round r's element, or release lock (-r mod 3)
// and take lock (1 - r mod 3).
#define ELEMENTS_HAND_OVER(others, k, r)                                       \
  do {                                                                         \
    if constexpr (K::relocks) {                                                \
      others.erase(mod3(-(r)));                                                \
      others.emplace(std::piecewise_construct,                                 \
                     std::forward_as_tuple(mod3(1 - (r))),                     \
                     std::forward_as_tuple(k.lockable(mod3(1 - (r)))));        \
    } else {                                                                   \
      others.erase(r);                                                         \
    }                                                                          \
  } while (0)

// After the loop: release main's locks, then wait for the worker.
#define ELEMENTS_TEAR_DOWN(others, k)                                          \
  do {                                                                         \
    others.clear();                                                            \
    k.finish();                                                                \
  } while (0)

template <class K> long write_loop() {
  typename K::others others;
  K k;
  ELEMENTS_SET_UP(others, k);
  for (int r = 0; r < rounds_of<K>(); ++r) {
    // SEEN-DAG: clean_sync_corpus_elements.cpp:[[#@LINE+1]]:{{[0-9]+}}: remark: guarded write: std::map<int, long>::operator[] (the map is a global variable) [-Rpass=mapguard]
    shared[r] = r;
    // SEEN-DAG: clean_sync_corpus_elements.cpp:[[#@LINE+1]]:{{[0-9]+}}: remark: unguarded write: {{.*}}::erase (elided: the map is a local variable no other thread can reach)
    ELEMENTS_HAND_OVER(others, k, r);
  }
  ELEMENTS_TEAR_DOWN(others, k);
  return -1;
}

template <class K> long lookup_loop() {
  typename K::others others;
  K k;
  ELEMENTS_SET_UP(others, k);
  long sum = 0;
  for (int r = 0; r < rounds_of<K>(); ++r) {
    sum += shared.at(r);
    // SEEN-DAG: clean_sync_corpus_elements.cpp:[[#@LINE+1]]:{{[0-9]+}}: remark: unguarded write: {{.*}}::emplace (elided: the map is a local variable no other thread can reach)
    ELEMENTS_HAND_OVER(others, k, r);
  }
  ELEMENTS_TEAR_DOWN(others, k);
  return sum;
}

template <class K> long iterate_loop() {
  typename K::others others;
  K k;
  ELEMENTS_SET_UP(others, k);
  long sum = 0;
  for (const auto &[key, value] : shared) {
    sum += value;
    // SEEN-DAG: clean_sync_corpus_elements.cpp:[[#@LINE+1]]:{{[0-9]+}}: remark: unguarded write: {{.*}}::erase (elided: the map is a local variable no other thread can reach)
    ELEMENTS_HAND_OVER(others, k, key);
  }
  ELEMENTS_TEAR_DOWN(others, k);
  return sum;
}

template <class K, long (*Loop)(), bool Filled> bool run() {
  if (Filled)
    corpus::fill_shared(rounds_of<K>());
  else
    shared.clear();
  return corpus::as_expected(rounds_of<K>(), Loop());
}

#define ELEMENT_KIND(name, ...)                                                \
  {name "/write", run<__VA_ARGS__, write_loop<__VA_ARGS__>, false>},           \
      {name "/lookup", run<__VA_ARGS__, lookup_loop<__VA_ARGS__>, true>},      \
      {name "/iterate", run<__VA_ARGS__, iterate_loop<__VA_ARGS__>, true>}

static const corpus::case_entry cases[] = {
    ELEMENT_KIND("jthread", jthreads),
    ELEMENT_KIND("async_future+promise",
                 async_jobs<std::future<void>, std::promise<void>,
                            unordered_map_of>),
    ELEMENT_KIND("async_future+packaged_task",
                 async_jobs<std::future<void>, std::packaged_task<void()>,
                            multimap_of>),
    ELEMENT_KIND("async_shared_future+promise",
                 async_jobs<std::shared_future<void>, std::promise<void>,
                            unordered_multimap_of>),
    ELEMENT_KIND("unique_lock",
                 lock_holds<std::mutex,
                            map_of<std::unique_lock<std::mutex>>>),
    ELEMENT_KIND(
        "lock_guard",
        lock_holds<std::recursive_mutex,
                   unordered_map_of<std::lock_guard<std::recursive_mutex>>>),
    ELEMENT_KIND("scoped_lock",
                 lock_holds<std::timed_mutex,
                            multimap_of<std::scoped_lock<std::timed_mutex>>>),
    ELEMENT_KIND(
        "shared_lock",
        lock_holds<std::shared_mutex,
                   unordered_multimap_of<std::shared_lock<std::shared_mutex>>>),
};

int main(int argc, char **argv) {
  return corpus::run_cases("elements", cases, argc, argv);
}
