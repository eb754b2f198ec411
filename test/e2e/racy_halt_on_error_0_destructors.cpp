// With halt_on_error=0 the exit status becomes exitcode only after the whole
// exit has run: an atexit handler, a static object's destructor, an
// __attribute__((destructor)) function, and the same three of a shared
// library the program uses (registered before the program's own
// constructors ran) all print their line, and the summary comes last.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -fPIC -shared -DLIBRARY %s -o %t.so \
// DEFINE:   && %mgxx %{flags} -g -pthread -I %S/Inputs %s %t.so -o %t \
// DEFINE:   && { env MAPGUARD_OPTIONS=halt_on_error=0 %t 2> %t.err; test $? -eq 66; } \
// DEFINE:   && FileCheck %s --input-file %t.err \
// DEFINE:   && { env MAPGUARD_OPTIONS=halt_on_error=0:exitcode=9 %t > /dev/null 2>&1; test $? -eq 9; }
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include <cstdio>
#include <cstdlib>

// Each line is written unbuffered, so that the order in the file is the
// order of the calls.
static void say(const char *what) { std::fprintf(stderr, "%s ran\n", what); }

// CHECK: ERROR: MapGuard: concurrent map writes
// CHECK-DAG: program atexit handler ran
// CHECK-DAG: program static destructor ran
// CHECK-DAG: program destructor function ran
// CHECK-DAG: library atexit handler ran
// CHECK-DAG: library static destructor ran
// CHECK-DAG: library destructor function ran
// CHECK: SUMMARY: MapGuard: 1 concurrent map write report(s)
// CHECK-NOT: ran

#ifdef LIBRARY

static void library_atexit() { say("library atexit handler"); }
__attribute__((constructor)) static void library_init() {
  std::atexit(library_atexit);
}
static struct LibraryStatic {
  ~LibraryStatic() { say("library static destructor"); }
} library_static;
__attribute__((destructor)) static void library_fini() {
  say("library destructor function");
}
void library_used() {}

#else

#include "overlap.h"
#include <unordered_map>

void library_used();

std::unordered_map<int, int, GateHash> table;

static struct ProgramStatic {
  ~ProgramStatic() { say("program static destructor"); }
} program_static;
__attribute__((destructor)) static void program_fini() {
  say("program destructor function");
}
static void program_atexit() { say("program atexit handler"); }

void write_a() { table[1] = 1; }
void write_b() { table[2] = 2; }

int main() {
  library_used();
  std::atexit(program_atexit);
  overlap::race(write_a, write_b);
}

#endif
