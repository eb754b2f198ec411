// The race-free twin of racy_annotated_map.cpp: two threads put, get,
// iterate, clear and restock one annotated SkuTable under a std::mutex, many
// times; every call is guarded (the remarks) and nothing is ever reported.
//
// Clang 16 keeps no annotation of a function it only declares.
// UNSUPPORTED: llvm-16
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs -I %mapguard_include -c %S/Inputs/sku_table.cpp -o %t.sku.o \
// DEFINE:   && %mgxx %{flags} -g -pthread -I %S/Inputs -I %mapguard_include %s %t.sku.o -o %t -Rpass=mapguard 2> %t.remarks \
// DEFINE:   && FileCheck %s --check-prefix=REMARK --input-file %t.remarks \
// DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include "sku_table.h"
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

inventory::SkuTable table;
std::mutex lock;

long work(const char *prefix) {
  long sum = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string sku = prefix + std::to_string(i % 50);
    {
      std::lock_guard<std::mutex> hold(lock);
      // REMARK: remark: guarded write: inventory::SkuTable::put
      table.put(sku, i);
    }
    {
      std::lock_guard<std::mutex> hold(lock);
      sum += table.get(sku) >= 0;
    }
    if (i % 1000 == 0) {
      std::lock_guard<std::mutex> hold(lock);
      for (const auto &entry : table)
        sum += entry.second >= 0;
      // REMARK: remark: guarded write: inventory::SkuTable via restock
      inventory::restock(table, sku);
      if (i % 5000 == 0)
        // REMARK: remark: guarded write: inventory::SkuTable::clear
        table.clear();
    }
  }
  return sum;
}

int main() {
  long a = 0, b = 0;
  std::thread ta([&] { a = work("a"); });
  std::thread tb([&] { b = work("b"); });
  ta.join();
  tb.join();
  // CHECK: done: {{[0-9]+}} skus
  std::printf("done: %zu skus\n", table.size());
  return a > 0 && b > 0 ? 0 : 1;
}
