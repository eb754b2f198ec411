/* The race-free twin of racy_maps_file_c_library.c: two threads write, read
 * and iterate one ctable (declared in Inputs/ctable.maps), each call under a
 * pthread mutex, many times. Every call is checked (the remarks) and nothing
 * is ever reported.
 *
 * DEFINE: %{flags} =
 * DEFINE: %{check} = %clang -O2 -c %S/Inputs/ctable.c -o %t.ctable.o \
 * DEFINE:   && %mgcc %{flags} -g -pthread -I %S/Inputs %s %t.ctable.o -o %t -mllvm -mapguard-maps=%S/Inputs/ctable.maps -Rpass=mapguard 2> %t.remarks \
 * DEFINE:   && FileCheck %s --check-prefix=REMARK --input-file %t.remarks \
 * DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
 * REDEFINE: %{flags} = -O0
 * RUN: %{check}
 * REDEFINE: %{flags} = -O2
 * RUN: %{check}
 */
#include "ctable.h"
#include <pthread.h>
#include <stdio.h>

static ctable *table;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned hash(int key) { return (unsigned)key * 2654435761u; }

static void *work(void *arg) {
  int base = *(int *)arg;
  long sum = 0;
  for (int i = 0; i < 20000; ++i) {
    int key = base + i % 64, value = 0, k;
    pthread_mutex_lock(&lock);
    // REMARK: remark: guarded write: ctable via ctable_put
    ctable_put(table, key, i);
    pthread_mutex_unlock(&lock);
    pthread_mutex_lock(&lock);
    sum += ctable_get(table, key, &value);
    pthread_mutex_unlock(&lock);
    if (i % 256 == 0) {
      pthread_mutex_lock(&lock);
      ctable_iter it;
      ctable_iter_init(&it, table);
      while (ctable_iter_next(&it, &k, &value))
        sum += value >= 0;
      // REMARK: remark: guarded write: ctable via ctable_erase
      ctable_erase(table, key);
      pthread_mutex_unlock(&lock);
    }
  }
  return (void *)(sum > 0);
}

int main(void) {
  table = ctable_new(hash);
  int a_base = 0, b_base = 32;
  pthread_t a, b;
  void *ra, *rb;
  pthread_create(&a, NULL, work, &a_base);
  pthread_create(&b, NULL, work, &b_base);
  pthread_join(a, &ra);
  pthread_join(b, &rb);
  // CHECK: done: {{[0-9]+}} entries
  printf("done: %d entries\n", ctable_size(table));
  return ra && rb ? 0 : 1;
}
