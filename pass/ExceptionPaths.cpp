//===- ExceptionPaths.cpp - End hooks on every way out of a call ---------===//
//
// See ExceptionPaths.h.
//
//===----------------------------------------------------------------------===//
#include "ExceptionPaths.h"

#include "HookEmitter.h"
#include "LLVMCompat.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Local.h"

using namespace llvm;

#define DEBUG_TYPE "mapguard"

STATISTIC(NumCallsMadeInvokes,
          "Map write calls turned into invokes to guard their unwind path");

namespace mapguard {

bool canGuardUnwinding(CallBase &CB) {
  if (auto *II = dyn_cast<InvokeInst>(&CB))
    return II->getUnwindDest()->isLandingPad();
  auto *CI = cast<CallInst>(&CB);
  if (CI->isMustTailCall())
    return false;
  if (CI->doesNotThrow() || CB.getFunction()->doesNotThrow())
    return true; // No unwind path leaves through this call.
  // Turning the call into an invoke needs Itanium-style landing pads.
  if (CI->getOperandBundle(LLVMContext::OB_funclet))
    return false;
  const Function &F = *CB.getFunction();
  return !F.hasPersonalityFn() ||
         !isFuncletEHPersonality(classifyEHPersonality(F.getPersonalityFn()));
}

/// The end hooks of Writes, right before Where; Unwinding: in a landing
/// pad (a cold path: the runtime's end hook, no inline release).
static void insertEndHooks(HookEmitter &Hooks, BasicBlock::iterator Where,
                           ArrayRef<OpenWrite> Writes, Value *Site,
                           const DebugLoc &DL, bool Unwinding = false) {
  // Undo in reverse order of the begins. Each end goes right before the same
  // instruction, so after the ends emitted before it.
  Instruction *Before = &*Where;
  for (const OpenWrite &W : llvm::reverse(Writes))
    Hooks.emitEnd(Before->getIterator(), W, Site, DL, Unwinding);
}

ResumeInst *createCleanup(Function &F, const DebugLoc &DL, StringRef Name) {
  Module &M = *F.getParent();
  LLVMContext &Ctx = F.getContext();
  if (!F.hasPersonalityFn()) {
    FunctionCallee Personality = M.getOrInsertFunction(
        "__gxx_personality_v0",
        FunctionType::get(Type::getInt32Ty(Ctx), /*isVarArg=*/true));
    F.setPersonalityFn(cast<Constant>(Personality.getCallee()));
  }
  IRBuilder<> B(BasicBlock::Create(Ctx, Name, &F));
  B.SetCurrentDebugLocation(DL);
  LandingPadInst *LP = B.CreateLandingPad(
      StructType::get(PointerType::getUnqual(Ctx), Type::getInt32Ty(Ctx)), 0,
      "mapguard.lpad");
  LP->setCleanup(true);
  return B.CreateResume(LP);
}

InvokeInst *makeInvoke(CallInst *CI, BasicBlock *Cleanup) {
  std::string Name = CI->getName().str();
  CI->setName("");
  BasicBlock *Cont = changeToInvokeAndSplitBasicBlock(CI, Cleanup);
  auto *II = cast<InvokeInst>(Cont->getSinglePredecessor()->getTerminator());
  II->setName(Name);
  ++NumCallsMadeInvokes;
  return II;
}

void wrapCall(HookEmitter &Hooks, CallBase &CB, ArrayRef<Value *> Maps,
              Value *Desc) {
  const DebugLoc &DL = CB.getDebugLoc();
  SmallVector<OpenWrite, 2> Writes;
  for (Value *Map : Maps)
    Writes.push_back(Hooks.emitBegin(&CB, Map, Desc, DL));

  if (auto *CI = dyn_cast<CallInst>(&CB)) {
    if (CI->doesNotThrow() || CB.getFunction()->doesNotThrow()) {
      insertEndHooks(Hooks, std::next(CI->getIterator()), Writes, Desc, DL);
      return;
    }
    // The call may throw out of this function: give it a cleanup landing
    // pad that ends the write and resumes unwinding.
    ResumeInst *Resume =
        createCleanup(*CI->getFunction(), DL, "mapguard.cleanup");
    // The landing pad's block: the end hooks may split it.
    BasicBlock *Cleanup = Resume->getParent();
    insertEndHooks(Hooks, Resume->getIterator(), Writes, Desc, DL,
                   /*Unwinding=*/true);
    InvokeInst *II = makeInvoke(CI, Cleanup);
    insertEndHooks(Hooks, II->getNormalDest()->getFirstInsertionPt(), Writes,
                   Desc, DL);
    return;
  }

  auto *II = cast<InvokeInst>(&CB);
  BasicBlock *From = II->getParent();
  // Normal destination: the end hook goes at its top when this invoke is its
  // only predecessor, else on a new block on the edge.
  BasicBlock *Normal = II->getNormalDest();
  if (!Normal->getSinglePredecessor())
    Normal = SplitEdge(From, Normal);
  insertEndHooks(Hooks, Normal->getFirstInsertionPt(), Writes, Desc, DL);
  // Unwind destination: a landing pad shared with other invokes is split so
  // that this invoke gets one of its own.
  BasicBlock *Unwind = II->getUnwindDest();
  if (!Unwind->getSinglePredecessor()) {
    SmallVector<BasicBlock *, 2> NewBBs;
    SplitLandingPadPredecessors(Unwind, {From}, ".mapguard", ".mapguard.rest",
                                NewBBs);
    Unwind = NewBBs[0];
  }
  insertEndHooks(Hooks, Unwind->getFirstInsertionPt(), Writes, Desc, DL,
                 /*Unwinding=*/true);
}

} // namespace mapguard
