// Through clang, at -O0 (optnone, no lifetime markers) and at -O2 (lifetime
// markers, before the inliner): a local map no other thread can reach is
// elided and -Rpass-missed=mapguard says so, also when reached through a
// reference variable or a range-for; maps captured by a thread's lambda
// (directly or through a reference), passed to another function or returned
// (NRVO) stay guarded and -Rpass=mapguard says why. (-DAG: function order
// differs between -O0 and -O2.)
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass-missed=mapguard -c -o /dev/null %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSED --implicit-check-not=remark:
// RUN: %clangxx -std=c++17 -O2 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass-missed=mapguard -c -o /dev/null %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSED --implicit-check-not=remark:
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -c -o /dev/null %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PASSED --implicit-check-not=remark:
// RUN: %clangxx -std=c++17 -O2 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -c -o /dev/null %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PASSED --implicit-check-not=remark:
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O2 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass-missed=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=MISSED --implicit-check-not=remark: %}
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O2 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=PASSED --implicit-check-not=remark: %}
#include <map>
#include <thread>

void fill(std::map<int, int> &m);

int local_only(int n) {
  std::map<int, int> squares;
  for (int i = 0; i < n; ++i)
    // MISSED-DAG: elide_remarks.cpp:[[@LINE+1]]:5: remark: unguarded write: std::map<int, int>::operator[] (elided: the map is a local variable no other thread can reach) [-Rpass-missed=mapguard]
    squares[i] = i * i;
  // MISSED-DAG: elide_remarks.cpp:[[@LINE+1]]:11: remark: unguarded write: std::map<int, int>::erase (elided: the map is a local variable no other thread can reach) [-Rpass-missed=mapguard]
  squares.erase(0);
  int sum = 0;
  for (const auto &[k, v] : squares) // a range-for keeps a reference to it
    sum += v;
  auto &alias = squares;
  // MISSED-DAG: elide_remarks.cpp:[[@LINE+1]]:9: remark: unguarded write: std::map<int, int>::clear (elided: the map is a local variable no other thread can reach) [-Rpass-missed=mapguard]
  alias.clear();
  return sum;
}

int captured_through_reference() {
  std::map<int, int> m;
  auto &r = m;
  // PASSED-DAG: elide_remarks.cpp:[[@LINE+1]]:23: remark: guarded write: std::map<int, int>::operator[] (the map is reached through a pointer or reference) [-Rpass=mapguard]
  std::thread t([&] { r[1] = 1; });
  // PASSED-DAG: elide_remarks.cpp:[[@LINE+1]]:3: remark: guarded write: std::map<int, int>::operator[] (the map has its address stored to memory (a lambda capture, a pointer or a reference kept somewhere)) [-Rpass=mapguard]
  m[2] = 2;
  t.join();
  return 0;
}

int captured() {
  std::map<int, int> m;
  // PASSED-DAG: elide_remarks.cpp:[[@LINE+1]]:23: remark: guarded write: std::map<int, int>::operator[] (the map is reached through a pointer or reference) [-Rpass=mapguard]
  std::thread t([&] { m[1] = 1; });
  // PASSED-DAG: elide_remarks.cpp:[[@LINE+1]]:3: remark: guarded write: std::map<int, int>::operator[] (the map has its address stored to memory (a lambda capture, a pointer or a reference kept somewhere)) [-Rpass=mapguard]
  m[2] = 2;
  t.join();
  return m.size();
}

int passed(int n) {
  std::map<int, int> m;
  // PASSED-DAG: elide_remarks.cpp:[[@LINE+1]]:3: remark: guarded write: std::map<int, int>::operator[] (the map has its address passed to fill) [-Rpass=mapguard]
  m[n] = n;
  fill(m);
  return m.size();
}

std::map<int, int> returned() {
  std::map<int, int> m;
  // PASSED-DAG: elide_remarks.cpp:[[@LINE+1]]:3: remark: guarded write: std::map<int, int>::operator[] (the map comes from the caller) [-Rpass=mapguard]
  m[1] = 1;
  return m;
}
