/* A plain C table library built without MapGuard (Inputs/ctable.c) and
 * declared in a maps file (Inputs/ctable.maps): two writers, a read against
 * a write and an iteration (ctable_iter_init, whose map is argument 1)
 * against a write are each reported, naming the map and both sites.
 *
 * DEFINE: %{flags} =
 * DEFINE: %{shape} =
 * DEFINE: %{check} = %clang -O2 -c %S/Inputs/ctable.c -o %t.ctable.o \
 * DEFINE:   && %mgcc %{flags} -D%{shape} -g -pthread -I %S/Inputs %s %t.ctable.o -o %t.%{shape} -mllvm -mapguard-maps=%S/Inputs/ctable.maps \
 * DEFINE:   && { %t.%{shape} 2> %t.%{shape}.err; test $? -eq 134; } && FileCheck %s --check-prefix=%{shape} --input-file %t.%{shape}.err
 * REDEFINE: %{flags} = -O0
 * REDEFINE: %{shape} = WW
 * RUN: %{check}
 * REDEFINE: %{shape} = RW
 * RUN: %{check}
 * REDEFINE: %{shape} = ITER
 * RUN: %{check}
 * REDEFINE: %{flags} = -O2
 * REDEFINE: %{shape} = WW
 * RUN: %{check}
 * REDEFINE: %{shape} = RW
 * RUN: %{check}
 * REDEFINE: %{shape} = ITER
 * RUN: %{check}
 */
#define _GNU_SOURCE
#include "ctable.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

/* Thread A's hash call holds it inside its write until B's access has
 * returned (at most 10 s), as the C++ tests' overlap.h does. */
static atomic_int a_inside, b_done;
static _Thread_local int armed;

static void wait_for(atomic_int *flag) {
  struct timespec ms = {0, 1000000};
  for (int i = 0; i < 10000 && !atomic_load(flag); ++i)
    nanosleep(&ms, NULL);
}

static unsigned gate_hash(int key) {
  if (armed) {
    armed = 0;
    atomic_store(&a_inside, 1);
    wait_for(&b_done);
  }
  return (unsigned)key * 2654435761u;
}

static ctable *table;
static int seen;

/* WW: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
 * WW-NEXT: fatal error: concurrent map writes
 * WW-NEXT: map 0x{{[0-9a-f]+}} (ctable)
 * WW-NEXT: write by thread {{[0-9]+}} "writer-b" in side_b at {{.*}}racy_maps_file_c_library.c:[[#@LINE+18]]:{{[0-9]+}} [ctable_put]
 * WW: while thread {{[0-9]+}} "writer-a" was writing it in side_a at {{.*}}racy_maps_file_c_library.c:[[#@LINE+31]]:{{[0-9]+}} [ctable_erase]
 * WW: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_maps_file_c_library.c:[[#@LINE+16]] in side_b
 *
 * RW: fatal error: concurrent map read and map write
 * RW-NEXT: map 0x{{[0-9a-f]+}} (ctable)
 * RW-NEXT: read by thread {{[0-9]+}} "writer-b" in side_b at {{.*}}racy_maps_file_c_library.c:[[#@LINE+14]]:{{[0-9]+}} [ctable_get]
 * RW: while thread {{[0-9]+}} "writer-a" was writing it in side_a at {{.*}}racy_maps_file_c_library.c:[[#@LINE+25]]:{{[0-9]+}} [ctable_erase]
 *
 * ITER: fatal error: concurrent map iteration and map write
 * ITER-NEXT: map 0x{{[0-9a-f]+}} (ctable)
 * ITER-NEXT: iteration by thread {{[0-9]+}} "writer-b" in side_b at {{.*}}racy_maps_file_c_library.c:[[#@LINE+11]]:{{[0-9]+}} [ctable_iter_init]
 */
static void *side_b(void *arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "writer-b");
  wait_for(&a_inside);
#if defined(WW)
  ctable_put(table, 2, 2);
#elif defined(RW)
  ctable_get(table, 7, &seen);
#else
  ctable_iter it; ctable_iter_init(&it, table);
#endif
  atomic_store(&b_done, 1);
  return NULL;
}

static void *side_a(void *arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "writer-a");
  armed = 1;
  ctable_erase(table, 7);
  return NULL;
}

int main(void) {
  table = ctable_new(gate_hash);
  ctable_put(table, 7, 70);
  pthread_t a, b;
  pthread_create(&a, NULL, side_a, NULL);
  pthread_create(&b, NULL, side_b, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("not caught: %d entries, seen %d\n", ctable_size(table), seen);
  return 0;
}
