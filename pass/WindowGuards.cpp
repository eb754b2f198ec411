//===- WindowGuards.cpp - Loop, read and iteration windows ----------------===//
//
// Finds the loops that can share one check per run (LoopWindows.h decides)
// and emits their windows: a flag in the function's frame (promoted to a
// register by SROA) says whether the window is open, and every way out of
// the loop closes or checks it if it is.
//
//===----------------------------------------------------------------------===//
#include "WindowGuards.h"

#include "ExceptionPaths.h"
#include "HookEmitter.h"
#include "LLVMCompat.h"
#include "SiteDescriptors.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

#define DEBUG_TYPE "mapguard"

STATISTIC(NumLoopWindows,
          "Loops whose writes to one map share one guarded window per run");
STATISTIC(NumReadWindows,
          "Loops whose lookups of one map are checked once per run");
STATISTIC(NumIterationWindows,
          "Iterations over a map checked again where their loop ends");

namespace mapguard {

WindowGuards::WindowGuards(Module &M, MapOperationCache &Ops,
                           SiteDescriptors &Descs,
                           function_ref<HookEmitter &()> GetHooks,
                           function_ref<LoopInfo &(Function &)> Loops,
                           function_ref<void(Function &)> Changed)
    : M(M), Ctx(M.getContext()),
      IntPtrTy(M.getDataLayout().getIntPtrType(M.getContext())),
      PtrTy(PointerType::getUnqual(M.getContext())), Ops(Ops), Descs(Descs),
      GetHooks(GetHooks), Loops(Loops), Changed(Changed), Sync(M) {}

Value *WindowGuards::readMap(const CallBase &CB) {
  // A lookup or an iteration accesses one map.
  const MapOperation *Op = Ops.classify(CB);
  if (!Op)
    return nullptr;
  SmallVector<Value *, 2> Maps = mapOperands(CB, *Op);
  return Maps.empty() ? nullptr : Maps.front();
}

/// Splits a block before \p Before that runs only when \p Flag (an i1, or
/// an integer tested against 0) holds: the returned instruction ends that
/// block, named \p Name.
static Instruction *ifFlagSet(AllocaInst *Flag, Instruction *Before,
                              const DebugLoc &DL, StringRef Name) {
  IRBuilder<> B(Before);
  B.SetCurrentDebugLocation(DL);
  Type *Ty = Flag->getAllocatedType();
  Value *Set = B.CreateLoad(Ty, Flag);
  if (!Ty->isIntegerTy(1))
    Set = B.CreateICmpNE(Set, ConstantInt::get(Ty, 0));
  Instruction *Then = SplitBlockAndInsertIfThen(Set, Before, false);
  Then->getParent()->setName(Name);
  return Then;
}

/// Whether F is part of a container: one of its operations, or its code.
bool WindowGuards::isContainerCode(const Function &F) {
  return Ops.classify(F) || isContainerImplementation(F.getName()) ||
         isContainerNavigation(F.getName());
}

/// What a call in a loop that is neither a window's write nor its lookup is.
LoopCall WindowGuards::classifyOtherLoopCall(const CallBase &CB) {
  const Function *Callee = CB.getCalledFunction();
  return Callee && isContainerCode(*Callee) ? LoopCall::MapOperation
                                            : LoopCall::Other;
}

/// Finds the loops whose guarded writes can share one window per run
/// (LoopWindows.h) and emits those windows, marking the sites guarded that
/// way (InLoopWindow); Reads whose calls were replaced are updated.
void WindowGuards::guardLoopWindows(MutableArrayRef<WriteSite> Sites,
                                    MutableArrayRef<ReadSite> Reads) {
  DenseMap<const CallBase *, size_t> GuardedIndex;
  SmallVector<Function *, 8> Functions;
  for (size_t I = 0; I != Sites.size(); ++I) {
    if (!Sites[I].toBeGuarded())
      continue;
    GuardedIndex[Sites[I].Call] = I;
    Function *F = Sites[I].Call->getFunction();
    if (Functions.empty() || Functions.back() != F)
      Functions.push_back(F); // sites are collected function by function
  }
  auto Classify = [&](const CallBase &CB) {
    if (GuardedIndex.count(&CB))
      return LoopCall::GuardedWrite;
    return classifyOtherLoopCall(CB);
  };
  auto WrittenMap = [&](const CallBase &CB) -> Value * {
    const MapOperation &Op = Sites[GuardedIndex.lookup(&CB)].op();
    if (Op.numMaps() != 1)
      return nullptr; // two maps: each write keeps its own window
    SmallVector<Value *, 2> Maps = mapOperands(CB, Op);
    return Maps.empty() ? nullptr : Maps.front();
  };
  auto CanGuard = [](CallBase &CB) { return canGuardUnwinding(CB); };

  DenseMap<CallBase *, CallBase *> Replaced;
  for (Function *F : Functions) {
    for (const LoopWindow &W :
         planLoopWindows(*F, Loops(*F), Sync, Classify, WrittenMap, CanGuard)) {
      SmallVector<const WriteSite *, 4> Writes;
      for (CallBase *CB : W.Writes) {
        size_t I = GuardedIndex.lookup(CB);
        Writes.push_back(&Sites[I]);
        Sites[I].InLoopWindow = true;
        Sites[I].Record.LoopWindow = true;
        std::string &Reason = Sites[I].Record.Reason;
        Reason += "; one check for each run of the loop";
        if (W.Line)
          Reason += " at line " + std::to_string(W.Line);
      }
      emitLoopWindow(W, Writes, Replaced);
      ++NumLoopWindows;
      Changed(*F);
    }
  }
  for (ReadSite &R : Reads)
    if (CallBase *New = Replaced.lookup(R.Call))
      R.Call = New;
}

/// A loop window's state: one byte, so that a write in a window of one write
/// tests one value (Quiet) before going on.
enum WindowState : uint8_t { Closed = 0, Quiet = 1, OpenStressed = 2 };

/// One window for a loop's writes to one map: a byte in the function's frame
/// (promoted to a register by SROA) says whether it is open (WindowState).
/// Each write opens it unless it is open; every block the loop exits to,
/// landing pads included, closes it if it is open (elsewhere it is Closed);
/// calls in the loop that may throw out of the function get a cleanup that
/// closes it.
void WindowGuards::emitLoopWindow(const LoopWindow &W,
                                  ArrayRef<const WriteSite *> Writes,
                                  DenseMap<CallBase *, CallBase *> &Replaced) {
  HookEmitter &Hooks = GetHooks();
  Function &F = *W.Writes.front()->getFunction();
  const DebugLoc &DL = W.Writes.front()->getDebugLoc();
  Type *I1 = Type::getInt1Ty(Ctx), *I8 = Type::getInt8Ty(Ctx),
       *I64 = Type::getInt64Ty(Ctx);
  BasicBlock &Entry = F.getEntryBlock();
  IRBuilder<> EB(&Entry, Entry.getFirstInsertionPt());
  AllocaInst *State = EB.CreateAlloca(I8, nullptr, "mapguard.loop.state");
  AllocaInst *MapSlot = EB.CreateAlloca(PtrTy, nullptr, "mapguard.loop.map");
  AllocaInst *TokenSlot =
      EB.CreateAlloca(IntPtrTy, nullptr, "mapguard.loop.token");
  AllocaInst *SiteSlot = EB.CreateAlloca(PtrTy, nullptr, "mapguard.loop.site");
  AllocaInst *KeySlot = nullptr;
  EB.CreateStore(EB.getInt8(Closed), State);
  // stress=1 is decided at startup: one load per call of the function, not
  // one per write (SROA keeps it in a register).
  AllocaInst *StressedSlot =
      EB.CreateAlloca(I1, nullptr, "mapguard.loop.stressed");
  EB.CreateStore(Hooks.emitStressed(EB), StressedSlot);
  MDBuilder MDB(Ctx);

  for (const WriteSite *Site : Writes) {
    CallBase &CB = *Site->Call;
    IRBuilder<> B(&CB);
    B.SetCurrentDebugLocation(CB.getDebugLoc());
    // A window of one write that is open with stress off goes straight to
    // the write.
    Instruction *Checks = &CB;
    if (Writes.size() == 1) {
      Checks = SplitBlockAndInsertIfThen(
          B.CreateICmpNE(B.CreateLoad(I8, State), B.getInt8(Quiet)), &CB, false,
          compat::unlikelyBranchWeights(MDB));
      Checks->getParent()->setName("mapguard.loop.checks");
    }
    // Under stress, a chance to sleep at every write, as per-write windows
    // have.
    B.SetInsertPoint(Checks);
    Hooks.emitStressTick(Checks, B.CreateLoad(I1, StressedSlot),
                         CB.getDebugLoc());
    B.SetInsertPoint(Checks);
    Value *IsClosed =
        B.CreateICmpEQ(B.CreateLoad(I8, State), B.getInt8(Closed));
    // With several writes in the window, one that finds it open already
    // (Else) makes the window name it from now on.
    Instruction *Then = nullptr, *Else = nullptr;
    if (Writes.size() > 1)
      SplitBlockAndInsertIfThenElse(IsClosed, Checks, &Then, &Else,
                                    compat::unlikelyBranchWeights(MDB));
    else
      Then = SplitBlockAndInsertIfThen(IsClosed, Checks, false,
                                       compat::unlikelyBranchWeights(MDB));
    Then->getParent()->setName("mapguard.loop.begin");
    Constant *Desc = Descs.get(CB, Site->op(), Hooks.siteType());
    Value *Map = CB.getArgOperand(containerArgument(CB));
    OpenWrite Open = Hooks.emitBegin(Then, Map, Desc, CB.getDebugLoc());
    IRBuilder<> T(Then);
    T.CreateStore(Map, MapSlot);
    T.CreateStore(Open.Token, TokenSlot);
    if (Open.Key) {
      if (!KeySlot)
        KeySlot = EB.CreateAlloca(I64, nullptr, "mapguard.loop.key");
      T.CreateStore(Open.Key, KeySlot);
    }
    T.CreateStore(Desc, SiteSlot);
    T.CreateStore(T.CreateSelect(T.CreateLoad(I1, StressedSlot),
                                 T.getInt8(OpenStressed), T.getInt8(Quiet)),
                  State);
    if (Else) {
      // In the end hook's report, and (strict) in the slot that other
      // threads read; the begin above did both for the window's first write.
      Else->getParent()->setName("mapguard.loop.next");
      IRBuilder<> U(Else);
      U.CreateStore(Desc, SiteSlot);
      Hooks.emitSiteUpdate(Else, U.CreateLoad(IntPtrTy, TokenSlot), Desc);
    }
  }

  closeLoopWindow(W, {State, MapSlot, TokenSlot, SiteSlot, KeySlot}, DL,
                  Replaced);
}

/// Closes a loop window wherever the loop is left: at the top of each exit
/// block, landing pads included, and on a cleanup for the calls in the loop
/// that may throw out of the function (they become invokes of it).
void WindowGuards::closeLoopWindow(const LoopWindow &W, const LoopFrame &Frame,
                                   const DebugLoc &DL,
                                   DenseMap<CallBase *, CallBase *> &Replaced) {
  HookEmitter &Hooks = GetHooks();
  auto Close = [&](Instruction *Before) {
    Instruction *Then =
        ifFlagSet(Frame.State, Before, DL, "mapguard.loop.end"); // not Closed
    IRBuilder<> B(Then);
    OpenWrite Open = {
        B.CreateLoad(PtrTy, Frame.Map), B.CreateLoad(IntPtrTy, Frame.Token),
        Frame.Key ? B.CreateLoad(B.getInt64Ty(), Frame.Key) : nullptr};
    Value *Site = B.CreateLoad(PtrTy, Frame.Site);
    Hooks.emitEnd(Then->getIterator(), Open, Site, DL);
    B.SetInsertPoint(Then);
    B.CreateStore(B.getInt8(Closed), Frame.State);
  };
  for (BasicBlock *Exit : W.Exits)
    Close(&*Exit->getFirstInsertionPt());

  if (W.MayThrow.empty())
    return;
  Function &F = *W.Writes.front()->getFunction();
  ResumeInst *Resume = createCleanup(F, DL, "mapguard.loop.cleanup");
  BasicBlock *Cleanup = Resume->getParent();
  Close(Resume);
  for (CallBase *CB : W.MayThrow)
    Replaced[CB] = makeInvoke(cast<CallInst>(CB), Cleanup);
}

/// Finds the loops that only read one map (LoopWindows.h, planReadWindows)
/// and gives each a read window; their lookups are marked InReadWindow.
/// Runs after the write windows, on loops without guarded writes.
void WindowGuards::guardReadWindows(ArrayRef<WriteSite> Sites,
                                    MutableArrayRef<ReadSite> Reads) {
  // Writes still to be guarded one by one. (A write window's writes may
  // have been replaced by invokes; their loops hold hook calls, which no
  // read window takes.)
  SmallPtrSet<const CallBase *, 16> Guarded;
  for (const WriteSite &Site : Sites)
    if (Site.toBeGuarded() && !Site.InLoopWindow)
      Guarded.insert(Site.Call);
  DenseMap<const CallBase *, size_t> ReadIndex;
  // Per function (reads are collected function by function), its begin()s.
  SmallVector<std::pair<Function *, SmallVector<CallBase *, 2>>, 8> Functions;
  for (size_t I = 0; I != Reads.size(); ++I) {
    if (!readMap(*Reads[I].Call))
      continue;
    ReadIndex[Reads[I].Call] = I;
    Function *F = Reads[I].Call->getFunction();
    if (Functions.empty() || Functions.back().first != F)
      Functions.push_back({F, {}});
    if (Reads[I].Op->Kind == AccessKind::Iteration)
      Functions.back().second.push_back(Reads[I].Call);
  }
  if (Functions.empty())
    return;
  if (!GetHooks().hasInlineChecks())
    return; // -mapguard-inline=0: the runtime sees every lookup
  auto ReadAt = [&](const CallBase *CB) -> ReadSite & {
    return Reads[ReadIndex.lookup(CB)];
  };
  auto Classify = [&](const CallBase &CB) {
    if (ReadIndex.count(&CB) && ReadAt(&CB).Op->Kind == AccessKind::Lookup)
      return LoopCall::CheckedRead;
    if (Guarded.count(&CB))
      return LoopCall::GuardedWrite;
    return classifyOtherLoopCall(CB);
  };
  auto ReadMap = [this](const CallBase &CB) { return readMap(CB); };
  for (auto &[F, Begins] : Functions) {
    // Iterations first: their windows add nothing inside their loops, so
    // that a loop of lookups inside one can still be a read window.
    for (const LoopWindow &W :
         planIterationWindows(*F, Loops(*F), Sync, Classify, ReadMap, Begins)) {
      emitReadWindow(W, ReadAt(W.Begin));
      ++NumIterationWindows;
      Changed(*F);
    }
    for (const LoopWindow &W :
         planReadWindows(*F, Loops(*F), Sync, Classify, ReadMap)) {
      for (CallBase *CB : W.Reads)
        ReadAt(CB).InReadWindow = true;
      emitReadWindow(W, ReadAt(W.Reads.front()));
      ++NumReadWindows;
      Changed(*F);
    }
  }
}

/// One check for a loop's lookups of one map: a flag in the function's frame
/// says whether the loop has looked the map up yet. The key in the map's
/// slot is loaded where the loop is entered (at the end of its preheader;
/// without one, at the first lookup of each run), with no call in the loop,
/// so that the loop's own loads stay free to be hoisted. Every block the
/// loop exits to checks, if the flag is set, for a write by another thread
/// in progress or begun since. An iteration window (W.Begin; First is its
/// begin()) is the same, opened just before begin() in the preheader.
void WindowGuards::emitReadWindow(const LoopWindow &W, const ReadSite &First) {
  HookEmitter &Hooks = GetHooks();
  remarkReadWindow(*First.Call, *First.Op, W.Line,
                   /*Iteration=*/W.Kind == LoopWindow::Iteration);
  Function &F = *First.Call->getFunction();
  const DebugLoc &DL = First.Call->getDebugLoc();
  Type *I1 = Type::getInt1Ty(Ctx), *I64 = Type::getInt64Ty(Ctx);
  BasicBlock &Entry = F.getEntryBlock();
  IRBuilder<> EB(&Entry, Entry.getFirstInsertionPt());
  AllocaInst *HasRead = EB.CreateAlloca(I1, nullptr, "mapguard.reads.open");
  AllocaInst *Snapshot =
      EB.CreateAlloca(I64, nullptr, "mapguard.reads.snapshot");
  // The map's pointer as the snapshot saw it: the loop's own may be loaded
  // inside the loop, where it does not reach every exit.
  AllocaInst *MapSlot = EB.CreateAlloca(PtrTy, nullptr, "mapguard.reads.map");
  EB.CreateStore(EB.getFalse(), HasRead);
  EB.CreateStore(EB.getInt64(0), Snapshot);
  if (W.Preheader) {
    // An iteration window opens just before its begin(), which reads the
    // map; a read window is open once the loop has looked it up.
    IRBuilder<> B(W.Begin ? W.Begin : W.Preheader->getTerminator());
    B.SetCurrentDebugLocation(DL);
    B.CreateStore(W.PreheaderMap, MapSlot);
    B.CreateStore(Hooks.emitReadSnapshot(B, W.PreheaderMap), Snapshot);
    B.CreateStore(B.getInt1(W.Kind == LoopWindow::Iteration), HasRead);
  }
  MDBuilder MDB(Ctx);
  for (CallBase *CB : W.Reads) {
    IRBuilder<> B(CB);
    B.SetCurrentDebugLocation(CB->getDebugLoc());
    if (W.Preheader) {
      B.CreateStore(B.getTrue(), HasRead);
      continue;
    }
    Instruction *Then =
        SplitBlockAndInsertIfThen(B.CreateNot(B.CreateLoad(I1, HasRead)), CB,
                                  false, compat::unlikelyBranchWeights(MDB));
    Then->getParent()->setName("mapguard.reads.first");
    IRBuilder<> T(Then);
    T.CreateStore(readMap(*CB), MapSlot);
    T.CreateStore(Hooks.emitReadSnapshot(T, readMap(*CB)), Snapshot);
    T.CreateStore(T.getTrue(), HasRead);
  }
  Constant *Site = Descs.get(*First.Call, *First.Op, Hooks.siteType());
  for (BasicBlock *Exit : W.Exits) {
    Instruction *Then = ifFlagSet(HasRead, &*Exit->getFirstInsertionPt(), DL,
                                  "mapguard.reads.end");
    IRBuilder<> B(Then);
    B.CreateStore(B.getFalse(), HasRead);
    Hooks.emitReadCheck(Then, B.CreateLoad(PtrTy, MapSlot), Site,
                        /*Iteration=*/W.Kind == LoopWindow::Iteration, DL,
                        B.CreateLoad(I64, Snapshot));
  }
}

} // namespace mapguard
