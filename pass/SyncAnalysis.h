//===- SyncAnalysis.h - Whether code could synchronise with another thread
//-===//
//
// A loop window (LoopWindows.h) is sound only if nothing between the loop's
// accesses of its map can synchronise with another thread. This analysis
// decides that for an instruction, following calls into their callees'
// bodies, container operations included: a container's erase runs its
// elements' destructors (~jthread joins, ~unique_lock unlocks), its insert
// their constructors, its lookups the user's hash and comparator.
//
// A function does not synchronise when its body, and every function it
// calls, holds no fence, no atomic access stronger than relaxed (relaxed ones
// order nothing without a fence), no volatile access, no inline assembly
// (beyond the empty compiler barriers benchmark libraries use), no indirect
// call and no call to a function without a body other than
//  - one LLVM marks nosync (most intrinsics);
//  - a C library or allocation function that TargetLibraryInfo recognises,
//    of a fixed list (memcmp, strlen, operator new, free, ...);
//  - an exact, listed libstdc++/libc++ helper compiled into the library
//    (red-black tree rebalancing, the hash table's rehash policy, the
//    string hash, the __throw_* functions, the exception ABI);
//  - a member of a standard container, string or container internal whose
//    whole signature names only standard types known to hold no callback
//    that could synchronise (builtin types, std::string, std::less, std::hash,
//    std::allocator, std::pair ...): std::map<int, int>::insert, not
//    std::map<int, std::jthread>::erase.
// Whatever else is unknown counts as "could". A function reached through a
// recursion is judged with the rest of its strongly connected component.
// The std::terminate handler of a noexcept function counts as nothing: the
// program ends there.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_SYNCANALYSIS_H
#define MAPGUARD_SYNCANALYSIS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/TargetLibraryInfo.h"

#include <memory>

namespace llvm {
class Function;
class Instruction;
class Module;
} // namespace llvm

namespace mapguard {

class SyncAnalysis {
public:
  explicit SyncAnalysis(const llvm::Module &M);

  /// Whether \p I could synchronise (a call: whether its callee could).
  bool maySynchronize(const llvm::Instruction &I);

  /// Whether calls to the body-less \p F are known not to synchronise (the
  /// list above). Exposed for tests of the list.
  bool isKnownSyncFreeDeclaration(const llvm::Function &F);

private:
  /// Tarjan's strongly connected components, on demand: a function is free
  /// when every function of its component and below is.
  bool visit(const llvm::Function &F);
  /// \p LowLink: the lowest index on the stack that the caller's component
  /// reaches, lowered by the callees met here.
  bool instructionMaySynchronize(const llvm::Instruction &I, unsigned &LowLink);
  /// Visits \p Callee for a caller whose LowLink it may lower.
  bool follow(const llvm::Function &Callee, unsigned &LowLink);
  /// Marks every function on the stack "could" (each reaches the one that
  /// could): returns false for the callers to unwind.
  bool couldAll();

  struct Node {
    enum { OnStack, Free, Could } State;
    unsigned Index, LowLink;
  };
  llvm::DenseMap<const llvm::Function *, Node> Nodes;
  llvm::SmallVector<const llvm::Function *, 32> Stack;
  unsigned NextIndex = 0;
  unsigned Depth = 0;
  std::unique_ptr<llvm::TargetLibraryInfoImpl> TLII;
  std::unique_ptr<llvm::TargetLibraryInfo> TLI;
};

} // namespace mapguard

#endif // MAPGUARD_SYNCANALYSIS_H
