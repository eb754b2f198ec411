//===- LoopWindows.cpp - One guarded window for a loop's writes to one map ===//
//
// See LoopWindows.h for why one window per run of the loop is sound. This
// file decides which loops qualify; MapGuard.cpp emits the window.
//
//===----------------------------------------------------------------------===//
#include "LoopWindows.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"

using namespace llvm;

namespace mapguard {

//===----------------------------------------------------------------------===//
// Which map: the same one on every iteration
//===----------------------------------------------------------------------===//

using BlockSet = SmallPtrSetImpl<const BasicBlock *>;

/// An alloca that the loop only loads: every iteration loads the value
/// stored before the loop (before SROA, `this` and reference parameters live
/// in such slots).
static bool isStableSlot(const AllocaInst &A, const BlockSet &Loop) {
  for (const User *U : A.users()) {
    if (const auto *L = dyn_cast<LoadInst>(U)) {
      if (L->getPointerOperand() == &A && L->isSimple())
        continue;
      return false;
    }
    if (const auto *S = dyn_cast<StoreInst>(U)) {
      if (S->getPointerOperand() == &A && S->getValueOperand() != &A &&
          S->isSimple() && !Loop.contains(S->getParent()))
        continue;
      return false;
    }
    if (const auto *II = dyn_cast<IntrinsicInst>(U))
      if (II->isLifetimeStartOrEnd() || isa<DbgInfoIntrinsic>(II))
        continue;
    return false;
  }
  return true;
}

/// Whether \p V is the same pointer on every iteration of the loop.
static bool isInvariant(const Value *V, const BlockSet &Loop) {
  const auto *I = dyn_cast<Instruction>(V);
  if (!I || !Loop.contains(I->getParent()))
    return true;
  if (const auto *L = dyn_cast<LoadInst>(I)) {
    const auto *Slot = dyn_cast<AllocaInst>(L->getPointerOperand());
    return L->isSimple() && Slot && !Loop.contains(Slot->getParent()) &&
           isStableSlot(*Slot, Loop);
  }
  if (const auto *GEP = dyn_cast<GetElementPtrInst>(I))
    return GEP->hasAllConstantIndices() &&
           isInvariant(GEP->getPointerOperand(), Loop);
  if (isa<BitCastInst>(I) || isa<AddrSpaceCastInst>(I))
    return isInvariant(I->getOperand(0), Loop);
  return false;
}

/// The loop-invariant pointer V (isInvariant), computed before \p Before
/// outside the loop: the loads, GEPs and casts of it that the loop does are
/// repeated there (each load reads an alloca that the loop never stores, so
/// it loads there what it loads in the loop).
static Value *hoistInvariant(Value *V, Instruction *Before,
                             const BlockSet &Loop) {
  auto *I = dyn_cast<Instruction>(V);
  if (!I || !Loop.contains(I->getParent()))
    return V;
  Instruction *Copy = I->clone();
  if (isa<LoadInst>(I)) {
    Copy->setDebugLoc(Before->getDebugLoc());
  } else {
    Value *Base = hoistInvariant(I->getOperand(0), Before, Loop);
    Copy->setOperand(0, Base);
  }
  Copy->setName(I->getName() + ".mapguard");
  Copy->insertBefore(Before);
  return Copy;
}

/// Whether two loop-invariant pointers compute the same address.
static bool isSameMap(const Value *A, const Value *B) {
  if (A == B)
    return true;
  const auto *IA = dyn_cast<Instruction>(A);
  const auto *IB = dyn_cast<Instruction>(B);
  if (!IA || !IB || IA->getOpcode() != IB->getOpcode() ||
      IA->getType() != IB->getType())
    return false;
  if (isa<LoadInst>(IA))
    return IA->getOperand(0) == IB->getOperand(0); // one stable slot
  if (const auto *GA = dyn_cast<GetElementPtrInst>(IA)) {
    const auto *GB = cast<GetElementPtrInst>(IB);
    if (GA->getSourceElementType() != GB->getSourceElementType() ||
        GA->getNumOperands() != GB->getNumOperands())
      return false;
    for (unsigned Op = 1; Op != GA->getNumOperands(); ++Op)
      if (GA->getOperand(Op) != GB->getOperand(Op)) // uniqued constants
        return false;
    return isSameMap(GA->getPointerOperand(), GB->getPointerOperand());
  }
  if (isa<CastInst>(IA))
    return isSameMap(IA->getOperand(0), IB->getOperand(0));
  return false;
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

namespace {
struct Planner {
  Function &F;
  SyncAnalysis &Sync;
  function_ref<LoopCall(const CallBase &)> Classify;
  function_ref<Value *(const CallBase &)> WrittenMap;
  function_ref<bool(CallBase &)> CanGuardUnwinding;
  /// Set for read and iteration windows: the map a CheckedRead reads.
  function_ref<Value *(const CallBase &)> ReadMap;
  /// Set for an iteration window: its begin(), in the loop's preheader.
  CallBase *Begin = nullptr;
  SmallVector<LoopWindow, 2> Windows;

  bool mayThrow(const CallBase &CB) const {
    return !CB.doesNotThrow() && !F.doesNotThrow();
  }

  void visit(Loop &L) {
    if (std::optional<LoopWindow> W = plan(L)) {
      Windows.push_back(std::move(*W));
      return;
    }
    for (Loop *Inner : L.getSubLoops())
      visit(*Inner);
  }

  /// The blocks the loop exits to, into W.Exits; false when a hook cannot
  /// go at the top of one (funclet EH, or an exit by indirectbr).
  static bool collectExits(Loop &L, LoopWindow &W) {
    SmallVector<BasicBlock *, 4> Exits;
    L.getUniqueExitBlocks(Exits);
    for (BasicBlock *Exit : Exits) {
      if (Exit->isEHPad() && !Exit->isLandingPad())
        return false; // funclet EH: no place for a hook
      for (BasicBlock *Pred : predecessors(Exit))
        if (L.contains(Pred) && isa<IndirectBrInst>(Pred->getTerminator()))
          return false;
    }
    W.Exits.assign(Exits.begin(), Exits.end());
    return true;
  }

  /// Where a read or iteration window takes its snapshot of \p Map: before
  /// begin(), or at the end of a preheader that branches straight into the
  /// loop (else at the first lookup of each run).
  void placeSnapshot(Loop &L, LoopWindow &W, Value *Map) {
    if (Begin) {
      W.Begin = Begin;
      W.Preheader = Begin->getParent();
      W.PreheaderMap = ReadMap(*Begin);
    } else if (BasicBlock *Pre = L.getLoopPreheader()) {
      if (auto *Br = dyn_cast<BranchInst>(Pre->getTerminator()))
        if (Br->isUnconditional() && !W.Reads.empty()) {
          W.Preheader = Pre;
          W.PreheaderMap = hoistInvariant(Map, Br, L.getBlocksSet());
        }
    }
  }

  std::optional<LoopWindow> plan(Loop &L) {
    const BlockSet &Blocks = L.getBlocksSet();
    LoopWindow W;
    Value *Map = nullptr;
    for (BasicBlock *BB : L.blocks()) {
      if (BB->isEHPad())
        return std::nullopt; // an exception caught inside the loop
      for (Instruction &I : *BB) {
        auto *CB = dyn_cast<CallBase>(&I);
        if (!CB) {
          if (Sync.maySynchronize(I))
            return std::nullopt;
          continue;
        }
        if (isa<CallBrInst>(CB))
          return std::nullopt;
        auto *II = dyn_cast<InvokeInst>(CB);
        if (II && (Blocks.contains(II->getUnwindDest()) ||
                   !II->getUnwindDest()->isLandingPad()))
          return std::nullopt; // caught inside the loop, or funclet EH
        // No call may synchronise, container operations included.
        if (Sync.maySynchronize(*CB))
          return std::nullopt;
        LoopCall Kind = Classify(*CB);
        if (Kind == LoopCall::Other) {
          // Anything else: no exception either in a write window, which
          // must close on every way out. A read window's check is only
          // skipped by an exception that leaves the function.
          if (!ReadMap && (II || mayThrow(*CB)))
            return std::nullopt;
          continue;
        }
        if (ReadMap) {
          if (Kind == LoopCall::GuardedWrite)
            return std::nullopt; // the write window's, or each its own
          if (Kind != LoopCall::CheckedRead || Begin)
            continue; // (an iteration window's lookups keep their checks)
          Value *Read = ReadMap(*CB);
          if (!Read || !isInvariant(Read, Blocks))
            return std::nullopt;
          if (Map && !isSameMap(Map, Read))
            return std::nullopt; // two maps: each lookup keeps its check
          Map = Read;
          W.Reads.push_back(CB);
          continue;
        }
        if (!II && mayThrow(*CB)) {
          if (!CanGuardUnwinding(*CB))
            return std::nullopt;
          W.MayThrow.push_back(CB);
        }
        if (Kind == LoopCall::MapOperation || Kind == LoopCall::CheckedRead)
          continue;
        Value *Written = WrittenMap(*CB);
        if (!Written || !isInvariant(Written, Blocks) ||
            !CanGuardUnwinding(*CB))
          return std::nullopt;
        if (Map && !isSameMap(Map, Written))
          return std::nullopt; // two maps: each write keeps its own window
        Map = Written;
        W.Writes.push_back(CB);
      }
    }
    if (W.Writes.empty() && W.Reads.empty() && !Begin)
      return std::nullopt;
    if (!collectExits(L, W))
      return std::nullopt;
    W.Kind = Begin     ? LoopWindow::Iteration
             : ReadMap ? LoopWindow::Read
                       : LoopWindow::Write;
    placeSnapshot(L, W, Map);
    if (DebugLoc Loc = L.getStartLoc())
      W.Line = Loc.getLine();
    return W;
  }
};
} // namespace

/// The windows the planner P takes in LI's loops, outer loops first.
static SmallVector<LoopWindow, 2> planAll(LoopInfo &LI, Planner &P) {
  for (Loop *L : LI)
    P.visit(*L);
  return std::move(P.Windows);
}

SmallVector<LoopWindow, 2>
planLoopWindows(Function &F, LoopInfo &LI, SyncAnalysis &Sync,
                function_ref<LoopCall(const CallBase &)> Classify,
                function_ref<Value *(const CallBase &)> WrittenMap,
                function_ref<bool(CallBase &)> CanGuardUnwinding) {
  Planner P{F,       Sync,    Classify, WrittenMap, CanGuardUnwinding,
            nullptr, nullptr, {}};
  return planAll(LI, P);
}

/// Whether the iteration begun by \p Begin reaches the loop whose preheader
/// holds it with nothing in between that could synchronise or throw.
static bool reachesLoopQuietly(CallBase &Begin, SyncAnalysis &Sync) {
  auto *Br = dyn_cast<BranchInst>(Begin.getParent()->getTerminator());
  if (!Br || !Br->isUnconditional() || isa<InvokeInst>(Begin))
    return false;
  for (Instruction *I = Begin.getNextNode(); I != Br; I = I->getNextNode()) {
    if (Sync.maySynchronize(*I))
      return false;
    if (auto *CB = dyn_cast<CallBase>(I))
      if (!CB->doesNotThrow() && !isa<IntrinsicInst>(CB) &&
          !Begin.getFunction()->doesNotThrow())
        return false;
  }
  return true;
}

SmallVector<LoopWindow, 2>
planIterationWindows(Function &F, LoopInfo &LI, SyncAnalysis &Sync,
                     function_ref<LoopCall(const CallBase &)> Classify,
                     function_ref<Value *(const CallBase &)> ReadMap,
                     ArrayRef<CallBase *> Begins) {
  SmallVector<LoopWindow, 2> Windows;
  for (CallBase *Begin : Begins) {
    if (!ReadMap(*Begin) || !reachesLoopQuietly(*Begin, Sync))
      continue;
    for (Loop *L : LI.getLoopsInPreorder()) {
      if (L->getLoopPreheader() != Begin->getParent())
        continue;
      Planner P{F, Sync, Classify, nullptr, nullptr, ReadMap, Begin, {}};
      if (std::optional<LoopWindow> W = P.plan(*L))
        Windows.push_back(std::move(*W));
      break; // the outermost loop the iteration begins before
    }
  }
  return Windows;
}

SmallVector<LoopWindow, 2>
planReadWindows(Function &F, LoopInfo &LI, SyncAnalysis &Sync,
                function_ref<LoopCall(const CallBase &)> Classify,
                function_ref<Value *(const CallBase &)> ReadMap) {
  Planner P{F, Sync, Classify, nullptr, nullptr, ReadMap, nullptr, {}};
  return planAll(LI, P);
}

} // namespace mapguard
