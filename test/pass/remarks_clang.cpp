// The remarks through clang's own flags: -Rpass-analysis=mapguard prints the
// per-function counts, and -fsave-optimization-record writes every remark,
// with its named fields, to a YAML record.
// RUN: %clangxx -std=c++17 -O1 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass-analysis=mapguard -c -o /dev/null %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ANALYSIS --implicit-check-not=remark:
// The record names the file as it was given (a short relative name, so that
// YAML never folds a long path's DebugLoc line).
// RUN: cd %S && %clangxx -std=c++17 -O1 -fpass-plugin=%plugin -c -o %t.o remarks_clang.cpp \
// RUN:   -fsave-optimization-record -foptimization-record-file=%t.yaml -foptimization-record-passes=mapguard
// RUN: FileCheck %s --check-prefix=RECORD --input-file=%t.yaml
#include <map>
#include <string>
#include <unordered_map>

std::unordered_map<std::string, int> counts;

// ANALYSIS: remarks_clang.cpp:[[@LINE+1]]:1: remark: map writes in tally(char const*): 1 guarded, 1 elided [-Rpass-analysis=mapguard]
int tally(const char *word) {
  counts[word] += 1;
  std::map<int, int> local;
  local[1] = 2;
  return local.size();
}

// RECORD:      --- !Passed
// RECORD-NEXT: Pass:            mapguard
// RECORD-NEXT: Name:            Guarded
// RECORD-NEXT: DebugLoc:        { File: remarks_clang.cpp, Line: 19, Column: 3 }
// RECORD-NEXT: Function:        _Z5tallyPKc
// RECORD-NEXT: Args:
// RECORD-NEXT:   - String:          'guarded write: '
// RECORD-NEXT:   - Container:       'std::unordered_map<std::string, int>'
// RECORD-NEXT:   - String:          '::'
// RECORD-NEXT:   - Operation:       'operator[]'
// RECORD:      --- !Missed
// RECORD-NEXT: Pass:            mapguard
// RECORD-NEXT: Name:            Elided
// RECORD-NEXT: DebugLoc:        { File: remarks_clang.cpp, Line: 21, Column: 3 }
// RECORD:        - Decision:        elided
// RECORD:      --- !Analysis
// RECORD-NEXT: Pass:            mapguard
// RECORD-NEXT: Name:            FunctionSummary
// RECORD:        - Guarded:         '1'
// RECORD:        - Elided:          '1'
