// The race-free twin of racy_glib_hash_table.cpp: two threads write, look up
// and iterate one GHashTable and one GTree, each call under a GMutex, many
// times. The glib preset guards every call, and nothing is ever reported.
// REQUIRES: glib
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread %s -o %t $(pkg-config --cflags --libs glib-2.0) -Rpass=mapguard 2> %t.remarks \
// DEFINE:   && FileCheck %s --check-prefix=REMARK --input-file %t.remarks \
// DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include <cstdio>
#include <glib.h>
#include <thread>

GHashTable *table;
GTree *tree;
GMutex lock;

static gint compare(gconstpointer a, gconstpointer b) {
  return GPOINTER_TO_INT(a) - GPOINTER_TO_INT(b);
}
static void add_value(gpointer, gpointer value, gpointer sum) {
  *static_cast<long *>(sum) += GPOINTER_TO_INT(value);
}

long work(int base) {
  long sum = 0;
  for (int i = 0; i < 20000; ++i) {
    int k = base + i % 64;
    g_mutex_lock(&lock);
    // REMARK: remark: guarded write: GHashTable via g_hash_table_insert
    g_hash_table_insert(table, GINT_TO_POINTER(k), GINT_TO_POINTER(k));
    // REMARK: remark: guarded write: GTree via g_tree_insert
    g_tree_insert(tree, GINT_TO_POINTER(k), GINT_TO_POINTER(k));
    g_mutex_unlock(&lock);
    g_mutex_lock(&lock);
    sum += g_hash_table_contains(table, GINT_TO_POINTER(k));
    sum += GPOINTER_TO_INT(g_tree_lookup(tree, GINT_TO_POINTER(k))) != 0;
    g_mutex_unlock(&lock);
    if (i % 512 == 0) {
      g_mutex_lock(&lock);
      GHashTableIter it;
      gpointer key, value;
      g_hash_table_iter_init(&it, table);
      while (g_hash_table_iter_next(&it, &key, &value))
        sum += GPOINTER_TO_INT(value) >= 0;
      g_hash_table_foreach(table, add_value, &sum);
      // REMARK: remark: guarded write: GHashTable via g_hash_table_remove
      g_hash_table_remove(table, GINT_TO_POINTER(k));
      // REMARK: remark: guarded write: GTree via g_tree_remove
      g_tree_remove(tree, GINT_TO_POINTER(k));
      g_mutex_unlock(&lock);
    }
  }
  return sum;
}

int main() {
  table = g_hash_table_new(g_direct_hash, g_direct_equal);
  tree = g_tree_new(compare);
  long a = 0, b = 0;
  std::thread ta([&] { a = work(0); });
  std::thread tb([&] { b = work(32); });
  ta.join();
  tb.join();
  // CHECK: done: {{[0-9]+}} entries, {{[0-9]+}} nodes
  std::printf("done: %u entries, %d nodes\n", g_hash_table_size(table),
              g_tree_nnodes(tree));
  return a > 0 && b > 0 ? 0 : 1;
}
