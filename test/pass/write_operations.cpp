// Every mutating member of the eight associative containers is recognised
// as a write, in libstdc++ and libc++; lookups and the start of iteration
// get a read check instead, and size() nothing.
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -S -emit-llvm -o %t.ll %s
// RUN: FileCheck %s --input-file=%t.ll
// RUN: FileCheck %s --input-file=%t.ll --check-prefix=READS
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-outline=0 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=INPLACE
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O0 -fpass-plugin=%plugin -S -emit-llvm -o %t.libcxx.ll %s %}
// RUN: %if libcxx %{ FileCheck %s --input-file=%t.libcxx.ll %}
// RUN: %if libcxx %{ FileCheck %s --input-file=%t.libcxx.ll --check-prefix=READS %}
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

template <class M> void mapWrites(M &m, M &other) {
  m[1] = 2;
  m.insert({3, 4});
  m.insert_or_assign(5, 6);
  m.emplace(7, 8);
  m.emplace_hint(m.end(), 9, 10);
  m.try_emplace(11, 12);
  m.erase(1);
  auto node = m.extract(3);
  m.merge(other);
  m.swap(other);
  m = other;
  m = std::move(other);
  m.clear();
}

template <class M> void multiWrites(M &m, M &other) {
  m.insert({3, 4});
  m.emplace(7, 8);
  m.erase(3);
  m.clear();
}

template <class S> void setWrites(S &s, S &other) {
  s.insert(1);
  s.emplace(2);
  s.emplace_hint(s.end(), 3);
  s.erase(1);
  auto node = s.extract(2);
  s.merge(other);
  s.swap(other);
  s = other;
  s.clear();
}

template <class C> long reads(const C &c) {
  long n = (long)c.count(1) + (long)c.size();
  n += c.find(1) != c.end();
  for (auto it = c.begin(); it != c.end(); ++it)
    ++n;
  return n;
}

void all() {
  std::map<int, int> m1, m2;
  std::unordered_map<int, int> u1, u2;
  std::multimap<int, int> mm1, mm2;
  std::unordered_multimap<int, int> um1, um2;
  std::set<int> s1, s2;
  std::multiset<int> ms1, ms2;
  std::unordered_set<int> us1, us2;
  std::unordered_multiset<int> ums1, ums2;
  mapWrites(m1, m2);
  mapWrites(u1, u2);
  multiWrites(mm1, mm2);
  multiWrites(um1, um2);
  setWrites(s1, s2);
  setWrites(ms1, ms2);
  setWrites(us1, us2);
  setWrites(ums1, ums2);
  u1.rehash(64);
  u1.reserve(128);
  reads(m1), reads(u1), reads(s1), reads(us1);
}

// CHECK-DAG: c"std::map<int, int>\00"
// CHECK-DAG: c"std::unordered_map<int, int>\00"
// CHECK-DAG: c"std::multimap<int, int>\00"
// CHECK-DAG: c"std::unordered_multimap<int, int>\00"
// CHECK-DAG: c"std::set<int>\00"
// CHECK-DAG: c"std::multiset<int>\00"
// CHECK-DAG: c"std::unordered_set<int>\00"
// CHECK-DAG: c"std::unordered_multiset<int>\00"
// CHECK-DAG: c"operator[]\00"
// CHECK-DAG: c"insert\00"
// CHECK-DAG: c"insert_or_assign\00"
// CHECK-DAG: c"emplace\00"
// CHECK-DAG: c"emplace_hint\00"
// CHECK-DAG: c"try_emplace\00"
// CHECK-DAG: c"erase\00"
// CHECK-DAG: c"extract\00"
// CHECK-DAG: c"merge\00"
// CHECK-DAG: c"swap\00"
// CHECK-DAG: c"operator=\00"
// CHECK-DAG: c"clear\00"
// CHECK-DAG: c"rehash\00"
// CHECK-DAG: c"reserve\00"
//
// 13 writes in each mapWrites (merge, swap and move assignment write two
// maps), 4 in each multiWrites, 9 in each setWrites (merge and swap: two).
// Each write calls its operation's guarded stub (strict mode's default);
// in place (-mapguard-outline=0) each write is wrapped with hooks.
// CHECK-LABEL: define {{.*}}void @_Z9mapWritesI{{[^(]*}}3mapIii{{[^(]*}}(
// CHECK-COUNT-13: {{call|invoke}} {{.*}}@{{_Z[^(]*}}.mapguard(
// CHECK-NOT:      {{call|invoke}} {{.*}}@{{_Z[^(]*}}.mapguard(
// CHECK:          ret void
// INPLACE-LABEL: define {{.*}}void @_Z9mapWritesI{{[^(]*}}3mapIii{{[^(]*}}(
// INPLACE-COUNT-16: call i64 @__mapguard_strict_claim(
// INPLACE-NOT:      call i64 @__mapguard_strict_claim(
// INPLACE:          ret void
//
// READS-DAG: c"find\00"
// READS-DAG: c"count\00"
// READS-DAG: c"begin\00"
// READS-NOT: c"size\00"
// READS-LABEL: define {{.*}}@_Z5readsI{{[^(]*}}3mapIii{{[^(]*}}(
// READS-NOT:   call {{.*}}@__mapguard_write_
// READS:       call void @__mapguard_read(
// READS-NOT:   call {{.*}}@__mapguard_write_
// READS:       ret i64
