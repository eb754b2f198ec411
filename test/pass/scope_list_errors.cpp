// Through clang (-fplugin makes the -mllvm options known): a missing or
// malformed scope list is an "error:" naming the file, the line and the
// problem, and the compilation fails.
// RUN: not %clangxx -std=c++17 -fpass-plugin=%plugin -fplugin=%plugin -c -o /dev/null %s \
// RUN:   -mllvm -mapguard-ignorelist=%S/Inputs/malformed_list.txt 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: not %clangxx -std=c++17 -fpass-plugin=%plugin -fplugin=%plugin -c -o /dev/null %s \
// RUN:   -mllvm -mapguard-allowlist=%t.missing 2>&1 | FileCheck %s --check-prefix=MISSING -DFILE=%t.missing
// A good list compiles.
// RUN: %clangxx -std=c++17 -fpass-plugin=%plugin -fplugin=%plugin -c -o /dev/null %s \
// RUN:   -mllvm -mapguard-ignorelist=%S/Inputs/ignore_functions.txt

// MALFORMED: error: MapGuard: -mapguard-ignorelist: error parsing file '{{.*}}malformed_list.txt': malformed line 3: 'main'
// MALFORMED: 1 error generated.
// MISSING: error: MapGuard: -mapguard-allowlist: can't open file '[[FILE]]': No such file or directory
// MISSING: 1 error generated.
#include <map>

void f(std::map<int, int> &m) { m.clear(); }
