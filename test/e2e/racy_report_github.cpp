// MAPGUARD_OPTIONS=report_format=github prints the text report, then one
// GitHub Actions ::error command per site, so that the pull request is
// annotated at both lines; paths are relative to $GITHUB_WORKSPACE.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
// DEFINE:   && { env GITHUB_WORKSPACE=%S/.. MAPGUARD_OPTIONS=report_format=github:stack_depth=0 %t > %t.out 2> %t.err; test $? -eq 134; } \
// DEFINE:   && FileCheck %s --input-file %t.err \
// DEFINE:   && FileCheck %s --check-prefix=OUT --allow-empty --input-file %t.out
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include "overlap.h"
#include <cstdio>
#include <map>

std::map<int, int, GateLess> ranks = {{1, 1}};

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int, GateLess>)

void erase_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in erase_b() at {{.*}}racy_report_github.cpp:[[#LINE_B:@LINE+1]]:[[#COL_B:]] [erase]
  ranks.erase(1);
}

void insert_a() {
  // CHECK-NEXT: while thread {{[0-9]+}} "writer-a" was writing it in insert_a() at {{.*}}racy_report_github.cpp:[[#LINE_A:@LINE+1]]:[[#COL_A:]] [insert]
  ranks.insert({7, 7});
}

// CHECK-NEXT: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_report_github.cpp:[[#LINE_B]] in erase_b()
// CHECK-NEXT: ::error file=e2e/racy_report_github.cpp,line=[[#LINE_B]],col=[[#COL_B]],title=MapGuard%3A concurrent map writes::write by thread {{[0-9]+}} "writer-b" in erase_b() at {{.*}}racy_report_github.cpp:[[#LINE_B]]:[[#COL_B]] [erase]%0Awhile thread {{[0-9]+}} "writer-a" was writing it in insert_a() at {{.*}}racy_report_github.cpp:[[#LINE_A]]:[[#COL_A]] [insert]%0Amap 0x{{[0-9a-f]+}} (std::map<int, int, GateLess>){{$}}
// CHECK-NEXT: ::error file=e2e/racy_report_github.cpp,line=[[#LINE_A]],col=[[#COL_A]],title=MapGuard%3A concurrent map writes::write by thread
// CHECK-EMPTY:

// OUT-NOT: {{.}}

int main() {
  overlap::race(insert_a, erase_b);
  std::printf("missed the race, %zu entries left\n", ranks.size());
}
