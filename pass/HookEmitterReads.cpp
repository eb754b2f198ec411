//===- HookEmitterReads.cpp - The check of a read, and stress -------------===//
//
// The read side of HookEmitter (HookEmitter.cpp has the writes' inline
// claim and release, and the pseudo-code of the runtime's tables): a
// lookup's or an iteration's check, a loop read window's snapshot, and the
// loads of __mapguard_fast_inline that reads, writes and loop windows use to
// ask whether the runtime is under stress=1.
//
//===----------------------------------------------------------------------===//
#include "HookEmitter.h"
#include "LLVMCompat.h"
// The contract with the runtime. (Relative: the plugin's include path does
// not name runtime/.)
#include "../runtime/mapguard_abi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace mapguard {

namespace abi = __mapguard;

Value *HookEmitter::emitNotStressed(IRBuilder<> &B) {
  LoadInst *Allowed = B.CreateLoad(B.getInt8Ty(), InlineAllowed);
  Allowed->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  return B.CreateICmpNE(Allowed, B.getInt8(0));
}

Value *HookEmitter::emitStressed(IRBuilder<> &B) {
  if (!InlineAllowed) // not a 64-bit target: no inline paths, ask every time
    return B.getTrue();
  return B.CreateNot(emitNotStressed(B), "mapguard.stressed");
}

void HookEmitter::emitStressTick(Instruction *Before, Value *Stressed,
                                 const DebugLoc &DL) {
  MDBuilder MDB(Ctx);
  MDNode *Unlikely = compat::unlikelyBranchWeights(MDB);
  Instruction *Then =
      SplitBlockAndInsertIfThen(Stressed, Before, false, Unlikely);
  Then->getParent()->setName("mapguard.stress");
  IRBuilder<> B(Then);
  B.SetCurrentDebugLocation(DL);
  B.CreateCall(hook(StressTick));
}

std::pair<Value *, Value *> HookEmitter::slotOf(IRBuilder<> &B, Value *Map,
                                                Value **Wanted) {
  Value *Addr = B.CreatePtrToInt(Map, B.getInt64Ty(), "mapguard.addr");
  if (Wanted)
    *Wanted = B.CreateShl(Addr, abi::kThreadIndexBits);
  return mapSlot(B, hashProduct(B, Addr));
}

Value *HookEmitter::emitReadSnapshot(IRBuilder<> &B, Value *Map) {
  assert(hasInlineChecks() && "a read window needs the inline paths");
  return loadSlotWord(B, slotOf(B, Map, nullptr).first,
                      AtomicOrdering::Monotonic, "mapguard.snapshot");
}

void HookEmitter::emitReadCheck(Instruction *Before, Value *Map, Constant *Site,
                                bool Iteration, const DebugLoc &DL,
                                Value *Snapshot) {
  FunctionCallee Hook = hook(Snapshot ? (Iteration ? IterateWindow : ReadWindow)
                             : Iteration ? Iterate
                                         : Read);
  IRBuilder<> B(Before);
  B.SetCurrentDebugLocation(DL);
  if (!hasInlineChecks()) {
    assert(!Snapshot && "a read window needs the inline paths");
    B.CreateCall(Hook, {Map, Site});
    return;
  }
  // A slot holds a write in progress to this map, by any thread, when
  // (key & ~0xffff) == map << 16 (a tombstone has bit 63 set, an empty slot
  // is 0, and map << 16 is neither). Whose write it is, the runtime decides.
  // Fast mode: the map's slot. Strict mode: the map's home slot, and the
  // bucket's count of writes away from home (a write of this map elsewhere
  // in the bucket is one of them; the runtime scans the bucket for it).
  Value *Wanted = nullptr;
  auto [Slot, Bucket] = slotOf(B, Map, &Wanted);
  Value *Away = nullptr;
  if (Bucket) {
    Away =
        B.CreateICmpNE(loadSlotWord(B, bucketWord(B, Bucket, BucketAwayField),
                                    AtomicOrdering::Monotonic, "mapguard.away"),
                       B.getInt64(0));
  }
  Value *Key = loadSlotWord(B, Slot, AtomicOrdering::Monotonic);
  Value *Busy = B.CreateICmpEQ(
      B.CreateAnd(Key, B.getInt64(~abi::kThreadIndexMask)), Wanted);
  if (Away)
    Busy = B.CreateOr(Busy, Away);
  // A read window's end: any change to the slot since the loop's first read
  // may be a write that began and ended in between.
  if (Snapshot)
    Busy = B.CreateOr(Busy, B.CreateICmpNE(Key, Snapshot));
  // Under stress the runtime sees every read (it may make the reader wait),
  // and so does a thread's first read (before it has a thread index).
  Busy = B.CreateOr(Busy, B.CreateNot(emitNotStressed(B)));
  LoadInst *Index =
      B.CreateLoad(B.getInt16Ty(), B.CreateThreadLocalAddress(ThreadIndex),
                   "mapguard.thread");
  Index->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  Busy = B.CreateOr(Busy, B.CreateICmpEQ(Index, B.getInt16(0)));
  MDBuilder MDB(Ctx);
  MDNode *Unlikely = compat::unlikelyBranchWeights(MDB);
  Instruction *Then = SplitBlockAndInsertIfThen(Busy, Before, false, Unlikely);
  Then->getParent()->setName("mapguard.read.busy");
  B.SetInsertPoint(Then);
  if (Snapshot)
    B.CreateCall(Hook, {Map, Site, Snapshot});
  else
    B.CreateCall(Hook, {Map, Site});
}

} // namespace mapguard
