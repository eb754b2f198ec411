// An instrumented shared library linked with the shared runtime
// (-shared-libmapguard: libmapguard_rt.so) works in a host built without
// MapGuard that dlopen()s it, as Python loads an extension module: two
// threads racing through it are reported with both sites, and the exit
// status is the runtime's (abort; with halt_on_error=0 the report comes at
// exit and the status is exitcode, 66). Race-free, the host runs as it
// would without MapGuard: silent, exit status 0. The host links neither
// runtime: nm shows no __mapguard_ symbol in it.
//
// RUN: %mgxx -g -O1 -fPIC -shared -shared-libmapguard -I %S/Inputs %s -o %t.so
// RUN: %clang -g %S/Inputs/dlopen_host.c -o %t.host -ldl
// RUN: %llvm_bin/llvm-nm %t.host | FileCheck %s --check-prefix=HOST --allow-empty
// RUN: %llvm_bin/llvm-readelf -d %t.so | FileCheck %s --check-prefix=NEEDED
// RUN: { %t.host %t.so race 2> %t.err; test $? -eq 134; }
// RUN: FileCheck %s --input-file %t.err
// RUN: { env MAPGUARD_OPTIONS=halt_on_error=0 %t.host %t.so race > %t.out 2> %t.err0; test $? -eq 66; }
// RUN: FileCheck %s --input-file %t.err0
// RUN: FileCheck %s --check-prefix=RACE-OUT --input-file %t.out
// RUN: %t.host %t.so calm > %t.calm.out 2> %t.calm.err
// RUN: FileCheck %s --check-prefix=CALM --input-file %t.calm.out
// RUN: FileCheck %s --check-prefix=EMPTY --allow-empty --input-file %t.calm.err
//
// HOST-NOT: __mapguard
// NEEDED: (NEEDED) Shared library: [libmapguard_rt.so]
// NEEDED: (RUNPATH) Library runpath: [{{.*}}lib]
// RACE-OUT: race: 2 entries
// CALM: calm: 2 entries
// EMPTY-NOT: {{.}}

#include "overlap.h"
#include <map>
#include <mutex>

static std::map<int, int, GateLess> counts;

// CHECK: ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_dlopen_shared_runtime.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
static void write_b() { counts[2] = 2; }
// CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_dlopen_shared_runtime.cpp:[[#@LINE+1]]:{{[0-9]+}} [emplace]
static void write_a() { counts.emplace(1, 1); }
// CHECK: SUMMARY: MapGuard: concurrent map writes

extern "C" int race() {
  // One write first, so that each racing write calls the comparator (where
  // writer-a holds).
  write_b();
  overlap::race(write_a, write_b);
  return int(counts.size());
}

static std::mutex counts_mutex;

extern "C" int calm() {
  overlap::in_two_threads(
      [] {
        std::lock_guard<std::mutex> lock(counts_mutex);
        write_a();
      },
      [] {
        std::lock_guard<std::mutex> lock(counts_mutex);
        write_b();
      });
  return int(counts.size());
}
