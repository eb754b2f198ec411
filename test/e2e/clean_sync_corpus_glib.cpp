// Every GLib synchronisation primitive (GMutex, GRecMutex, GRWLock, GCond,
// GAsyncQueue, GOnce, g_thread_join) hands a map between two threads inside
// a loop of writes, a loop of lookups, a range-for over it, and inside the
// element destructor or constructor of another container those loops write
// (Inputs/sync_corpus.h has the loops); GCond, GAsyncQueue and GOnce also at
// the top of each round of a loop of lookups. A hand-over in every round (64
// rounds a case, 16 for GOnce, which spins), each ordered by the primitive
// alone: never reported. The remarks show that none of those loops gets a
// window. (Compiled with pkg-config's flags for glib-2.0.)
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -std=c++20 -pthread -I %S/Inputs %s -o %t \
// DEFINE:     $(pkg-config --cflags --libs glib-2.0) \
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
// CHECK: glib corpus: 57 cases, 0 wrong

#include "sync_corpus.h"

#include <cstdlib>
#include <glib.h>

// Lock policies for corpus::rotation.

// A GLib lock T, set up by Init and cleared by Clear.
template <class T, auto Init, auto Clear> struct glib_lock {
  T lock;
  glib_lock() { Init(&lock); }
  ~glib_lock() { Clear(&lock); }
};
using glib_mutex = glib_lock<GMutex, g_mutex_init, g_mutex_clear>;
using glib_rec_mutex =
    glib_lock<GRecMutex, g_rec_mutex_init, g_rec_mutex_clear>;
using glib_rw_lock = glib_lock<GRWLock, g_rw_lock_init, g_rw_lock_clear>;

// Takes W's lock with Lock, Depth times, and releases it with Unlock.
template <class W, auto Lock, auto Unlock, int Depth = 1> struct glib_side {
  void lock(W &w, int) noexcept {
    for (int i = 0; i < Depth; ++i)
      Lock(&w.lock);
  }
  void unlock(W &w, int) noexcept {
    for (int i = 0; i < Depth; ++i)
      Unlock(&w.lock);
  }
};

using mutex_lock = corpus::lock_sides<
    glib_mutex, glib_side<glib_mutex, g_mutex_lock, g_mutex_unlock>>;

// Taken twice, released twice.
using rec_mutex_lock = corpus::lock_sides<
    glib_rec_mutex,
    glib_side<glib_rec_mutex, g_rec_mutex_lock, g_rec_mutex_unlock, 2>>;

// Main takes it as a writer, the worker as a reader.
using rw_lock = corpus::lock_sides<
    glib_rw_lock,
    glib_side<glib_rw_lock, g_rw_lock_writer_lock, g_rw_lock_writer_unlock>,
    glib_side<glib_rw_lock, g_rw_lock_reader_lock, g_rw_lock_reader_unlock>>;

// One-way channels for corpus::two_way.

// A counter under a GMutex, waited for on a GCond (g_cond_wait, or
// g_cond_wait_until).
template <bool Timed> struct cond_channel {
  GMutex m;
  GCond cv;
  int signalled = 0;
  cond_channel() {
    g_mutex_init(&m);
    g_cond_init(&cv);
  }
  ~cond_channel() {
    g_cond_clear(&cv);
    g_mutex_clear(&m);
  }
  void signal(int r) noexcept {
    g_mutex_lock(&m);
    signalled = r + 1;
    g_cond_signal(&cv);
    g_mutex_unlock(&m);
  }
  void wait(int r) noexcept {
    g_mutex_lock(&m);
    while (signalled <= r) {
      if constexpr (Timed)
        g_cond_wait_until(&cv, &m, g_get_monotonic_time() + G_TIME_SPAN_MINUTE);
      else
        g_cond_wait(&cv, &m);
    }
    g_mutex_unlock(&m);
  }
};

// g_async_queue_push / g_async_queue_pop, or g_async_queue_timeout_pop.
template <bool Timed> struct queue_channel {
  GAsyncQueue *queue = g_async_queue_new();
  ~queue_channel() { g_async_queue_unref(queue); }
  void signal(int r) noexcept {
    g_async_queue_push(queue, GINT_TO_POINTER(r + 1));
  }
  void wait(int r) noexcept {
    gpointer item;
    if constexpr (Timed)
      while (!(item = g_async_queue_timeout_pop(queue, G_TIME_SPAN_SECOND))) {
      }
    else
      item = g_async_queue_pop(queue);
    if (GPOINTER_TO_INT(item) != r + 1)
      std::abort();
  }
};

// g_once, for corpus::once_baton and corpus::once_waiter.
struct glib_once {
  struct flag {
    GOnce once = G_ONCE_INIT;
  };
  static gpointer done(gpointer) { return GINT_TO_POINTER(1); }
  static void call(flag &f) noexcept {
    if (g_once(&f.once, done, nullptr) != GINT_TO_POINTER(1))
      std::abort();
  }
};

// A thread per round: g_thread_new, then g_thread_join.
struct thread_join : corpus::no_worker {
  static gpointer write_round(gpointer r) {
    corpus::worker_write(GPOINTER_TO_INT(r));
    return nullptr;
  }
  void main_hand_over(int r) noexcept {
    g_thread_join(g_thread_new("corpus", write_round, GINT_TO_POINTER(r)));
  }
};

// One-shot waiters for corpus::one_shot.

struct cond_waiter {
  cond_channel<false> channel;
  void signal() noexcept { channel.signal(0); }
  void wait() noexcept { channel.wait(0); }
};

// One item per round, all pushed at once.
struct queue_waiter {
  queue_channel<false> channel;
  int popped = 0;
  void signal() noexcept {
    for (int r = 0; r < corpus::default_rounds; ++r)
      channel.signal(r);
  }
  void wait() noexcept { channel.wait(popped++); }
};

using corpus::rotation;
using corpus::two_way;

static const corpus::case_entry cases[] = {
    CORPUS_BATON("GMutex", multiset_of, rotation<mutex_lock>),
    CORPUS_BATON("GRecMutex", unordered_multiset_of, rotation<rec_mutex_lock>),
    CORPUS_BATON("GRWLock", map_of, rotation<rw_lock>),
    CORPUS_BATON("GCond", unordered_map_of, two_way<cond_channel<false>>),
    CORPUS_BATON("GCond_wait_until", set_of, two_way<cond_channel<true>>),
    CORPUS_BATON("GAsyncQueue", unordered_set_of,
                 two_way<queue_channel<false>>),
    CORPUS_BATON("GAsyncQueue_timeout_pop", multimap_of,
                 two_way<queue_channel<true>>),
    CORPUS_BATON("GOnce", unordered_multimap_of, corpus::once_baton<glib_once>),
    CORPUS_BATON("g_thread_join", multiset_of, thread_join),
    CORPUS_ONE_SHOT("GCond", cond_waiter),
    CORPUS_ONE_SHOT("GAsyncQueue", queue_waiter),
    CORPUS_ONE_SHOT("GOnce", corpus::once_waiter<glib_once>),
};

int main(int argc, char **argv) {
  return corpus::run_cases("glib", cases, argc, argv);
}
