// MAPGUARD_WRITES_MAP, MAPGUARD_READS_MAP and MAPGUARD_ITERATES_MAP declare a
// project's own map functions: a member's map is `this`, a free function's
// its first parameter, whether the function is only declared here (defined
// in another file) or defined inline. Reports name the class. A function
// without an annotation is not a map operation.
// Clang 16 keeps no annotation of a function it only declares.
// UNSUPPORTED: llvm-16
// RUN: %clangxx -std=c++17 -O0 -I %mapguard_include -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-inline=0 -mllvm -mapguard-outline=0 \
// RUN:   -fno-caret-diagnostics -Rpass=mapguard -S -emit-llvm -o %t.ll %s 2> %t.remarks
// RUN: FileCheck %s --input-file %t.ll
// RUN: FileCheck %s --check-prefix=REMARK --input-file %t.remarks
// RUN: FileCheck %s --check-prefix=NAMES --input-file %t.ll
#include <mapguard/mapguard.h>

namespace inventory {
struct Sku {
  int id;
};
class SkuTable {
public:
  MAPGUARD_WRITES_MAP void put(const Sku &sku, int count); // defined elsewhere
  MAPGUARD_READS_MAP int get(const Sku &sku) const;
  MAPGUARD_ITERATES_MAP const int *begin() const { return counts_; }
  MAPGUARD_WRITES_MAP void reset() { counts_[0] = 0; } // defined inline
  int capacity() const { return 64; }

private:
  int counts_[64] = {};
};
MAPGUARD_WRITES_MAP void restock(SkuTable *table, int amount);
} // namespace inventory

// CHECK-LABEL: define {{.*}} @_Z3useRN9inventory8SkuTableE(
// CHECK: call i64 @__mapguard_write_begin(ptr %[[T:[0-9]+]],
// CHECK-NEXT: invoke void @_ZN9inventory8SkuTable3putERKNS_3SkuEi(ptr {{.*}}%[[T]],
// CHECK: call i64 @__mapguard_write_begin(
// CHECK-NEXT: call void @_ZN9inventory8SkuTable5resetEv(
// CHECK: call void @__mapguard_read(
// CHECK-NEXT: call {{.*}}i32 @_ZNK9inventory8SkuTable3getERKNS_3SkuE(
// CHECK: call void @__mapguard_iterate(
// CHECK-NEXT: call {{.*}}ptr @_ZNK9inventory8SkuTable5beginEv(
// CHECK: call i64 @__mapguard_write_begin(ptr %[[R:[0-9]+]],
// CHECK-NEXT: invoke void @_ZN9inventory7restockEPNS_8SkuTableEi(ptr {{.*}}%[[R]],
// CHECK: call void @__mapguard_write_end(ptr %[[R]], {{.*}})
// CHECK-NOT: __mapguard
// CHECK: call {{.*}}@_ZNK9inventory8SkuTable8capacityEv(
// CHECK-NOT: __mapguard
// CHECK: ret
int use(inventory::SkuTable &table) {
  // REMARK: annotations.cpp:[[#@LINE+1]]:9: remark: guarded write: inventory::SkuTable::put
  table.put({1}, 2);
  // REMARK: annotations.cpp:[[#@LINE+1]]:9: remark: guarded write: inventory::SkuTable::reset
  table.reset();
  int n = table.get({1}) + *table.begin();
  // REMARK: annotations.cpp:[[#@LINE+1]]:3: remark: guarded write: inventory::SkuTable via restock
  inventory::restock(&table, 3);
  return n + table.capacity();
}

// NAMES-DAG: c"inventory::SkuTable\00"
// NAMES-DAG: c"put\00"
// NAMES-DAG: c"restock\00"
