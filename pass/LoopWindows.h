//===- LoopWindows.h - One guarded window for a loop's writes to one map --===//
//
// A loop such as
//
//     for (uint32_t K : Keys)
//       Counts[K] += 1;
//
// writes one map many times with nothing in between that could synchronise
// with another thread. Another thread's write to Counts at any moment after
// the loop's first write and before the loop ends races with one of the
// loop's writes: with no release or acquire between them, nothing can order
// it after one of them and before the next. So the loop needs one guarded
// window, not one per write: it opens at the loop's first write (a run of the
// loop that writes nothing opens none) and closes on every way out of the
// loop, exceptions included. Correctly synchronised code is still never
// reported, every overlap a per-write window would see is still seen, and a
// write that lands between two of the loop's calls is caught too.
//
// "Nothing that could synchronise" is decided on the IR before inlining, by
// SyncAnalysis: every call in the loop, the window's own writes and lookups
// included, is judged by what its callee does, container operations too (an
// erase runs element destructors, which may join or unlock). Calls outside
// the containers must not throw.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_LOOPWINDOWS_H
#define MAPGUARD_LOOPWINDOWS_H

#include "SyncAnalysis.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace llvm {
class BasicBlock;
class CallBase;
class Function;
class Instruction;
class LoopInfo;
class Value;
} // namespace llvm

namespace mapguard {

/// What a call in a loop is, as far as windows care.
enum class LoopCall {
  Other,        ///< judged by its callee's body
  MapOperation, ///< a container operation that is not a guarded write
  GuardedWrite, ///< a write to be guarded (its map is writtenMap())
  CheckedRead,  ///< a lookup to be checked (a map operation in a write
                ///< window; in a read window, its map is ReadMap())
};

/// One loop whose guarded writes all go to one map: what the pass needs to
/// open its window at each write and close it on every way out.
struct LoopWindow {
  /// A window over writes, over lookups (Reads), or over an iteration
  /// (Begin).
  enum WindowKind { Write, Read, Iteration } Kind = Write;
  llvm::SmallVector<llvm::CallBase *, 4> Writes;
  /// A read window's lookups (and no Writes): see planReadWindows.
  llvm::SmallVector<llvm::CallBase *, 4> Reads;
  /// An iteration window's begin() (no Writes, no Reads): see
  /// planIterationWindows.
  llvm::CallBase *Begin = nullptr;
  /// Calls in the loop that may throw out of the function: map operations
  /// (the windows' writes among them), turned into invokes whose cleanup
  /// closes the window. (Empty for a read window: a read marks nothing, so
  /// an exception that skips the check at its end only loses that check.)
  llvm::SmallVector<llvm::CallBase *, 4> MayThrow;
  /// Blocks outside the loop entered from it, landing pads included; the
  /// window is closed at the top of each.
  llvm::SmallVector<llvm::BasicBlock *, 4> Exits;
  /// A read window's: the loop's preheader when it ends in an unconditional
  /// branch (nothing can happen between its end and the loop), or null.
  llvm::BasicBlock *Preheader = nullptr;
  /// A read window's map, computed at the end of Preheader (the loop's own
  /// pointer may be loaded inside the loop, from an alloca the loop never
  /// stores), or null.
  llvm::Value *PreheaderMap = nullptr;
  /// Line of the loop's header, for remarks (0 = unknown).
  unsigned Line = 0;
};

/// The loops of \p F that can share one window per run. Outer loops first: a
/// loop taken is not split into its inner loops.
///   Classify: what a call is.
///   WrittenMap: the one map a GuardedWrite writes, or null (two maps).
///   CanGuardUnwinding: whether a write's unwind path can carry a hook.
llvm::SmallVector<LoopWindow, 2> planLoopWindows(
    llvm::Function &F, llvm::LoopInfo &LI, SyncAnalysis &Sync,
    llvm::function_ref<LoopCall(const llvm::CallBase &)> Classify,
    llvm::function_ref<llvm::Value *(const llvm::CallBase &)> WrittenMap,
    llvm::function_ref<bool(llvm::CallBase &)> CanGuardUnwinding);

/// The loops of \p F that only read one map: read windows. (For each, the
/// instructions that compute the map's pointer at the end of the preheader
/// are added there: PreheaderMap.) A loop whose
/// lookups (CheckedRead) all go to one map (ReadMap: that map, or null),
/// with no guarded write and nothing else that could synchronise, is checked
/// once per run, at its end, instead of at each lookup: the check there
/// sees a write by another thread still in progress, and (by the slot's key
/// having changed since the loop's first lookup) one that began and ended
/// while the loop ran. Either races with one of the loop's lookups, for the
/// same reason as in a write window: with no release or acquire between the
/// loop's first lookup and its end, nothing can order another thread's
/// write after one lookup and before the next.
llvm::SmallVector<LoopWindow, 2> planReadWindows(
    llvm::Function &F, llvm::LoopInfo &LI, SyncAnalysis &Sync,
    llvm::function_ref<LoopCall(const llvm::CallBase &)> Classify,
    llvm::function_ref<llvm::Value *(const llvm::CallBase &)> ReadMap);

/// The loops of \p F that iterate over a map: iteration windows. A call in
/// \p Begins (begin(), cbegin(): the start of an iteration over its map,
/// ReadMap) in the preheader of a loop with no guarded write and nothing
/// that could synchronise, from the call to the loop's end, is checked again
/// wherever the loop is left: for another thread's write in progress then,
/// or begun since the iteration began (compared with the key the map's slot
/// held just before begin()), as a read window is. Lookups in the loop keep
/// their own checks.
llvm::SmallVector<LoopWindow, 2> planIterationWindows(
    llvm::Function &F, llvm::LoopInfo &LI, SyncAnalysis &Sync,
    llvm::function_ref<LoopCall(const llvm::CallBase &)> Classify,
    llvm::function_ref<llvm::Value *(const llvm::CallBase &)> ReadMap,
    llvm::ArrayRef<llvm::CallBase *> Begins);

} // namespace mapguard

#endif // MAPGUARD_LOOPWINDOWS_H
