// The "boost" preset: boost::unordered_map, unordered_multimap,
// unordered_set and unordered_multiset (Boost 1.74: unordered_flat_map and
// unordered_node_map come with 1.81 and 1.82) are recognised like the
// standard containers, and reports print boost::unordered_map<int, int>
// (not boost::unordered::unordered_map<int, int, boost::hash<int>, ...>).
// With -mapguard-presets=std,abseil nothing of Boost's is touched.
// REQUIRES: boost
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -S -emit-llvm -o %t.ll %s 2> %t.remarks
// RUN: FileCheck %s --check-prefix=WRITES --input-file=%t.remarks
// RUN: FileCheck %s --check-prefix=COUNT --input-file=%t.remarks
// RUN: FileCheck %s --check-prefix=READS --input-file=%t.ll
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-presets=std,abseil -fno-caret-diagnostics -Rpass=mapguard -Rpass-missed=mapguard -S -emit-llvm -o %t.off.ll %s 2>&1 \
// RUN:   | count 0
// RUN: FileCheck %s --check-prefix=OFF-IR --input-file=%t.off.ll
#include <boost/unordered_map.hpp>
#include <boost/unordered_set.hpp>
#include <string>
#include "Inputs/preset_operations.h"

template <class M> void multiWrites(M &m) {
  m.insert({3, 4});
  m.emplace(7, 8);
  m.erase(3);
  m.clear();
}

template <class C> long reads(const C &c) {
  long n = (long)c.count(1) + (long)c.size();
  n += c.find(1) != c.end();
  n += c.equal_range(1).first != c.end();
  return n;
}

boost::unordered_map<int, int> um1, um2;
boost::unordered_multimap<int, int> umm;
boost::unordered_set<int> us;
boost::unordered_multiset<int> ums;
boost::unordered_map<std::string, int> byName;

long all() {
  mapWrites(um1, um2);
  um1.rehash(64);
  um1.reserve(128);
  multiWrites(umm);
  setWrites(us);
  setWrites(ums);
  byName["a"] = 1;
  return reads(um1) + reads(us) + um1.at(1) + iterate(um1) + iterate(us);
}

// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::operator[] (the map comes from the caller)
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::insert (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::insert_or_assign (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::emplace (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::try_emplace (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::erase (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::merge (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::swap (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::operator= (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::operator= (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::clear (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::rehash (
// WRITES-DAG: remark: guarded write: boost::unordered_map<int, int>::reserve (
// WRITES-DAG: remark: guarded write: boost::unordered_multimap<int, int>::insert (
// WRITES-DAG: remark: guarded write: boost::unordered_multimap<int, int>::emplace (
// WRITES-DAG: remark: guarded write: boost::unordered_multimap<int, int>::erase (
// WRITES-DAG: remark: guarded write: boost::unordered_multimap<int, int>::clear (
// WRITES-DAG: remark: guarded write: boost::unordered_set<int>::insert (
// WRITES-DAG: remark: guarded write: boost::unordered_set<int>::emplace (
// WRITES-DAG: remark: guarded write: boost::unordered_set<int>::erase (
// WRITES-DAG: remark: guarded write: boost::unordered_set<int>::clear (
// WRITES-DAG: remark: guarded write: boost::unordered_multiset<int>::insert (
// WRITES-DAG: remark: guarded write: boost::unordered_multiset<int>::clear (
// WRITES-DAG: remark: guarded write: boost::unordered_map<std::string, int>::operator[] (the map is a global variable)
// An iteration over a loop that cannot synchronise is checked again where it ends.
// WRITES-DAG: remark: checked iteration: boost::unordered_map<int, int>::begin (checked again where the loop at line [[#ITER:]] ends)
// WRITES-DAG: remark: checked iteration: boost::unordered_set<int>::begin (checked again where the loop at line [[#ITER]] ends)
// 13 map writes, 4 multimap, 4 + 4 set, one more.
// COUNT-COUNT-26: remark: guarded write:
// COUNT-NOT: remark: guarded write:

// READS-DAG: c"boost::unordered_map<int, int>\00"
// READS-DAG: c"boost::unordered_set<int>\00"
// READS-DAG: c"equal_range\00"
// READS-DAG: c"at\00"
// READS-LABEL: define {{.*}}@_Z5readsIN5boost9unordered13unordered_map{{[^(]*}}(
// READS-NOT:   call {{.*}}@__mapguard_write_
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}unordered_map{{[^(]*}}5count
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}unordered_map{{[^(]*}}4find
// READS:       call void @__mapguard_read(
// READS:       call {{.*}}unordered_map{{[^(]*}}11equal_range
// READS-NOT:   call {{.*}}@__mapguard_write_
// READS:       ret i64
// READS-LABEL: define {{.*}}@_Z7iterateIN5boost9unordered13unordered_map{{[^(]*}}(
// READS:       call void @__mapguard_iterate(
// READS:       call {{.*}}unordered_map{{[^(]*}}5begin

// OFF-IR-NOT: @__mapguard_
