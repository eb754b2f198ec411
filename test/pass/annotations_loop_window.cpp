// Loop windows apply to annotated maps as to std::map: a loop whose only
// calls write (or look up) one annotated map, with bodies that cannot
// synchronise, is checked once per run; a loop whose annotated write
// locks keeps a check per write.
// RUN: %clangxx -std=c++17 -O2 -I %mapguard_include -fpass-plugin=%plugin -fplugin=%plugin -fno-caret-diagnostics \
// RUN:   -Rpass=mapguard -Rpass-missed=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s
// The site inventory says which writes are in a loop window.
// RUN: rm -f %t.jsonl && %clangxx -std=c++17 -O2 -I %mapguard_include -fpass-plugin=%plugin -fplugin=%plugin \
// RUN:   -mllvm -mapguard-sites=%t.jsonl -c -o /dev/null %s && FileCheck %s --check-prefix=INVENTORY --input-file %t.jsonl
// INVENTORY-DAG: "operation":"set","decision":"guarded",{{.*}}"loop_window":true}
// INVENTORY-DAG: "operation":"set_locked","decision":"guarded",{{.*}}"loop_window":false}
#include <mapguard/mapguard.h>
#include <mutex>

std::mutex lock;
struct Table {
  MAPGUARD_WRITES_MAP void set(int k, int v) { vals[k & 63] = v; }
  MAPGUARD_WRITES_MAP void set_locked(int k, int v) {
    std::lock_guard<std::mutex> hold(lock);
    vals[k & 63] = v;
  }
  MAPGUARD_READS_MAP int get(int k) const { return vals[k & 63]; }
  int vals[64];
};
Table t;

void fill(int n) {
  for (int i = 0; i < n; ++i)
    // CHECK-DAG: annotations_loop_window.cpp:[[#@LINE+1]]:7: remark: guarded write: Table::set (the map is a global variable; one check for each run of the loop at line [[#@LINE-1]])
    t.set(i, i);
}

int sum(int n) {
  int s = 0;
  for (int i = 0; i < n; ++i)
    // CHECK-DAG: annotations_loop_window.cpp:[[#@LINE+1]]:12: remark: checked lookups: Table::get (one check for each run of the loop at line [[#@LINE-1]])
    s += t.get(i);
  return s;
}

void fill_locked(int n) {
  for (int i = 0; i < n; ++i)
    // CHECK-DAG: annotations_loop_window.cpp:[[#@LINE+1]]:7: remark: guarded write: Table::set_locked (the map is a global variable)
    t.set_locked(i, i);
}
