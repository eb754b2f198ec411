//===- GuardStubs.h - One guarded copy of each container operation --------===//
//
// Strict mode does not wrap each write site outside a loop in place. Each
// container operation a module writes with gets one internal, never-inlined
// stub,
//
//     define internal <ret> @<callee>.mapguard(<callee's params>,
//                                             ptr %site) noinline {
//       %t = call i64 @__mapguard_write_begin(ptr %this, ptr %site)
//       %r = invoke <ret> @<callee>(<params>) to ... unwind ...
//       ; the end hook on both ways out
//     }
//
// and every site calls the stub instead of the operation, with its own
// descriptor as the one extra argument. A site then costs the compiler one
// call, as it did before the pass ran, instead of two hook calls, an invoke
// and a landing pad, and the operation's body is inlined once per module
// instead of once per site. At run time it costs one more call and return
// per write, beside the locked instruction of strict mode's check (emitted
// inline in the stub, HookEmitter.h). That is why a write in a loop, where
// the call would be paid at every run (and, under a lock, magnified by the
// other threads waiting for it), is wrapped in place instead
// (MapGuardInstrumenter::Outline).
//
// GuardStubs builds the stub and its inner call; the caller wraps that call
// with the hooks, as it would wrap a site.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_GUARDSTUBS_H
#define MAPGUARD_GUARDSTUBS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Module.h"

#include <tuple>

namespace mapguard {

class GuardStubs {
public:
  explicit GuardStubs(llvm::Module &M) : M(M) {}

  /// Whether \p CB can call a stub instead: a direct call of its callee's
  /// own type, not variadic, musttail or with operand bundles, and with no
  /// inalloca, preallocated, nest or swift-specific argument. Other calls
  /// are wrapped in place.
  static bool canCallStub(const llvm::CallBase &CB);

  /// The stub for \p CB's callee whose maps are its arguments ThisArg to
  /// ThisArg + NumMaps - 1. Calls that cannot unwind (from C code, or from
  /// a function that does not unwind) get a stub that does not either, with
  /// no landing pad and no C++ personality. A new stub's body is its one call
  /// of the callee, returned in \p NewInnerCall for the caller to wrap; an
  /// existing stub sets it to null.
  llvm::Function *get(const llvm::CallBase &CB, unsigned ThisArg,
                      unsigned NumMaps, llvm::CallInst *&NewInnerCall);

  /// Replaces \p CB by the same call or invoke of \p Stub with \p Site as
  /// the last argument. Returns the new call.
  static llvm::CallBase *redirect(llvm::CallBase &CB, llvm::Function *Stub,
                                  llvm::Value *Site);

private:
  llvm::Module &M;
  /// By callee, ThisArg, NumMaps and whether the call can unwind.
  llvm::DenseMap<std::tuple<llvm::Function *, unsigned, unsigned, unsigned>,
                 llvm::Function *>
      Stubs;
};

} // namespace mapguard

#endif // MAPGUARD_GUARDSTUBS_H
