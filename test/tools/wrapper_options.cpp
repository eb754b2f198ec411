// Everything reaches the pass through the wrapper, which loads the plugin
// with -fplugin too, so -mllvm -mapguard-* options are known: remarks,
// the ignorelist, the inventory and -mapguard-elide=0, when compiling and
// when compiling and linking in one step.
// RUN: %mgxx -std=c++17 -O2 -fno-caret-diagnostics -Rpass=mapguard -Rpass-missed=mapguard -c -o %t.o %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REMARKS --implicit-check-not=remark:
// RUN: %mgxx -std=c++17 -O2 -fno-caret-diagnostics -Rpass-missed=mapguard -c -o %t.o %s \
// RUN:   -mllvm -mapguard-ignorelist=%S/Inputs/ignore_legacy.txt 2>&1 | FileCheck %s --check-prefix=IGNORED
// RUN: %mgxx -std=c++17 -O2 -fno-caret-diagnostics -Rpass=mapguard -c -o %t.o %s \
// RUN:   -mllvm -mapguard-elide=0 2>&1 | FileCheck %s --check-prefix=NOELIDE
// RUN: rm -f %t.jsonl
// RUN: %mgxx -std=c++17 -O1 -o %t.exe %s -mllvm -mapguard-sites=%t.jsonl
// RUN: %t.exe
// RUN: FileCheck %s --check-prefix=SITES --input-file=%t.jsonl
#include <map>

std::map<int, int> shared;

namespace legacy {
// REMARKS: wrapper_options.cpp:[[@LINE+3]]:21: remark: guarded write: std::map<int, int>::operator[] (the map is a global variable) [-Rpass=mapguard]
// IGNORED: wrapper_options.cpp:[[@LINE+2]]:21: remark: unguarded write: std::map<int, int>::operator[] (ignored: ignorelist {{.*}}ignore_legacy.txt:2 matches its function legacy::store) [-Rpass-missed=mapguard]
// SITES: {"file":"{{.*}}wrapper_options.cpp","line":[[@LINE+1]],"column":21,"function":"legacy::store(int)","container":"std::map<int, int>","operation":"operator[]","decision":"guarded",{{.*}}}
void store(int k) { shared[k] = k; }
} // namespace legacy

int main() {
  std::map<int, int> local;
  // REMARKS: wrapper_options.cpp:[[@LINE+3]]:3: remark: unguarded write: std::map<int, int>::operator[] (elided: the map is a local variable no other thread can reach) [-Rpass-missed=mapguard]
  // NOELIDE: wrapper_options.cpp:[[@LINE+2]]:3: remark: guarded write: std::map<int, int>::operator[] (elision is off (-mapguard-elide=0)) [-Rpass=mapguard]
  // SITES: {"file":"{{.*}}wrapper_options.cpp","line":[[@LINE+1]],"column":3,"function":"main","container":"std::map<int, int>","operation":"operator[]","decision":"elided",{{.*}}}
  local[1] = 2;
  legacy::store(2);
  return 0;
}
