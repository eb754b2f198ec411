// A race inside a library function (Inputs/stack_lib.cpp, compiled on its
// own) called from two places: the report shows each thread's call stack
// under its line, so both callers appear: the reporting thread's stack taken
// at the report, the other's taken while it is still inside its write. With
// stack_depth=0, or without a symbolizer, the report has its site lines
// only.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs -c %S/Inputs/stack_lib.cpp -o %t.lib.o \
// DEFINE:   && %mgxx %{flags} -g -pthread -I %S/Inputs %s %t.lib.o -o %t \
// DEFINE:   && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -fno-omit-frame-pointer
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// RUN: env MAPGUARD_OPTIONS=stack_depth=0 %t 2> %t.nostack; test $? -eq 134
// RUN: FileCheck %s --check-prefix=NOSTACK --input-file %t.nostack
// RUN: env MAPGUARD_SYMBOLIZER_PATH=/nonexistent/llvm-symbolizer %t 2> %t.nosym; test $? -eq 134
// RUN: FileCheck %s --check-prefix=NOSTACK --input-file %t.nosym

#include "overlap.h"
#include <cstdio>

void record(int key);
int after = 0;

// CHECK: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int, GateLess>)
// CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in record(int) at {{.*}}stack_lib.cpp:[[#LIB:]]:{{[0-9]+}} [insert]
// CHECK-NEXT: #0 record(int) at {{.*}}stack_lib.cpp:[[#LIB]]:{{[0-9]+}}
// CHECK-NEXT: #1 caller_b() at {{.*}}racy_stacks.cpp:[[#@LINE+12]]:{{[0-9]+}}
// CHECK: while thread {{[0-9]+}} "writer-a" was writing it in record(int) at {{.*}}stack_lib.cpp:[[#LIB]]:{{[0-9]+}} [insert]
// CHECK-NEXT: #0 record(int) at {{.*}}stack_lib.cpp:[[#LIB]]:{{[0-9]+}}
// CHECK-NEXT: #1 caller_a() at {{.*}}racy_stacks.cpp:[[#@LINE+4]]:{{[0-9]+}}
// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}stack_lib.cpp:[[#LIB]] in record(int)

void caller_a() {
  record(1);
  ++after; // no tail call: caller_a's frame stays
}

void caller_b() {
  record(2);
  ++after;
}

// NOSTACK: write by thread {{.*}} in record(int) at {{.*}}stack_lib.cpp:{{[0-9]+}}:{{[0-9]+}} [insert]
// NOSTACK-NOT: #0
// NOSTACK: SUMMARY

int main() {
  overlap::race(caller_a, caller_b);
  std::printf("not caught: %d\n", after);
}
