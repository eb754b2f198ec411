//===- StaticRaceCheck.cpp - Build-time warning: unsynchronised map writes ===//
//
// See StaticRaceCheck.h. The spawn sites come from StaticRaceCheckSpawns.cpp;
// here: which map a thread body writes, whether its threads can write it at
// once, and the warning.
//
//===----------------------------------------------------------------------===//
#include "StaticRaceCheck.h"
#include "MapOperationCatalog.h"
#include "ScopeLists.h"
#include "StaticRaceCheckMaps.h"
#include "SyncAnalysis.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"

#include <optional>

using namespace llvm;

namespace mapguard {
namespace {

/// Bound on the straight path walked from a spawn.
constexpr unsigned MaxPathSteps = 20000;

/// Where a write in a thread body finds its map.
struct BodyWrite {
  CallBase *Write;
  const MapOperation *Op;
  enum { InGlobal, Capture, StartArgument } Kind;
  const Value *Global = nullptr; ///< Kind == InGlobal
  StructType *Closure = nullptr; ///< Kind == Capture: the lambda's type
  unsigned Field = 0;            ///< Kind == Capture: the captured field
  Path Steps;                    ///< from the captured object to the map
};

class Checker {
public:
  Checker(Module &M, MapOperationCache &Ops, const ScopeLists &Scope,
          const OptOuts &OptedOut, function_ref<LoopInfo &(Function &)> Loops,
          function_ref<DominatorTree &(Function &)> DomTree)
      : M(M), Ops(Ops), Scope(Scope), OptedOut(OptedOut), Loops(Loops),
        DomTree(DomTree), Sync(M) {}
  void run();

private:
  bool optedOut(const Function &F) const {
    return OptedOut.why(F) || NoStatic.contains(&F);
  }
  SmallVector<BodyWrite, 4> &bodyWrites(Function &Body);
  std::optional<BodyWrite> analyseWrite(Function &Body, CallBase &W);
  bool syncFreeBefore(const Instruction &W);
  bool isInvariant(const Value *V, SmallPtrSetImpl<const Value *> &Seen);
  std::optional<MapId> resolve(const SpawnSite &S, const BodyWrite &BW);
  std::optional<MapId> spawnerMap(CallBase &W, const MapOperation &Op);
  bool repeatsUnsynchronized(const SpawnSite &S, const MapId &Id);
  bool straightPathSyncFree(const Instruction &From, const Instruction &To);
  void warn(const BodyWrite &BW, const MapId &Id, const Twine &How);

  Module &M;
  MapOperationCache &Ops;
  const ScopeLists &Scope;
  const OptOuts &OptedOut;
  function_ref<LoopInfo &(Function &)> Loops;
  function_ref<DominatorTree &(Function &)> DomTree;
  SyncAnalysis Sync;
  SmallPtrSet<const Function *, 4> NoStatic;
  SmallPtrSet<const CallBase *, 8> SpawnCalls;
  /// Per body; a std::map, as references to its entries are kept.
  std::map<Function *, SmallVector<BodyWrite, 4>> Writes;
  DenseSet<const CallBase *> Warned;
  SourceLines Sources;
};

/// The writes of \p Body that every thread running it makes with nothing
/// before them that could synchronise, and where each finds its map.
SmallVector<BodyWrite, 4> &Checker::bodyWrites(Function &Body) {
  auto [It, New] = Writes.try_emplace(&Body);
  if (!New || optedOut(Body))
    return It->second;
  SmallVector<BodyWrite, 4> Found;
  for (Instruction &I : instructions(Body))
    if (auto *CB = dyn_cast<CallBase>(&I))
      if (std::optional<BodyWrite> BW = analyseWrite(Body, *CB))
        Found.push_back(std::move(*BW));
  return It->second = std::move(Found);
}

std::optional<BodyWrite> Checker::analyseWrite(Function &Body, CallBase &W) {
  const MapOperation *Op = Ops.classify(W);
  if (!Op || !Op->isWrite() || Scope.whyExcluded(W))
    return std::nullopt;
  SmallVector<Value *, 2> Maps = mapOperands(W, *Op);
  if (Maps.empty())
    return std::nullopt;
  BodyWrite BW{&W, Op, BodyWrite::InGlobal, nullptr, nullptr, 0, {}};
  const Value *Base = stripPath(Maps.front(), BW.Steps);
  if (!Base)
    return std::nullopt;
  Base = stripSpill(Base);
  if (const auto *GV = dyn_cast<GlobalVariable>(Base)) {
    if (GV->isThreadLocal())
      return std::nullopt;
    BW.Global = GV;
  } else if (const auto *A = dyn_cast<Argument>(Base)) {
    if (A->getArgNo() != 0)
      return std::nullopt;
    BW.Kind = BodyWrite::StartArgument;
  } else if (const auto *L = dyn_cast<LoadInst>(Base)) {
    // A capture by reference: the closure's field holds the map's address.
    const auto *Field = dyn_cast<GEPOperator>(L->getPointerOperand());
    auto *Closure =
        Field ? dyn_cast<StructType>(Field->getSourceElementType()) : nullptr;
    if (!L->isSimple() || !Closure || Field->getNumIndices() != 2 ||
        stripSpill(Field->getPointerOperand()) != Body.getArg(0))
      return std::nullopt;
    const auto *Zero = dyn_cast<ConstantInt>(Field->getOperand(1));
    const auto *Index = dyn_cast<ConstantInt>(Field->getOperand(2));
    if (!Zero || !Zero->isZero() || !Index)
      return std::nullopt;
    BW.Kind = BodyWrite::Capture;
    BW.Closure = Closure;
    BW.Field = Index->getZExtValue();
  } else {
    return std::nullopt;
  }
  if (Sync.maySynchronize(W) || !syncFreeBefore(W))
    return std::nullopt;
  return BW;
}

/// Whether, on every path from the function's entry to \p W, nothing could
/// synchronise and every branch depends only on constants and locals (a
/// thread that might not reach the write is no certain writer).
bool Checker::syncFreeBefore(const Instruction &W) {
  const BasicBlock *WB = W.getParent();
  SmallPtrSet<const BasicBlock *, 16> Before;
  SmallVector<const BasicBlock *, 16> Work(predecessors(WB));
  while (!Work.empty()) {
    const BasicBlock *B = Work.pop_back_val();
    if (Before.insert(B).second)
      Work.append(pred_begin(B), pred_end(B));
  }
  if (!Before.contains(&WB->getParent()->getEntryBlock()) &&
      WB != &WB->getParent()->getEntryBlock())
    return false; // unreachable
  auto Clean = [&](const Instruction &I) {
    if (I.isTerminator()) {
      const Value *Cond = nullptr;
      if (const auto *Br = dyn_cast<BranchInst>(&I))
        Cond = Br->isConditional() ? Br->getCondition() : nullptr;
      else if (const auto *Sw = dyn_cast<SwitchInst>(&I))
        Cond = Sw->getCondition();
      else if (!isa<InvokeInst>(I))
        return false;
      SmallPtrSet<const Value *, 16> Seen;
      if (Cond && !isInvariant(Cond, Seen))
        return false;
    }
    return !Sync.maySynchronize(I);
  };
  for (const BasicBlock *B : Before)
    for (const Instruction &I : *B)
      if (!Clean(I))
        return false;
  if (!Before.contains(WB))
    for (const Instruction &I : *WB) {
      if (&I == &W)
        break;
      if (!Clean(I))
        return false;
    }
  return true;
}

/// Whether \p V is the same in every thread: built from constants and the
/// function's own locals only (no parameter, global, call or atomic).
bool Checker::isInvariant(const Value *V,
                          SmallPtrSetImpl<const Value *> &Seen) {
  if (isa<Constant>(V) && !isa<GlobalValue>(V))
    return true;
  if (!Seen.insert(V).second)
    return true; // in a cycle: the other values decide
  if (Seen.size() > 64)
    return false;
  if (const auto *L = dyn_cast<LoadInst>(V)) {
    const auto *A = dyn_cast<AllocaInst>(L->getPointerOperand());
    if (!A || !L->isSimple() || !isPlainSlot(*A))
      return false;
    for (const User *U : A->users())
      if (const auto *S = dyn_cast<StoreInst>(U))
        if (!isInvariant(S->getValueOperand(), Seen))
          return false;
    return true;
  }
  if (isa<CmpInst>(V) || isa<BinaryOperator>(V) || isa<CastInst>(V) ||
      isa<SelectInst>(V) || isa<PHINode>(V) || isa<FreezeInst>(V))
    return all_of(cast<User>(V)->operands(),
                  [&](const Value *Op) { return isInvariant(Op, Seen); });
  return false;
}

/// The map \p BW writes, as the spawner of \p S sees it; std::nullopt when
/// it is not one object shared by every thread of the spawn.
std::optional<MapId> Checker::resolve(const SpawnSite &S, const BodyWrite &BW) {
  if (BW.Kind == BodyWrite::InGlobal)
    return MapId{BW.Global, BW.Steps};
  const Value *Stored = nullptr;
  if (BW.Kind == BodyWrite::StartArgument) {
    Stored = S.StartArgument;
  } else {
    // The closure: the one argument of the spawn of the lambda's type,
    // filled by stores to its fields and passed to nothing else.
    const AllocaInst *Closure = nullptr;
    for (const Value *Arg : S.Call->args())
      if (const auto *A = dyn_cast<AllocaInst>(Arg))
        if (A->getAllocatedType() == BW.Closure) {
          if (Closure && Closure != A)
            return std::nullopt;
          Closure = A;
        }
    if (!Closure)
      return std::nullopt;
    for (const User *U : Closure->users()) {
      if (U == S.Call || isa<DbgInfoIntrinsic>(U) ||
          (isa<IntrinsicInst>(U) &&
           cast<IntrinsicInst>(U)->isLifetimeStartOrEnd()))
        continue;
      const auto *GEP = dyn_cast<GetElementPtrInst>(U);
      if (!GEP || GEP->getSourceElementType() != BW.Closure)
        return std::nullopt;
      const auto *Index = GEP->getNumIndices() == 2
                              ? dyn_cast<ConstantInt>(GEP->getOperand(2))
                              : nullptr;
      if (!Index || Index->getZExtValue() != BW.Field)
        continue;
      for (const User *FU : GEP->users())
        if (const auto *St = dyn_cast<StoreInst>(FU)) {
          if (Stored || St->getPointerOperand() != GEP)
            return std::nullopt;
          Stored = St->getValueOperand();
        } else if (!isa<LoadInst>(FU)) {
          return std::nullopt;
        }
    }
  }
  if (!Stored)
    return std::nullopt;
  MapId Id;
  const Value *Base = stripPath(Stored, Id.Steps);
  if (!Base)
    return std::nullopt;
  Id.Base = stripSpill(Base);
  if (!isSharedBase(Id.Base))
    return std::nullopt;
  Id.Steps.append(BW.Steps.begin(), BW.Steps.end());
  return Id;
}

/// The map a write in the spawner itself writes, as a MapId.
std::optional<MapId> Checker::spawnerMap(CallBase &W, const MapOperation &Op) {
  SmallVector<Value *, 2> Maps = mapOperands(W, Op);
  if (Maps.empty())
    return std::nullopt;
  MapId Id;
  const Value *Base = stripPath(Maps.front(), Id.Steps);
  if (!Base)
    return std::nullopt;
  Id.Base = stripSpill(Base);
  if (!isSharedBase(Id.Base))
    return std::nullopt;
  return Id;
}

bool isCtorOrDtor(const Function &F) {
  ItaniumPartialDemangler D;
  return !D.partialDemangle(F.getName().data()) && D.isCtorOrDtor();
}

/// Whether the spawn \p S runs again and again, each time starting a thread
/// that writes \p Id with nothing in between that could synchronise: it is
/// in a loop whose back edge can be taken (not `do { } while (0)`), on every
/// iteration, nothing else in the loop could synchronise, and a map of the
/// spawner's frame is not made anew in each iteration.
bool Checker::repeatsUnsynchronized(const SpawnSite &S, const MapId &Id) {
  Function &F = *S.Call->getFunction();
  const Loop *L = Loops(F).getLoopFor(S.Call->getParent());
  if (!L)
    return false;
  DominatorTree &DT = DomTree(F);
  SmallVector<BasicBlock *, 4> Latches;
  L->getLoopLatches(Latches);
  unsigned Live = 0;
  for (BasicBlock *Latch : Latches) {
    const auto *Br = dyn_cast<BranchInst>(Latch->getTerminator());
    if (!Br)
      return false;
    if (Br->isConditional())
      if (const auto *K = dyn_cast<ConstantInt>(Br->getCondition()))
        if (Br->getSuccessor(K->isZero() ? 1 : 0) != L->getHeader())
          continue; // never taken
    if (!DT.dominates(S.Call->getParent(), Latch))
      return false; // a spawn on some iterations only
    ++Live;
  }
  if (!Live)
    return false;
  const auto *Local = dyn_cast<AllocaInst>(Id.Base);
  for (const BasicBlock *B : L->blocks())
    for (const Instruction &I : *B) {
      if (const auto *CB = dyn_cast<CallBase>(&I)) {
        if (SpawnCalls.contains(CB))
          continue;
        // An object made and destroyed in each iteration is a new one.
        const auto *II = dyn_cast<IntrinsicInst>(CB);
        const Function *Callee = CB->getCalledFunction();
        // ~thread of a thread not joined ends the program at once.
        if (Callee && (Callee->getName().contains("6threadD") ||
                       Callee->getName().contains("7jthreadD")))
          return false;
        if (II && II->isLifetimeStartOrEnd()) {
          if (Local && getUnderlyingObject(II->getArgOperand(1)) == Local)
            return false;
        } else if (Local && Callee && isCtorOrDtor(*Callee) && CB->arg_size() &&
                   getUnderlyingObject(CB->getArgOperand(0)) == Local) {
          return false;
        }
      }
      if (Sync.maySynchronize(I))
        return false;
    }
  return true;
}

/// Whether execution from \p From reaches \p To on one straight path (no
/// condition to decide) with nothing on it that could synchronise. Other
/// spawns on the way do not count: starting a thread waits for nothing.
bool Checker::straightPathSyncFree(const Instruction &From,
                                   const Instruction &To) {
  if (From.getFunction() != To.getFunction())
    return false;
  SmallPtrSet<const BasicBlock *, 16> Visited;
  const Instruction *I = &From;
  for (unsigned Steps = 0; Steps < MaxPathSteps; ++Steps) {
    if (const auto *Inv = dyn_cast<InvokeInst>(I)) {
      I = &Inv->getNormalDest()->front();
    } else if (const auto *Br = dyn_cast<BranchInst>(I)) {
      if (Br->isConditional())
        return false;
      I = &Br->getSuccessor(0)->front();
    } else if (I->isTerminator()) {
      return false;
    } else {
      I = I->getNextNode();
    }
    if (I == &I->getParent()->front() && !Visited.insert(I->getParent()).second)
      return false;
    if (I == &To)
      return true;
    const auto *CB = dyn_cast<CallBase>(I);
    if (CB && SpawnCalls.contains(CB))
      continue;
    if (Sync.maySynchronize(*I))
      return false;
  }
  return false;
}

void Checker::warn(const BodyWrite &BW, const MapId &Id, const Twine &How) {
  if (!Warned.insert(BW.Write).second ||
      Sources.optedOut(BW.Write->getDebugLoc()))
    return;
  std::string Name = mapName(Id);
  std::string Map = BW.Op->Container + (Name.empty() ? "" : " '" + Name + "'");
  M.getContext().diagnose(DiagnosticInfoUnsupported(
      *BW.Write->getFunction(),
      "unsynchronized map write: " + Map + " is written by " + How +
          " with no lock held (" + BW.Op->Operation + ")",
      BW.Write->getDebugLoc(), DS_Warning));
}

void Checker::run() {
  SmallVector<SpawnSite, 4> Spawns = SpawnFinder(M).find();
  if (Spawns.empty())
    return;
  forEachFunctionAnnotation(M, [&](const Function &F, StringRef Text) {
    if (Text == "mapguard_no_static")
      NoStatic.insert(&F);
  });
  for (const SpawnSite &S : Spawns)
    SpawnCalls.insert(S.Call);
  for (const SpawnSite &S : Spawns) {
    Function &Spawner = *S.Call->getFunction();
    if (optedOut(Spawner))
      continue;
    std::string At = describeLocation(S.Call->getDebugLoc());
    for (Function *Body : S.Bodies)
      for (const BodyWrite &BW : bodyWrites(*Body)) {
        std::optional<MapId> Id = resolve(S, BW);
        if (!Id)
          continue;
        if (repeatsUnsynchronized(S, *Id)) {
          warn(BW, *Id, "the threads started at " + At + " (in a loop)");
          continue;
        }
        // Another spawn on the straight path that writes the same map.
        for (const SpawnSite &T : Spawns) {
          if (&T == &S || T.Call->getFunction() != &Spawner ||
              (!straightPathSyncFree(*S.Call, *T.Call) &&
               !straightPathSyncFree(*T.Call, *S.Call)))
            continue;
          for (Function *Other : T.Bodies)
            for (const BodyWrite &OW : bodyWrites(*Other)) {
              std::optional<MapId> OtherId = resolve(T, OW);
              if (OtherId && *OtherId == *Id)
                warn(BW, *Id,
                     "the threads started at " + At + " and " +
                         describeLocation(T.Call->getDebugLoc()));
            }
        }
        // The spawner writing it after the spawn, before any join.
        for (Instruction &I : instructions(Spawner)) {
          auto *W = dyn_cast<CallBase>(&I);
          const MapOperation *Op = W ? Ops.classify(*W) : nullptr;
          if (!Op || !Op->isWrite() || Scope.whyExcluded(*W))
            continue;
          std::optional<MapId> SpawnerId = spawnerMap(*W, *Op);
          if (SpawnerId && *SpawnerId == *Id && !Sync.maySynchronize(*W) &&
              straightPathSyncFree(*S.Call, *W))
            warn(BW, *Id,
                 "the thread started at " + At +
                     " while its spawner writes it at " +
                     describeLocation(W->getDebugLoc()));
        }
      }
  }
}

} // namespace

void checkUnsynchronizedMapWrites(
    Module &M, MapOperationCache &Ops, const ScopeLists &Scope,
    const OptOuts &OptedOut, function_ref<LoopInfo &(Function &)> GetLoops,
    function_ref<DominatorTree &(Function &)> GetDomTree) {
  Checker(M, Ops, Scope, OptedOut, GetLoops, GetDomTree).run();
}

} // namespace mapguard
