// The glib preset (share/mapguard/glib.maps, built in): GHashTable's and
// GTree's writes are guarded, their lookups and the start of an iteration
// checked; g_hash_table_iter_init's map is its second argument; reports
// name GHashTable and GTree. -mapguard-presets without glib leaves them
// alone.
// REQUIRES: glib
// RUN: %clang -O0 -g $(pkg-config --cflags glib-2.0) -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-inline=0 -mllvm -mapguard-outline=0 \
// RUN:   -fno-caret-diagnostics -Rpass=mapguard -S -emit-llvm -o %t.ll %s 2> %t.remarks
// RUN: FileCheck %s --input-file %t.ll
// RUN: FileCheck %s --check-prefix=REMARK --input-file %t.remarks
// RUN: %clang -O0 $(pkg-config --cflags glib-2.0) -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-presets=std,abseil,boost -S -emit-llvm -o - %s \
// RUN:   | FileCheck %s --check-prefix=OFF
#include <glib.h>

// CHECK-LABEL: define {{.*}} @hash_table(
// CHECK: call i64 @__mapguard_write_begin(ptr %[[T1:[0-9]+]],
// CHECK-NEXT: call i32 @g_hash_table_insert(ptr noundef %[[T1]],
// CHECK: call i64 @__mapguard_write_begin(
// CHECK-NEXT: call i32 @g_hash_table_remove(
// CHECK: call void @__mapguard_read(
// CHECK-NEXT: call ptr @g_hash_table_lookup(
// CHECK: call void @__mapguard_iterate(ptr %[[T2:[0-9]+]],
// CHECK-NEXT: call void @g_hash_table_iter_init(ptr noundef %{{[0-9]+}}, ptr noundef %[[T2]])
// CHECK: call void @__mapguard_iterate(
// CHECK-NEXT: call void @g_hash_table_foreach(
// CHECK-NOT: __mapguard
// CHECK: ret
void hash_table(GHashTable *t, GHFunc fn) {
  // REMARK: presets_glib.c:[[#@LINE+1]]:3: remark: guarded write: GHashTable via g_hash_table_insert
  g_hash_table_insert(t, t, t);
  // REMARK: presets_glib.c:[[#@LINE+1]]:3: remark: guarded write: GHashTable via g_hash_table_remove
  g_hash_table_remove(t, t);
  (void)g_hash_table_lookup(t, t);
  GHashTableIter it;
  g_hash_table_iter_init(&it, t);
  g_hash_table_foreach(t, fn, 0);
  g_hash_table_unref(t);
}

// CHECK-LABEL: define {{.*}} @tree(
// CHECK: call i64 @__mapguard_write_begin(
// CHECK-NEXT: call ptr @g_tree_insert_node(
// CHECK: call void @__mapguard_read(
// CHECK-NEXT: call i32 @g_tree_nnodes(
// CHECK: call void @__mapguard_iterate(
// CHECK-NEXT: call void @g_tree_foreach(
// CHECK-NOT: __mapguard
// CHECK: ret
void tree(GTree *t, GTraverseFunc fn) {
  // REMARK: presets_glib.c:[[#@LINE+1]]:3: remark: guarded write: GTree via g_tree_insert_node
  g_tree_insert_node(t, t, t);
  (void)g_tree_nnodes(t);
  g_tree_foreach(t, fn, 0);
  g_tree_unref(t);
}

// OFF-NOT: __mapguard
