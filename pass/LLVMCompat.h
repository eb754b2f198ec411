//===- LLVMCompat.h - The one place LLVM version differences live ---------===//
//
// MapGuard is built against LLVM 19. Anything that changes between LLVM
// releases (renamed helpers, moved headers) is wrapped here and nowhere else.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_LLVMCOMPAT_H
#define MAPGUARD_LLVMCOMPAT_H

#include "llvm/Config/llvm-config.h"

#if LLVM_VERSION_MAJOR < 17
#error "MapGuard needs LLVM 17 or newer (it is developed against LLVM 19)"
#endif

// EHPersonalities.h moved from Analysis/ to IR/ in LLVM 17.
#include "llvm/IR/EHPersonalities.h"

#endif // MAPGUARD_LLVMCOMPAT_H
