// GLib's GHashTable and GTree (the "glib" preset, share/mapguard/glib.maps):
// two writers, a lookup against a write, an iteration begun by
// g_hash_table_iter_init (whose map is its second argument) against a
// write, and two writers of a GTree are each reported, naming the type and
// both sites. libglib itself is not rebuilt: its calls are guarded where
// the program makes them.
// REQUIRES: glib
//
// DEFINE: %{flags} =
// DEFINE: %{shape} =
// DEFINE: %{check} = %mgxx %{flags} -D%{shape} -g -pthread -I %S/Inputs %s -o %t.%{shape} $(pkg-config --cflags --libs glib-2.0) \
// DEFINE:   && { %t.%{shape} 2> %t.%{shape}.err; test $? -eq 134; } && FileCheck %s --check-prefix=%{shape} --input-file %t.%{shape}.err
// REDEFINE: %{flags} = -O0
// REDEFINE: %{shape} = WW
// RUN: %{check}
// REDEFINE: %{shape} = RW
// RUN: %{check}
// REDEFINE: %{shape} = ITER
// RUN: %{check}
// REDEFINE: %{shape} = TREE
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// REDEFINE: %{shape} = WW
// RUN: %{check}
// REDEFINE: %{shape} = RW
// RUN: %{check}
// REDEFINE: %{shape} = ITER
// RUN: %{check}
// REDEFINE: %{shape} = TREE
// RUN: %{check}

#include "overlap.h"
#include <cstdio>
#include <glib.h>

// The hash and the comparison hold thread A inside its write (overlap.h).
static guint gate_hash(gconstpointer key) {
  overlap::hold_if_armed();
  return g_direct_hash(key);
}
static gint gate_compare(gconstpointer a, gconstpointer b) {
  overlap::hold_if_armed();
  return GPOINTER_TO_INT(a) - GPOINTER_TO_INT(b);
}

GHashTable *table;
GTree *tree;
int seen = 0;

// WW: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// WW-NEXT: fatal error: concurrent map writes
// WW-NEXT: map 0x{{[0-9a-f]+}} (GHashTable)
// WW-NEXT: write by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_glib_hash_table.cpp:[[#@LINE+20]]:{{[0-9]+}} [g_hash_table_insert]
// WW: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_glib_hash_table.cpp:[[#@LINE+32]]:{{[0-9]+}} [g_hash_table_replace]
// WW: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_glib_hash_table.cpp:[[#@LINE+18]] in side_b()

// RW: fatal error: concurrent map read and map write
// RW-NEXT: map 0x{{[0-9a-f]+}} (GHashTable)
// RW-NEXT: read by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_glib_hash_table.cpp:[[#@LINE+16]]:{{[0-9]+}} [g_hash_table_lookup]
// RW: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_glib_hash_table.cpp:[[#@LINE+26]]:{{[0-9]+}} [g_hash_table_replace]

// ITER: fatal error: concurrent map iteration and map write
// ITER-NEXT: map 0x{{[0-9a-f]+}} (GHashTable)
// ITER-NEXT: iteration by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_glib_hash_table.cpp:[[#@LINE+14]]:{{[0-9]+}} [g_hash_table_iter_init]

// TREE: fatal error: concurrent map writes
// TREE-NEXT: map 0x{{[0-9a-f]+}} (GTree)
// TREE-NEXT: write by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_glib_hash_table.cpp:[[#@LINE+12]]:{{[0-9]+}} [g_tree_insert]
// TREE: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_glib_hash_table.cpp:[[#@LINE+19]]:{{[0-9]+}} [g_tree_replace]

void side_b() {
#if defined(WW)
  g_hash_table_insert(table, GINT_TO_POINTER(2), GINT_TO_POINTER(2));
#elif defined(RW)
  seen = g_hash_table_lookup(table, GINT_TO_POINTER(2)) != nullptr;
#elif defined(ITER)
  GHashTableIter it;
  g_hash_table_iter_init(&it, table);
#else
  g_tree_insert(tree, GINT_TO_POINTER(2), GINT_TO_POINTER(2));
#endif
}

void side_a() {
#if !defined(TREE)
  g_hash_table_replace(table, GINT_TO_POINTER(1), GINT_TO_POINTER(1));
#else
  g_tree_replace(tree, GINT_TO_POINTER(1), GINT_TO_POINTER(1));
#endif
}

int main() {
  table = g_hash_table_new(gate_hash, g_direct_equal);
  tree = g_tree_new(gate_compare);
  g_tree_insert(tree, GINT_TO_POINTER(5), GINT_TO_POINTER(5));
  overlap::race(side_a, side_b);
  std::printf("not caught: %u entries, %d nodes, seen %d\n",
              g_hash_table_size(table), g_tree_nnodes(tree), seen);
}
