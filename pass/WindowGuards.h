//===- WindowGuards.h - Loop, read and iteration windows ------------------===//
//
// One check per run of a loop instead of one per call (LoopWindows.h says
// which loops qualify and why that is sound):
//  - a loop window guards a loop's writes to one map as one write, open from
//    the first write of a run to wherever the loop is left;
//  - a read window checks a loop's lookups of one map once, where the loop is
//    left, against the key its slot held where the loop was entered;
//  - an iteration window checks an iteration again where its loop ends.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_WINDOWGUARDS_H
#define MAPGUARD_WINDOWGUARDS_H

#include "LoopWindows.h"
#include "MapOperationCatalog.h"
#include "Sites.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace llvm {
class AllocaInst;
class DebugLoc;
class LLVMContext;
class LoopInfo;
class Module;
class PointerType;
class Type;
} // namespace llvm

namespace mapguard {

class HookEmitter;
class SiteDescriptors;

class WindowGuards {
public:
  /// GetHooks: the module's hook emitter, created on first use. Loops: the
  /// loops of a function as it is now. Changed: called for each function a
  /// window was emitted in (its analyses are stale).
  WindowGuards(llvm::Module &M, MapOperationCache &Ops, SiteDescriptors &Descs,
               llvm::function_ref<HookEmitter &()> GetHooks,
               llvm::function_ref<llvm::LoopInfo &(llvm::Function &)> Loops,
               llvm::function_ref<void(llvm::Function &)> Changed);

  /// Emits the loop windows of the sites to be guarded, marking their sites
  /// InLoopWindow; Reads whose calls were replaced by invokes are updated.
  void guardLoopWindows(llvm::MutableArrayRef<WriteSite> Sites,
                        llvm::MutableArrayRef<ReadSite> Reads);
  /// Then the read and iteration windows, in loops without guarded writes;
  /// their lookups are marked InReadWindow.
  void guardReadWindows(llvm::ArrayRef<WriteSite> Sites,
                        llvm::MutableArrayRef<ReadSite> Reads);

private:
  void
  emitLoopWindow(const LoopWindow &W, llvm::ArrayRef<const WriteSite *> Writes,
                 llvm::DenseMap<llvm::CallBase *, llvm::CallBase *> &Replaced);
  /// A loop window's state in its function's frame: whether it is open
  /// (State, a WindowState), and what its end needs.
  struct LoopFrame {
    llvm::AllocaInst *State, *Map, *Token, *Site, *Key;
  };
  void
  closeLoopWindow(const LoopWindow &W, const LoopFrame &Frame,
                  const llvm::DebugLoc &DL,
                  llvm::DenseMap<llvm::CallBase *, llvm::CallBase *> &Replaced);
  void emitReadWindow(const LoopWindow &W, const ReadSite &First);
  bool isContainerCode(const llvm::Function &F);
  LoopCall classifyOtherLoopCall(const llvm::CallBase &CB);
  /// The map a lookup's call reads (its `this`), or null.
  llvm::Value *readMap(const llvm::CallBase &CB);

  llvm::Module &M;
  llvm::LLVMContext &Ctx;
  llvm::Type *IntPtrTy;
  llvm::PointerType *PtrTy;
  MapOperationCache &Ops;
  SiteDescriptors &Descs;
  llvm::function_ref<HookEmitter &()> GetHooks;
  llvm::function_ref<llvm::LoopInfo &(llvm::Function &)> Loops;
  llvm::function_ref<void(llvm::Function &)> Changed;
  /// One for the module: functions are judged as written, before any
  /// window or hook is added (MapGuard's own hooks order no user access).
  SyncAnalysis Sync;
};

} // namespace mapguard

#endif // MAPGUARD_WINDOWGUARDS_H
