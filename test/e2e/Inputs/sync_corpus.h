// sync_corpus.h: the loops of the race-free synchronisation corpus
// (test/e2e/clean_sync_corpus_*.cpp).
//
// Each case hands the map `shared` between main and a worker with one
// synchronisation primitive (a "baton"), once per round:
//
//   main, in the loop under test              the worker
//   access shared (write, lookup or           b.worker_wait_turn(r);
//     one step of an iteration);              shared[-1 - r] = r;
//   b.main_hand_over(r);                      b.worker_hand_back(r);
//
// main_hand_over(r) lets the worker write and returns once that write is
// done, ordered by the primitive alone, so the program is race-free. A loop
// wrongly given one window per run (MapGuard's loop windows: one check for
// all of a loop's writes, lookups or an iteration) would hold it across the
// worker's writes, which fall between two of the loop's accesses in every
// round, and report them. Six shapes per baton: the hand-over (a) in a loop
// of writes, (b) in a loop of lookups, (c) in a range-for over the map, and
// (d) in the destructor or constructor of the elements of another, local
// container that the loop writes (its writes are elided: no other thread can
// reach it), in each of the three loops. And (e) for one-shot waits: a loop
// of lookups that waits at the top of every round, after which the worker
// writes nothing more.
//
// The remarks of every build are checked against this file: no loop here
// gets a window (NOWINDOW), and the sites were seen as expected (SEEN).
// clean_sync_corpus_std.cpp builds the shapes once more with a baton that
// synchronises nothing (CORPUS_CONTROL): then the loops do get windows
// (CONTROL), so they are shaped for one and only the primitive keeps it
// away.
//
// NOWINDOW-NOT: one check for each run of the loop
// NOWINDOW-NOT: checked again where the loop
#ifndef MAPGUARD_E2E_SYNC_CORPUS_H
#define MAPGUARD_E2E_SYNC_CORPUS_H

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <stop_token>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>
#include <version>

namespace corpus {

// The map every case hands between main and its worker(s).
inline std::map<int, long> shared;

constexpr int default_rounds = 64;

// How many hand-overs a case makes: B::rounds, or default_rounds. A wrong
// window would span them all, so every round would show it.
template <class B> constexpr int rounds_of() {
  if constexpr (requires { B::rounds; })
    return B::rounds;
  else
    return default_rounds;
}

// Waits until counter >= value, with relaxed loads and no call: for the
// batons whose ordering comes from a primitive that does not block
// (call_once and its kin), this only says when to call it.
inline void spin_until(const int &counter, int value) noexcept {
  while (__atomic_load_n(&counter, __ATOMIC_RELAXED) < value)
    __builtin_ia32_pause();
}
inline void publish(int &counter, int value) noexcept {
  __atomic_store_n(&counter, value, __ATOMIC_RELAXED);
}

// The worker's write in round r, for batons that start a thread per round.
__attribute__((noinline)) inline void worker_write(int r) {
  shared[-1 - r] = r;
}

#ifdef __cpp_lib_jthread // libc++ 19: with -fexperimental-library
// Waits (without polling) until stop is requested, then writes round r: the
// body of a std::jthread that request_stop() lets write.
inline void write_when_stopped(std::stop_token stop, int r) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(m);
  cv.wait(lock, stop, [] { return false; });
  worker_write(r);
}
#endif

template <class B> void worker_loop(B &b) {
  for (int r = 0; r < rounds_of<B>(); ++r) {
    b.worker_wait_turn(r);
    // SEEN-DAG: sync_corpus.h:[[#@LINE+2]]:{{[0-9]+}}: remark: guarded write: std::map<int, long>::operator[] (the map is a global variable) [-Rpass=mapguard]
    // CONTROL-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: guarded write: std::map<int, long>::operator[] (the map is a global variable; one check for each run of the loop at line [[#@LINE-3]])
    shared[-1 - r] = r;
    b.worker_hand_back(r);
  }
}

// A baton with one worker thread that runs worker_loop. Derived may define
// main_setup / worker_setup (before the rounds, on each side; the worker's
// has run when start() returns) and main_teardown / worker_teardown.
template <class Derived> class with_worker {
public:
  void start() {
    Derived &self = static_cast<Derived &>(*this);
    self.main_setup();
    int ready = 0;
    worker_ = std::thread([&self, &ready] {
      self.worker_setup();
      __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
      worker_loop(self);
      self.worker_teardown();
    });
    while (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
      std::this_thread::yield();
  }
  void finish() {
    static_cast<Derived &>(*this).main_teardown();
    worker_.join();
  }
  void main_setup() noexcept {}
  void worker_setup() noexcept {}
  void main_teardown() noexcept {}
  void worker_teardown() noexcept {}

private:
  std::thread worker_;
};

inline int mod3(int x) noexcept { return (x % 3 + 3) % 3; }

// Three locks passed around hand over hand. In its turn a thread holds two;
// after its access it releases the older one, on which the other thread is
// blocked, and blocks on the third, which the other releases after its own
// access. Main starts holding 0 and 2, the worker holding 1; in round r main
// releases (-r mod 3) and then takes (1 - r mod 3), the worker takes
// (-r mod 3) and releases (1 - r mod 3). Each lock is released by the thread
// that took it. L is a lock_sides.
template <class L> struct rotation : with_worker<rotation<L>> {
  static constexpr int rounds = rounds_of<L>();
  using lockable = typename L::lockable;

  // One thread's holds, taken and released through its Side.
  template <class Side> struct holds {
    Side side;
    bool held[3] = {};
    void take(lockable *locks, int i) noexcept {
      side.lock(locks[i], i);
      held[i] = true;
    }
    void release(lockable *locks, int i) noexcept {
      held[i] = false;
      side.unlock(locks[i], i);
    }
    void release_all(lockable *locks) noexcept {
      for (int i = 0; i < 3; ++i)
        if (held[i])
          release(locks, i);
    }
  };

  lockable locks[3];
  holds<typename L::main_side> main;
  holds<typename L::worker_side> worker;

  void main_setup() noexcept {
    main.take(locks, 0);
    main.take(locks, 2);
  }
  void worker_setup() noexcept { worker.take(locks, 1); }
  void main_hand_over(int r) noexcept {
    main.release(locks, mod3(-r));
    main.take(locks, mod3(1 - r));
  }
  void worker_wait_turn(int r) noexcept { worker.take(locks, mod3(-r)); }
  void worker_hand_back(int r) noexcept { worker.release(locks, mod3(1 - r)); }
  void main_teardown() noexcept { main.release_all(locks); }
  void worker_teardown() noexcept { worker.release_all(locks); }
};

// The L of a rotation: the lock, and how each side takes and releases it
// (lock(lockable &, index) / unlock(lockable &, index); a side may hold it
// through an RAII object kept by index, or in shared mode).
template <class Lockable, class MainSide, class WorkerSide = MainSide>
struct lock_sides {
  using lockable = Lockable;
  using main_side = MainSide;
  using worker_side = WorkerSide;
};

// Sides that call the lock's lock() / unlock(), or nothing.
template <class M> struct lock_unlock_side {
  void lock(M &m, int) noexcept { m.lock(); }
  void unlock(M &m, int) noexcept { m.unlock(); }
};
template <class M> struct no_side {
  void lock(M &, int) noexcept {}
  void unlock(M &, int) noexcept {}
};

// Two one-way channels: C::signal(r) lets the waiter of round r go,
// C::wait(r) returns once signal(r) was called, ordered after it.
template <class C> struct two_way : with_worker<two_way<C>> {
  C to_worker, to_main;
  void main_hand_over(int r) noexcept {
    to_worker.signal(r);
    to_main.wait(r);
  }
  void worker_wait_turn(int r) noexcept { to_worker.wait(r); }
  void worker_hand_back(int r) noexcept { to_main.signal(r); }
};

// Both threads meet twice a round: V::meet(phase) returns once both arrived.
template <class V> struct meeting : with_worker<meeting<V>> {
  V place;
  void main_hand_over(int r) noexcept {
    place.meet(2 * r);     // main's access is done
    place.meet(2 * r + 1); // so is the worker's
  }
  void worker_wait_turn(int r) noexcept { place.meet(2 * r); }
  void worker_hand_back(int r) noexcept { place.meet(2 * r + 1); }
};

// Hand-overs by a once-only primitive (call_once, pthread_once, g_once):
// whoever gives the turn makes the active call on its flag for round r, the
// other the passive one, which returns ordered after it. A relaxed counter
// only says when the active call has been made: main spins on it with no
// call at all (the primitive alone orders its accesses), the worker yields
// as it spins. O::flag starts unused; O::call(flag) makes a call. Few
// rounds: a spinning thread that the machine has no core for wastes its
// whole time slice (one round already shows a wrong window).
template <class O> struct once_baton : with_worker<once_baton<O>> {
  static constexpr int rounds = 16;
  typename O::flag to_worker[rounds], to_main[rounds];
  int given_to_worker = 0, given_to_main = 0;
  void main_hand_over(int r) noexcept {
    O::call(to_worker[r]);
    publish(given_to_worker, r + 1);
    spin_until(given_to_main, r + 1);
    O::call(to_main[r]);
  }
  void worker_wait_turn(int r) noexcept {
    while (__atomic_load_n(&given_to_worker, __ATOMIC_RELAXED) <= r)
      std::this_thread::yield();
    O::call(to_worker[r]);
  }
  void worker_hand_back(int r) noexcept {
    O::call(to_main[r]);
    publish(given_to_main, r + 1);
  }
};

// For batons that start a thread per round, which hand_over(r) runs
// worker_write(r) on and waits for.
struct no_worker {
  void start() {}
  void finish() {}
};

// An element of another container that hands the map over in its
// constructor or in its destructor (as a user type that takes a lock or
// joins a thread there does). One element type per baton, for all three
// element cases: each container type costs the compiler dearly.
template <class B> struct hand_over_element {
  enum when { on_create, on_destroy };
  B *baton;
  int round;
  when at;
  hand_over_element(B *b, int r, when w) noexcept : baton(b), round(r), at(w) {
    if (at == on_create)
      baton->main_hand_over(round);
  }
  hand_over_element(const hand_over_element &) = delete;
  ~hand_over_element() {
    if (at == on_destroy)
      baton->main_hand_over(round);
  }
  friend bool operator<(const hand_over_element &a,
                        const hand_over_element &b) {
    return a.round < b.round;
  }
  friend bool operator==(const hand_over_element &a,
                         const hand_over_element &b) {
    return a.round == b.round;
  }
};

// The hash of the unordered sets of those elements.
struct by_round {
  template <class E> std::size_t operator()(const E &e) const noexcept {
    return static_cast<std::size_t>(e.round);
  }
};

template <class C>
constexpr bool is_map_like = requires { typename C::mapped_type; };

// Adds the element of round r, handing over WHEN (on_create or
// on_destroy), to the local container OTHERS, built in place: its
// constructor runs inside the container's write. A macro, not a function:
// passing OTHERS to a function would let it escape, and its writes would be
// guarded instead of elided.
#define CORPUS_ADD_ELEMENT(others, baton, r, when)                             \
  do {                                                                         \
    constexpr auto at = corpus::hand_over_element<                             \
        std::remove_reference_t<decltype(baton)>>::when;                       \
    if constexpr (corpus::is_map_like<decltype(others)>)                       \
      others.emplace(std::piecewise_construct, std::forward_as_tuple(r),       \
                     std::forward_as_tuple(&(baton), r, at));                  \
    else                                                                       \
      others.emplace(&(baton), r, at);                                         \
  } while (0)

// Destroys the element of round r (erase for maps; sets have just that one,
// so clear).
#define CORPUS_DROP_ELEMENT(others, r)                                         \
  do {                                                                         \
    if constexpr (corpus::is_map_like<decltype(others)>)                       \
      others.erase(r);                                                         \
    else                                                                       \
      others.clear();                                                          \
  } while (0)

// (a) A loop of writes. Starts with `shared` empty.
template <class B> void write_loop(B &b) {
  for (int r = 0; r < rounds_of<B>(); ++r) {
    // SEEN-DAG: sync_corpus.h:[[#@LINE+2]]:{{[0-9]+}}: remark: guarded write: std::map<int, long>::operator[] (the map is a global variable) [-Rpass=mapguard]
    // CONTROL-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: guarded write: std::map<int, long>::operator[] (the map is a global variable; one check for each run of the loop at line [[#@LINE-2]])
    shared[r] = r;
    b.main_hand_over(r);
  }
}

// (b) A loop of lookups. Starts with keys 0..rounds-1 in `shared`.
template <class B> long lookup_loop(B &b) {
  long sum = 0;
  for (int r = 0; r < rounds_of<B>(); ++r) {
    // CONTROL-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: checked lookups: std::map<int, long>::at (one check for each run of the loop at line [[#@LINE-1]])
    sum += shared.at(r);
    b.main_hand_over(r);
  }
  return sum;
}

// (c) An iteration (a range-for). The worker adds keys below the one main is
// at, which the iteration never visits.
template <class B> long iterate_loop(B &b) {
  long sum = 0;
  // CONTROL-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: checked iteration: std::map<int, long>::begin (checked again where the loop at line [[#@LINE+1]] ends)
  for (const auto &[key, value] : shared) {
    sum += value;
    b.main_hand_over(key);
  }
  return sum;
}

// (d) The same three loops, with the hand-over in the destructor or the
// constructor of an element of OTHERS, a local container each round writes.
template <class B, class Others> void write_loop_dtor(B &b) {
  Others others;
  for (int r = 0; r < rounds_of<B>(); ++r) {
    // SEEN-DAG: sync_corpus.h:[[#@LINE+2]]:{{[0-9]+}}: remark: guarded write: std::map<int, long>::operator[] (the map is a global variable) [-Rpass=mapguard]
    // CONTROL-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: guarded write: std::map<int, long>::operator[] (the map is a global variable; one check for each run of the loop at line [[#@LINE-2]])
    shared[r] = r;
    // SEEN-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: unguarded write: {{.*}}::emplace (elided: the map is a local variable no other thread can reach)
    CORPUS_ADD_ELEMENT(others, b, r, on_destroy);
    CORPUS_DROP_ELEMENT(others, r); // the destructor hands over
  }
}

template <class B, class Others> long lookup_loop_ctor(B &b) {
  Others others;
  long sum = 0;
  for (int r = 0; r < rounds_of<B>(); ++r) {
    // CONTROL-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: checked lookups: std::map<int, long>::at (one check for each run of the loop at line [[#@LINE-1]])
    sum += shared.at(r);
    // SEEN-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: unguarded write: {{.*}}::emplace (elided: the map is a local variable no other thread can reach)
    CORPUS_ADD_ELEMENT(others, b, r, on_create); // the constructor hands over
  }
  return sum;
}

template <class B, class Others> long iterate_loop_dtor(B &b) {
  Others others;
  long sum = 0;
  // CONTROL-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: checked iteration: std::map<int, long>::begin (checked again where the loop at line [[#@LINE+1]] ends)
  for (const auto &[key, value] : shared) {
    sum += value;
    CORPUS_ADD_ELEMENT(others, b, key, on_destroy);
    // SEEN-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: unguarded write: {{.*}}::{{erase|clear}} (elided: the map is a local variable no other thread can reach)
    CORPUS_DROP_ELEMENT(others, key); // the destructor hands over
  }
  return sum;
}

// (e) Lookups after a one-shot wait: the worker writes its keys while main
// is blocked in the loop's first wait, then signals once; each later round
// waits again (at once) before its lookup. Only the wait is in the loop (in
// libstdc++ the blocking part of latch::wait, atomic<T>::wait and the
// semaphores is std::__detail code). B is a one_shot<W>.
template <class B> long lookup_after_wait(B &b) {
  long sum = 0;
  b.main_entering();
  for (int r = 0; r < rounds_of<B>(); ++r) {
    b.main_wait();
    // CONTROL-DAG: sync_corpus.h:[[#@LINE+1]]:{{[0-9]+}}: remark: checked lookups: std::map<int, long>::at (one check for each run of the loop at line [[#@LINE-2]])
    sum += shared.at(r);
  }
  return sum;
}

// The baton of lookup_after_wait: W::signal() once, W::wait() any number
// of times, returning once signal() was called, ordered after it.
template <class W> struct one_shot {
  static constexpr int rounds = default_rounds;
  W waiter;
  int entering = 0;
  std::thread worker;
  void start() {
    worker = std::thread([this] {
      while (!__atomic_load_n(&entering, __ATOMIC_RELAXED))
        std::this_thread::yield();
      // By now main is blocked in its first wait, inside the loop.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::vector<std::pair<int, long>> items;
      for (int r = 0; r < rounds; ++r)
        items.emplace_back(-1 - r, r);
      shared.insert(items.begin(), items.end());
      waiter.signal();
    });
  }
  void main_entering() noexcept { publish(entering, 1); }
  void main_wait() noexcept { waiter.wait(); }
  void finish() { worker.join(); }
};

// The one-shot waiter of a once-only primitive O (as for once_baton).
template <class O> struct once_waiter {
  typename O::flag flag;
  int called = 0;
  void signal() noexcept {
    O::call(flag);
    publish(called, 1);
  }
  void wait() noexcept {
    spin_until(called, 1);
    O::call(flag);
  }
};

// Keys 0..n-1, each its own value (no loop over the map: this file's only
// loops are the ones under test).
inline void fill_shared(int n) {
  std::vector<std::pair<int, long>> items;
  for (int k = 0; k < n; ++k)
    items.emplace_back(k, k);
  shared.clear();
  shared.insert(items.begin(), items.end());
}

// After a case of n rounds `shared` holds main's keys 0..n-1 and the
// worker's -1..-n, each with its round as value; a lookup or iteration loop
// returned the sum of main's values (sum < 0: none).
inline bool as_expected(int n, long sum) {
  long half = long(n) * (n - 1) / 2;
  auto totals = std::accumulate(
      shared.begin(), shared.end(), std::pair<long, long>{0, 0},
      [](std::pair<long, long> t, const std::pair<const int, long> &e) {
        return std::pair<long, long>{t.first + e.first, t.second + e.second};
      });
  return shared.size() == std::size_t(2 * n) && totals.first == -n &&
         totals.second == 2 * half && (sum < 0 || sum == half);
}

template <class B, class Loop> bool run_case(bool filled, Loop loop) {
  if (filled)
    fill_shared(rounds_of<B>());
  else
    shared.clear();
  B b;
  b.start();
  long sum = loop(b);
  b.finish();
  return as_expected(rounds_of<B>(), sum);
}

template <class B> bool run_write() {
  return run_case<B>(false, [](B &b) { return write_loop(b), -1L; });
}
template <class B> bool run_lookup() {
  return run_case<B>(true, [](B &b) { return lookup_loop(b); });
}
template <class B> bool run_iterate() {
  return run_case<B>(true, [](B &b) { return iterate_loop(b); });
}
template <class B> bool run_lookup_after_wait() {
  return run_case<B>(true, [](B &b) { return lookup_after_wait(b); });
}
template <class B, class Others> bool run_write_dtor() {
  return run_case<B>(false,
                     [](B &b) { return write_loop_dtor<B, Others>(b), -1L; });
}
template <class B, class Others> bool run_lookup_ctor() {
  return run_case<B>(true, [](B &b) { return lookup_loop_ctor<B, Others>(b); });
}
template <class B, class Others> bool run_iterate_dtor() {
  return run_case<B>(true,
                     [](B &b) { return iterate_loop_dtor<B, Others>(b); });
}

struct case_entry {
  const char *name;
  bool (*run)();
};

// The six cases of one baton B (the rest of the arguments). OTHERS names
// the other container of its element cases: one of the alias templates
// below (map_of, set_of, ...), applied to hand_over_element<B>.
#define CORPUS_BATON(name, others, ...)                                        \
  {name "/write", corpus::run_write<__VA_ARGS__>},                             \
      {name "/lookup", corpus::run_lookup<__VA_ARGS__>},                       \
      {name "/iterate", corpus::run_iterate<__VA_ARGS__>},                     \
      {name "/write+element-dtor",                                             \
       corpus::run_write_dtor<__VA_ARGS__,                                     \
                              CORPUS_OTHERS(others, __VA_ARGS__)>},            \
      {name "/lookup+element-ctor",                                            \
       corpus::run_lookup_ctor<__VA_ARGS__,                                    \
                               CORPUS_OTHERS(others, __VA_ARGS__)>},           \
      {name "/iterate+element-dtor",                                           \
       corpus::run_iterate_dtor<__VA_ARGS__,                                   \
                                CORPUS_OTHERS(others, __VA_ARGS__)>}
#define CORPUS_OTHERS(others, ...)                                             \
  corpus::others<corpus::hand_over_element<__VA_ARGS__>>

// The other containers, keyed by the element's round.
template <class E> using map_of = std::map<int, E>;
template <class E> using multimap_of = std::multimap<int, E>;
template <class E> using unordered_map_of = std::unordered_map<int, E>;
template <class E>
using unordered_multimap_of = std::unordered_multimap<int, E>;
template <class E> using set_of = std::set<E>;
template <class E> using multiset_of = std::multiset<E>;
template <class E> using unordered_set_of = std::unordered_set<E, by_round>;
template <class E>
using unordered_multiset_of = std::unordered_multiset<E, by_round>;

// The one case of a one-shot waiter W.
#define CORPUS_ONE_SHOT(name, ...)                                             \
  {name "/lookup-after-wait",                                                  \
   corpus::run_lookup_after_wait<corpus::one_shot<__VA_ARGS__>>}

// Whether case NAME is selected by SELECTOR: its name, or "baton/" for all
// six of a baton's.
inline bool selected(const char *name, const char *selector) {
  std::size_t n = std::strlen(selector);
  return n && selector[n - 1] == '/' ? std::strncmp(name, selector, n) == 0
                                     : std::strcmp(name, selector) == 0;
}

// Runs every case, or those argv[1] selects; prints one line per case and a
// summary. Exit status 1 if a result was wrong.
template <std::size_t N>
int run_cases(const char *corpus_name, const case_entry (&cases)[N], int argc,
              char **argv) {
  int ran = 0, wrong = 0;
  for (const case_entry &c : cases) {
    if (argc > 1 && !selected(c.name, argv[1]))
      continue;
    bool ok = c.run();
    std::printf("%s: %s\n", c.name, ok ? "ok" : "WRONG");
    std::fflush(stdout);
    ++ran;
    wrong += !ok;
  }
  std::printf("%s corpus: %d cases, %d wrong\n", corpus_name, ran, wrong);
  return wrong ? 1 : 0;
}

// A baton that synchronises nothing: the control build's (never run).
struct no_hand_over : no_worker {
  int calls = 0;
  void main_hand_over(int) noexcept { ++calls; }
  void worker_wait_turn(int) noexcept {}
  void worker_hand_back(int) noexcept {}
};
struct no_wait {
  void signal() noexcept {}
  void wait() noexcept {}
};

} // namespace corpus

#endif // MAPGUARD_E2E_SYNC_CORPUS_H
