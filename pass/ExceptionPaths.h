//===- ExceptionPaths.h - End hooks on every way out of a call -----------===//
//
// A guarded write must end on every way out of its call, an exception
// included, or the runtime would later report a map nobody is writing. These
// helpers put the end hooks after a call, on both destinations of an invoke,
// and on a cleanup landing pad for a call that may throw.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_EXCEPTIONPATHS_H
#define MAPGUARD_EXCEPTIONPATHS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace llvm {
class BasicBlock;
class CallBase;
class CallInst;
class DebugLoc;
class Function;
class InvokeInst;
class ResumeInst;
class Value;
} // namespace llvm

namespace mapguard {

class HookEmitter;

/// Whether the unwind path of \p CB, if it has one, can carry an end hook
/// (not with musttail or funclet-based exception handling).
bool canGuardUnwinding(llvm::CallBase &CB);

/// A new block of \p F: a cleanup landing pad and a resume, before which
/// hooks go. Gives F a personality if it has none.
llvm::ResumeInst *createCleanup(llvm::Function &F, const llvm::DebugLoc &DL,
                                llvm::StringRef Name);

/// Turns \p CI into an invoke that unwinds to \p Cleanup and continues in a
/// block of its own (its normal destination), keeping the call's name.
llvm::InvokeInst *makeInvoke(llvm::CallInst *CI, llvm::BasicBlock *Cleanup);

/// Wraps \p CB, a call or an invoke that writes \p Maps, with the hooks: the
/// begins before it, the ends (in reverse order) on every way out of it.
void wrapCall(HookEmitter &Hooks, llvm::CallBase &CB,
              llvm::ArrayRef<llvm::Value *> Maps, llvm::Value *Site);

} // namespace mapguard

#endif // MAPGUARD_EXCEPTIONPATHS_H
