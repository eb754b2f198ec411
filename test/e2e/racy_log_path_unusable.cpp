// A log_path that cannot be opened (here: its directory does not exist)
// prints one warning naming the file and the error, then every report, the
// verbosity lines and the summary go to stderr; the program exits as
// halt_on_error says.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
// DEFINE:   && { env MAPGUARD_OPTIONS=halt_on_error=0:verbosity=1:log_path=%t.missing/mg %t 2> %t.err; test $? -eq 66; } \
// DEFINE:   && FileCheck %s --input-file %t.err -DDIR=%t.missing --implicit-check-not=WARNING \
// DEFINE:   && { env MAPGUARD_OPTIONS=log_path=%t.missing/mg %t 2> %t.abort.err; test $? -eq 134; } \
// DEFINE:   && FileCheck %s --check-prefix=ABORT --input-file %t.abort.err -DDIR=%t.missing --implicit-check-not=WARNING
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include "overlap.h"
#include <unordered_map>

std::unordered_map<int, int, GateHash> table;

// CHECK: ==[[PID:[0-9]+]]==WARNING: MapGuard: cannot open log file [[DIR]]/mg.[[PID]] (ENOENT); writing reports to stderr
// CHECK-NEXT: ==[[PID]]==MapGuard: options halt_on_error=0 {{.*}} log_path=[[DIR]]/mg
// CHECK-NEXT: ==[[PID]]==ERROR: MapGuard: concurrent map writes
// CHECK: ==[[PID]]==ERROR: MapGuard: concurrent map writes
// CHECK: ==[[PID]]==MapGuard: 0 map write(s) went untracked
// CHECK-NEXT: ==[[PID]]==MapGuard: {{[0-9]+}} biased bucket(s) taken back by another thread's write
// CHECK-NEXT: ==[[PID]]==MapGuard: 2 concurrent map write report(s)
// CHECK: SUMMARY: MapGuard: 2 concurrent map write report(s)

// ABORT: ==[[PID:[0-9]+]]==WARNING: MapGuard: cannot open log file [[DIR]]/mg.[[PID]] (ENOENT); writing reports to stderr
// ABORT-NEXT: ==[[PID]]==ERROR: MapGuard: concurrent map writes

void write_a1() { table[1] = 1; }
void write_b1() { table[2] = 2; }
void write_a2() { table.erase(1); }
void write_b2() { table.erase(2); }

int main() {
  overlap::race(write_a1, write_b1);
  overlap::race(write_a2, write_b2);
}
