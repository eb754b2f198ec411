// overlap.h: makes two writes to one map overlap in time, in every run.
//
//   thread "writer-a"                     thread "writer-b"
//   overlap::arm(gate);                   gate.wait_for_a();
//   m[k] = 1;   // GateHash/GateLess      m[j] = 2;   // MapGuard reports here
//               // calls hold_if_armed()  gate.b_finished();
//
// A's write calls the container's hash or comparator before it changes
// anything; that callback (hold_if_armed) says "A is inside" and waits until
// B's write has returned, at most 10 s. With MapGuard, B's write begins while
// A's is still in progress, so B's begin hook reports it. Without MapGuard
// both writes finish and the program exits 0: a broken check makes a test
// fail, never hang. (The waits end as soon as the other thread arrives; the
// generous bound only matters on a machine so loaded that a thread is not
// scheduled for seconds.)
#ifndef MAPGUARD_E2E_OVERLAP_H
#define MAPGUARD_E2E_OVERLAP_H

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <pthread.h>
#include <thread>

namespace overlap {

// Polls FLAG for up to 10 s; true once it is set.
inline bool wait_for(const std::atomic<bool> &flag) {
  for (int i = 0; i < 10000; ++i) {
    if (flag.load(std::memory_order_acquire))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

struct Gate {
  std::atomic<bool> a_inside{false};
  std::atomic<bool> b_done{false};

  void hold() {
    a_inside.store(true, std::memory_order_release);
    wait_for(b_done);
  }
  void wait_for_a() { wait_for(a_inside); }
  void b_finished() { b_done.store(true, std::memory_order_release); }
};

// The gate the calling thread's next hash/comparator call holds at.
inline thread_local Gate *armed_gate = nullptr;

inline void arm(Gate &gate) { armed_gate = &gate; }

inline void hold_if_armed() {
  if (Gate *gate = armed_gate) {
    armed_gate = nullptr;
    gate->hold();
  }
}

inline void name_thread(const char *name) { pthread_setname_np(pthread_self(), name); }

// Runs a in a thread named "writer-a" and b in one named "writer-b", at
// once, and joins both.
inline void in_two_threads(const std::function<void()> &a,
                           const std::function<void()> &b) {
  std::thread ta([&] {
    name_thread("writer-a");
    a();
  });
  std::thread tb([&] {
    name_thread("writer-b");
    b();
  });
  ta.join();
  tb.join();
}

// Runs write_a in thread "writer-a" and write_b in thread "writer-b" so that
// write_b happens while write_a is inside its hash/comparator call.
inline void race(void (*write_a)(), void (*write_b)()) {
  Gate gate;
  in_two_threads(
      [&] {
        arm(gate);
        write_a();
      },
      [&] {
        gate.wait_for_a();
        write_b();
        gate.b_finished();
      });
}

} // namespace overlap

// Hash and comparator that hold thread A's write at the gate.
struct GateHash {
  template <class K> std::size_t operator()(const K &key) const {
    overlap::hold_if_armed();
    return std::hash<K>{}(key);
  }
};

struct GateLess {
  template <class K> bool operator()(const K &a, const K &b) const {
    overlap::hold_if_armed();
    return a < b;
  }
};

#endif // MAPGUARD_E2E_OVERLAP_H
