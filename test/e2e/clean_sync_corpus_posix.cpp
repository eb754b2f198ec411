// Every POSIX synchronisation primitive (pthread mutexes of each type,
// rwlocks, condition variables, barriers, spin locks, once, create/join,
// sem_t) hands a map between two threads inside a loop of writes, a loop of
// lookups, a range-for over it, and inside the element destructor or
// constructor of another container those loops write (Inputs/sync_corpus.h
// has the loops); sem_t, condition variables and once also at the top of
// each round of a loop of lookups. A hand-over in every round (64 rounds a
// case, 16 for spin locks and once, which spin), each ordered by the
// primitive alone: never reported. The remarks show that none of those
// loops gets a window.
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
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
//
// CHECK: posix corpus: 87 cases, 0 wrong

#include "sync_corpus.h"

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <pthread.h>
#include <semaphore.h>

// A pthread call that must succeed.
inline void must(int error) noexcept {
  if (error)
    std::abort();
}

// A deadline far enough ahead never to pass.
inline timespec far_deadline() noexcept {
  timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += 60;
  return t;
}

// Lock policies for corpus::rotation.

template <int Type> struct pthread_mutex {
  pthread_mutex_t lock;
  pthread_mutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, Type);
    pthread_mutex_init(&lock, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~pthread_mutex() { pthread_mutex_destroy(&lock); }
};

struct pthread_rwlock {
  pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
  ~pthread_rwlock() { pthread_rwlock_destroy(&lock); }
};

struct pthread_spin {
  pthread_spinlock_t lock;
  pthread_spin() { pthread_spin_init(&lock, PTHREAD_PROCESS_PRIVATE); }
  ~pthread_spin() { pthread_spin_destroy(&lock); }
};

// Takes W's lock with Lock, Depth times, and releases it with Unlock.
template <class W, auto Lock, auto Unlock, int Depth = 1> struct pthread_side {
  void lock(W &w, int) noexcept {
    for (int i = 0; i < Depth; ++i)
      must(Lock(&w.lock));
  }
  void unlock(W &w, int) noexcept {
    for (int i = 0; i < Depth; ++i)
      must(Unlock(&w.lock));
  }
};

// A timed lock function called with a deadline that never passes.
template <class T, int (*TimedLock)(T *, const timespec *)>
int with_deadline(T *lock) noexcept {
  timespec deadline = far_deadline();
  return TimedLock(lock, &deadline);
}
constexpr auto mutex_timedlock =
    with_deadline<pthread_mutex_t, pthread_mutex_timedlock>;
constexpr auto rwlock_timedwrlock =
    with_deadline<pthread_rwlock_t, pthread_rwlock_timedwrlock>;
constexpr auto rwlock_timedrdlock =
    with_deadline<pthread_rwlock_t, pthread_rwlock_timedrdlock>;

// A mutex of Type, taken with Lock (twice if it is recursive).
template <int Type, auto Lock = pthread_mutex_lock>
using mutex_lock = corpus::lock_sides<
    pthread_mutex<Type>,
    pthread_side<pthread_mutex<Type>, Lock, pthread_mutex_unlock,
                 Type == PTHREAD_MUTEX_RECURSIVE ? 2 : 1>>;

// Main takes the rwlock for writing, the worker for reading.
template <auto Lock>
using rwlock_side = pthread_side<pthread_rwlock, Lock, pthread_rwlock_unlock>;
template <auto WriteLock, auto ReadLock>
using rwlock_lock = corpus::lock_sides<pthread_rwlock, rwlock_side<WriteLock>,
                                       rwlock_side<ReadLock>>;

// Few rounds: a spinning thread that the machine has no core for wastes its
// whole time slice.
struct spin_lock
    : corpus::lock_sides<pthread_spin, pthread_side<pthread_spin,
                                                    pthread_spin_lock,
                                                    pthread_spin_unlock>> {
  static constexpr int rounds = 16;
};

// One-way channels for corpus::two_way.

// A counter under a mutex, waited for on a condition variable
// (pthread_cond_wait, or pthread_cond_timedwait).
template <bool Timed> struct cond_channel {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
  int signalled = 0;
  ~cond_channel() {
    pthread_cond_destroy(&cv);
    pthread_mutex_destroy(&m);
  }
  void signal(int r) noexcept {
    must(pthread_mutex_lock(&m));
    signalled = r + 1;
    must(pthread_cond_signal(&cv));
    must(pthread_mutex_unlock(&m));
  }
  void wait(int r) noexcept {
    must(pthread_mutex_lock(&m));
    while (signalled <= r) {
      if constexpr (Timed) {
        timespec deadline = far_deadline();
        int error = pthread_cond_timedwait(&cv, &m, &deadline);
        if (error && error != ETIMEDOUT)
          std::abort();
      } else {
        must(pthread_cond_wait(&cv, &m));
      }
    }
    must(pthread_mutex_unlock(&m));
  }
};

// sem_post / sem_wait, or sem_timedwait.
template <bool Timed> struct sem_channel {
  sem_t s;
  sem_channel() { sem_init(&s, 0, 0); }
  ~sem_channel() { sem_destroy(&s); }
  void signal(int) noexcept { must(sem_post(&s)); }
  void wait(int) noexcept {
    if constexpr (Timed) {
      timespec deadline = far_deadline();
      while (sem_timedwait(&s, &deadline) != 0)
        if (errno != EINTR)
          std::abort();
    } else {
      while (sem_wait(&s) != 0)
        if (errno != EINTR)
          std::abort();
    }
  }
};

// pthread_once, for corpus::once_baton and corpus::once_waiter.
struct posix_once {
  struct flag {
    pthread_once_t once = PTHREAD_ONCE_INIT;
  };
  static void nothing() {}
  static void call(flag &f) noexcept { must(pthread_once(&f.once, nothing)); }
};

// A meeting place for corpus::meeting.
struct barrier_place {
  pthread_barrier_t b;
  barrier_place() { pthread_barrier_init(&b, nullptr, 2); }
  ~barrier_place() { pthread_barrier_destroy(&b); }
  void meet(int) noexcept {
    int status = pthread_barrier_wait(&b);
    if (status != 0 && status != PTHREAD_BARRIER_SERIAL_THREAD)
      std::abort();
  }
};

// A thread per round: pthread_create, then pthread_join.
struct create_join : corpus::no_worker {
  static void *write_round(void *r) {
    corpus::worker_write(static_cast<int>(reinterpret_cast<long>(r)));
    return nullptr;
  }
  void main_hand_over(int r) noexcept {
    pthread_t t;
    must(pthread_create(&t, nullptr, write_round,
                        reinterpret_cast<void *>(static_cast<long>(r))));
    must(pthread_join(t, nullptr));
  }
};

// One-shot waiters for corpus::one_shot.

// One post per round, all at once.
struct sem_waiter {
  sem_channel<false> channel;
  void signal() noexcept {
    for (int r = 0; r < corpus::default_rounds; ++r)
      channel.signal(r);
  }
  void wait() noexcept { channel.wait(0); }
};

struct cond_waiter {
  cond_channel<false> channel;
  void signal() noexcept { channel.signal(0); }
  void wait() noexcept { channel.wait(0); }
};

using corpus::meeting;
using corpus::rotation;
using corpus::two_way;

static const corpus::case_entry cases[] = {
    CORPUS_BATON("mutex_normal", map_of,
                 rotation<mutex_lock<PTHREAD_MUTEX_NORMAL>>),
    CORPUS_BATON("mutex_recursive", unordered_map_of,
                 rotation<mutex_lock<PTHREAD_MUTEX_RECURSIVE>>),
    CORPUS_BATON("mutex_errorcheck", set_of,
                 rotation<mutex_lock<PTHREAD_MUTEX_ERRORCHECK>>),
    CORPUS_BATON("mutex_timedlock", unordered_set_of,
                 rotation<mutex_lock<PTHREAD_MUTEX_DEFAULT, mutex_timedlock>>),
    CORPUS_BATON("rwlock", multimap_of,
                 rotation<rwlock_lock<pthread_rwlock_wrlock,
                                      pthread_rwlock_rdlock>>),
    CORPUS_BATON("rwlock_timed", unordered_multimap_of,
                 rotation<rwlock_lock<rwlock_timedwrlock, rwlock_timedrdlock>>),
    CORPUS_BATON("spin", multiset_of, rotation<spin_lock>),
    CORPUS_BATON("cond", unordered_multiset_of, two_way<cond_channel<false>>),
    CORPUS_BATON("cond_timedwait", map_of, two_way<cond_channel<true>>),
    CORPUS_BATON("sem", unordered_map_of, two_way<sem_channel<false>>),
    CORPUS_BATON("sem_timedwait", set_of, two_way<sem_channel<true>>),
    CORPUS_BATON("once", unordered_set_of, corpus::once_baton<posix_once>),
    CORPUS_BATON("barrier", multimap_of, meeting<barrier_place>),
    CORPUS_BATON("create_join", unordered_multimap_of, create_join),
    CORPUS_ONE_SHOT("sem", sem_waiter),
    CORPUS_ONE_SHOT("cond", cond_waiter),
    CORPUS_ONE_SHOT("once", corpus::once_waiter<posix_once>),
};

int main(int argc, char **argv) {
  return corpus::run_cases("posix", cases, argc, argv);
}
