// A project's own map declared by annotations (Inputs/sku_table.h): two
// writers of a member defined in another file, a read against a write, a
// write by a member defined inline in the header, an iteration against a
// write, and a free function whose map is its first parameter are each
// reported, naming the class and both sites. The members' file is compiled
// on its own, as a project's library would be.
//
// Clang 16 keeps no annotation of a function it only declares.
// UNSUPPORTED: llvm-16
// DEFINE: %{flags} =
// DEFINE: %{shape} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs -I %mapguard_include -c %S/Inputs/sku_table.cpp -o %t.sku.o \
// DEFINE:   && %mgxx %{flags} -D%{shape} -g -pthread -I %S/Inputs -I %mapguard_include %s %t.sku.o -o %t.%{shape} \
// DEFINE:   && { %t.%{shape} 2> %t.%{shape}.err; test $? -eq 134; } && FileCheck %s --check-prefix=%{shape} --input-file %t.%{shape}.err
// REDEFINE: %{flags} = -O0
// REDEFINE: %{shape} = WW
// RUN: %{check}
// REDEFINE: %{shape} = RW
// RUN: %{check}
// REDEFINE: %{shape} = INLINE
// RUN: %{check}
// REDEFINE: %{shape} = ITER
// RUN: %{check}
// REDEFINE: %{shape} = FREE
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// REDEFINE: %{shape} = WW
// RUN: %{check}
// REDEFINE: %{shape} = RW
// RUN: %{check}
// REDEFINE: %{shape} = INLINE
// RUN: %{check}
// REDEFINE: %{shape} = ITER
// RUN: %{check}
// REDEFINE: %{shape} = FREE
// RUN: %{check}

#include "sku_table.h"
#include <cstdio>

inventory::SkuTable table;
int seen = 0;

// WW: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// WW-NEXT: fatal error: concurrent map writes
// WW-NEXT: map 0x{{[0-9a-f]+}} (inventory::SkuTable)
// WW-NEXT: write by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_annotated_map.cpp:[[#@LINE+24]]:{{[0-9]+}} [put]
// WW: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_annotated_map.cpp:[[#@LINE+37]]:{{[0-9]+}} [put]
// WW: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_annotated_map.cpp:[[#@LINE+22]] in side_b()

// RW: fatal error: concurrent map read and map write
// RW-NEXT: map 0x{{[0-9a-f]+}} (inventory::SkuTable)
// RW-NEXT: read by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_annotated_map.cpp:[[#@LINE+20]]:{{[0-9]+}} [get]
// RW: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_annotated_map.cpp:[[#@LINE+31]]:{{[0-9]+}} [put]

// INLINE: fatal error: concurrent map writes
// INLINE-NEXT: map 0x{{[0-9a-f]+}} (inventory::SkuTable)
// INLINE-NEXT: write by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_annotated_map.cpp:[[#@LINE+17]]:{{[0-9]+}} [clear]

// ITER: fatal error: concurrent map iteration and map write
// ITER-NEXT: map 0x{{[0-9a-f]+}} (inventory::SkuTable)
// ITER-NEXT: iteration by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_annotated_map.cpp:[[#@LINE+15]]:{{[0-9]+}} [begin]

// FREE: fatal error: concurrent map writes
// FREE-NEXT: map 0x{{[0-9a-f]+}} (inventory::SkuTable)
// FREE-NEXT: write by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_annotated_map.cpp:[[#@LINE+14]]:{{[0-9]+}} [restock]
// FREE: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_annotated_map.cpp:[[#@LINE+18]]:{{[0-9]+}} [put]

void side_b() {
#if defined(WW)
  table.put("b", 2);
#elif defined(RW)
  seen = table.get("b");
#elif defined(INLINE)
  table.clear();
#elif defined(ITER)
  for (const auto &entry : table)
    seen += entry.second;
#else
  inventory::restock(table, "b");
#endif
}

void side_a() {
  table.put("a", 1);
}

int main() {
  overlap::race(side_a, side_b);
  std::printf("not caught: %zu skus, seen %d\n", table.size(), seen);
}
