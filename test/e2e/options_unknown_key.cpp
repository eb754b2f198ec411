// An unknown key in MAPGUARD_OPTIONS gets one warning line naming it; the
// known keys around it still apply and the program runs normally.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread %s -o %t \
// DEFINE:   && env MAPGUARD_OPTIONS=verbosity=0:no_such_key=1:halt_on_error=1 %t > %t.out 2> %t.err \
// DEFINE:   && FileCheck %s --input-file %t.err --implicit-check-not=MapGuard \
// DEFINE:   && FileCheck %s --check-prefix=OUT --input-file %t.out
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}

// CHECK: =={{[0-9]+}}==WARNING: MapGuard: unknown option 'no_such_key' in MAPGUARD_OPTIONS (ignored)

#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

std::map<int, int> m;
std::mutex m_mutex;

void writer(int id) {
  for (int i = 0; i < 100; ++i) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m[id * 100 + i] = i;
  }
}

int main() {
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  // OUT: 200 entries
  std::printf("%zu entries\n", m.size());
}
