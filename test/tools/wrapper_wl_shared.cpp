// -shared handed to the linker itself (-Wl,-shared, -Wl,--shared,
// -Wl,-Bshareable, -Xlinker -shared) makes a shared library as -shared does:
// the wrapper embeds no runtime in it, the library only refers to the hooks
// (the executable that loads it provides them). Only global symbols count:
// the module's local claim function, __mapguard_strict_claim, is no hook.
// RUN: %mgxx -fPIC %s -Wl,-shared -o %t.1.so
// RUN: llvm-nm --defined-only --extern-only -j %t.1.so | FileCheck %s --check-prefix=DEFINED --implicit-check-not='{{^}}__mapguard_'
// RUN: llvm-nm --undefined-only -j %t.1.so | FileCheck %s --check-prefix=UNDEFINED
// RUN: %mgxx -fPIC %s -Wl,--shared -o %t.2.so
// RUN: llvm-nm --defined-only --extern-only -j %t.2.so | FileCheck %s --check-prefix=DEFINED --implicit-check-not='{{^}}__mapguard_'
// RUN: %mgxx -fPIC %s -Wl,-soname,libput.so,-Bshareable -o %t.3.so
// RUN: llvm-nm --defined-only --extern-only -j %t.3.so | FileCheck %s --check-prefix=DEFINED --implicit-check-not='{{^}}__mapguard_'
// RUN: %mgxx -fPIC %s -Xlinker -shared -o %t.4.so
// RUN: llvm-nm --defined-only --extern-only -j %t.4.so | FileCheck %s --check-prefix=DEFINED --implicit-check-not='{{^}}__mapguard_'
// DEFINED: {{^}}_Z3puti{{$}}
// UNDEFINED: {{^}}__mapguard_
#include <map>

std::map<int, int> shared;

void put(int k) { shared[k] = k; }
