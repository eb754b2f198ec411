// The "abseil" preset: Abseil's hash and B-tree containers are recognised
// like the standard ones although their members are inherited (the calls
// name absl::container_internal::raw_hash_map<FlatHashMapPolicy<K, V>, ...>,
// raw_hash_set<...>, btree_map_container<btree<map_params<...>>>, ...), and
// reports print the name the user wrote: absl::flat_hash_map<int, int>.
// Writes are guarded, lookups and the start of an iteration checked; with
// -mapguard-presets=std nothing of Abseil's is touched.
// REQUIRES: abseil
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -S -emit-llvm -o %t.ll %s 2> %t.remarks
// RUN: FileCheck %s --check-prefix=WRITES --input-file=%t.remarks
// RUN: FileCheck %s --check-prefix=COUNT --input-file=%t.remarks
// RUN: FileCheck %s --check-prefix=READS --input-file=%t.ll
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-presets=std,boost -fno-caret-diagnostics -Rpass=mapguard -Rpass-missed=mapguard -S -emit-llvm -o %t.off.ll %s 2>&1 \
// RUN:   | count 0
// RUN: FileCheck %s --check-prefix=OFF-IR --input-file=%t.off.ll
#include <absl/container/btree_map.h>
#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/container/node_hash_map.h>
#include <absl/container/node_hash_set.h>
#include <string>
#include "Inputs/preset_operations.h"

struct ByLength {
  bool operator()(const std::string &a, const std::string &b) const {
    return a.size() < b.size();
  }
};

template <class C> long reads(const C &c) {
  long n = (long)c.count(1) + (long)c.contains(2) + (long)c.size();
  n += c.find(1) != c.end();
  return n;
}

absl::flat_hash_map<int, int> fm1, fm2;
absl::node_hash_map<int, int> nm1, nm2;
absl::btree_map<int, int> bm1, bm2;
absl::flat_hash_set<int> fs;
absl::node_hash_set<int> ns;
absl::btree_set<int> bs;
absl::btree_multiset<int> bms;
absl::btree_multimap<int, int> bmm;
absl::node_hash_map<std::string, int> byName;
absl::btree_map<std::string, int, ByLength> byLength;

long all() {
  mapWrites(fm1, fm2);
  mapWrites(nm1, nm2);
  mapWrites(bm1, bm2);
  setWrites(fs);
  setWrites(ns);
  setWrites(bs);
  setWrites(bms);
  bmm.insert({1, 2});
  byName["a"] = 1;
  byLength["b"] = 2;
  fm1.reserve(64);
  fm1.rehash(128);
  return reads(fm1) + reads(nm1) + reads(bm1) + reads(fs) + reads(bs) +
         fm1.at(1) + iterate(fm1) + iterate(bm1) + iterate(ns);
}

// Every write of each family, with its type as reports print it.
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::operator[] (the map comes from the caller)
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::insert (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::insert_or_assign (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::emplace (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::try_emplace (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::erase (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::merge (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::swap (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::operator= (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::operator= (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::clear (
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::reserve (the map is a global variable)
// WRITES-DAG: remark: guarded write: absl::flat_hash_map<int, int>::rehash (the map is a global variable)
// WRITES-DAG: remark: guarded write: absl::node_hash_map<int, int>::operator[] (
// WRITES-DAG: remark: guarded write: absl::node_hash_map<int, int>::try_emplace (
// WRITES-DAG: remark: guarded write: absl::node_hash_map<int, int>::merge (
// WRITES-DAG: remark: guarded write: absl::node_hash_map<std::string, int>::operator[] (the map is a global variable)
// WRITES-DAG: remark: guarded write: absl::btree_map<int, int>::operator[] (
// WRITES-DAG: remark: guarded write: absl::btree_map<int, int>::insert_or_assign (
// WRITES-DAG: remark: guarded write: absl::btree_map<int, int>::erase (
// WRITES-DAG: remark: guarded write: absl::btree_map<int, int>::swap (
// WRITES-DAG: remark: guarded write: absl::btree_map<int, int>::clear (
// WRITES-DAG: remark: guarded write: absl::btree_map<std::string, int, ByLength>::operator[] (the map is a global variable)
// WRITES-DAG: remark: guarded write: absl::btree_multimap<int, int>::insert (the map is a global variable)
// WRITES-DAG: remark: guarded write: absl::flat_hash_set<int>::insert (
// WRITES-DAG: remark: guarded write: absl::flat_hash_set<int>::emplace (
// WRITES-DAG: remark: guarded write: absl::flat_hash_set<int>::erase (
// WRITES-DAG: remark: guarded write: absl::flat_hash_set<int>::clear (
// WRITES-DAG: remark: guarded write: absl::node_hash_set<int>::insert (
// WRITES-DAG: remark: guarded write: absl::node_hash_set<int>::erase (
// WRITES-DAG: remark: guarded write: absl::btree_set<int>::insert (
// WRITES-DAG: remark: guarded write: absl::btree_set<int>::erase (
// WRITES-DAG: remark: guarded write: absl::btree_multiset<int>::emplace (
// WRITES-DAG: remark: guarded write: absl::btree_multiset<int>::clear (
// Three map families x 11 writes, four sets x 4, and five more.
// COUNT-COUNT-54: remark: guarded write:
// COUNT-NOT: remark: guarded write:

// The descriptors name the user's types.
// READS-DAG: c"absl::flat_hash_map<int, int>\00"
// READS-DAG: c"absl::node_hash_map<int, int>\00"
// READS-DAG: c"absl::btree_map<int, int>\00"
// READS-DAG: c"absl::btree_multimap<int, int>\00"
// READS-DAG: c"absl::flat_hash_set<int>\00"
// READS-DAG: c"absl::node_hash_set<int>\00"
// READS-DAG: c"absl::btree_set<int>\00"
// READS-DAG: c"absl::btree_multiset<int>\00"
// READS-DAG: c"contains\00"
// READS-DAG: c"at\00"
// Each lookup is checked before it is made: count, contains, find.
// READS-LABEL: define {{.*}}@_Z5readsIN4absl{{[^(]*}}13flat_hash_map{{[^(]*}}(
// READS-NOT:   call {{.*}}@__mapguard_write_
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}raw_hash_set{{[^(]*}}5count
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}raw_hash_set{{[^(]*}}8contains
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}raw_hash_set{{[^(]*}}4find
// READS-NOT:   call {{.*}}@__mapguard_write_
// READS:       ret i64
// READS-LABEL: define {{.*}}@_Z5readsIN4absl{{[^(]*}}9btree_map{{[^(]*}}(
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}btree_container{{[^(]*}}5count
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}btree_container{{[^(]*}}8contains
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}btree_container{{[^(]*}}4find
// READS:       ret i64
// An iteration is checked where it starts.
// READS-LABEL: define {{.*}}@_Z7iterateIN4absl{{[^(]*}}13flat_hash_map{{[^(]*}}(
// READS:       call void @__mapguard_iterate(
// READS:       call {{.*}}raw_hash_set{{[^(]*}}5begin
// READS-LABEL: define {{.*}}@_Z7iterateIN4absl{{[^(]*}}9btree_map{{[^(]*}}(
// READS:       call void @__mapguard_iterate(
// READS:       call {{.*}}btree_container{{[^(]*}}5begin
// READS-LABEL: define {{.*}}@_Z7iterateIN4absl{{[^(]*}}13node_hash_set{{[^(]*}}(
// READS:       call void @__mapguard_iterate(

// Without the preset: no remark, no hook.
// OFF-IR-NOT: @__mapguard_
