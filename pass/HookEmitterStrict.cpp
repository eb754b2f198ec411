//===- HookEmitterStrict.cpp - Strict mode's inline claims and releases ---===//
//
// The compare-and-swap claim and, in a bucket biased to the writing thread,
// the claim with plain stores (runtime/bias.cpp has the protocol and why it
// misses no overlap; runtime/strict_table.cpp has the same paths in C++):
//
//   own tombstone:  w = bucket->bias;
//     if ((w & kBiasStateMask) == BiasHeldBy(index) && *marker == 0) {
//       marker[1] = site; marker[0] = key; (compiler barrier)
//       if ((bucket->bias & kBiasStateMask) == BiasHeldBy(index))  // acquire
//         { slot->site = site; slot->key = key; token = slot | biased; }
//       else token = __mapguard_write_begin(map, site);  // takes it back
//     } else if (w & kBiasNeverBit) <the compare-and-swap claim>
//     else token = __mapguard_write_begin(map, site);    // may grant, revoke
//   compare-and-swap claim:
//     if (CAS(slot->key, seen, key)) {                   // seq_cst
//       if (bucket->away == 0 && !taken(bucket->bias))   // both seq_cst
//         { slot->site = site; token = slot; }
//       else { CAS(slot->key, key, seen);                // give back
//              token = __mapguard_write_begin(map, site); }
//     } else token = __mapguard_write_begin(map, site);
//   biased end:
//     if (slot->key == key) {
//       slot->site = site | kEndedSiteBit; slot->key = tomb;
//       *marker = 0; (compiler barrier)
//       if ((bucket->bias & kBiasStateMask) != BiasHeldBy(index))
//         __mapguard_write_end(map, site, token);        // takes it back
//     } else __mapguard_write_end(map, site, token);
//
// taken(w): a thread holds the bucket or is taking it back (this thread
// too: a nested write, rare, is the runtime's). The give-back is a
// compare-and-swap: the bucket's owner may have stored its own key over the
// claim.
//
//===----------------------------------------------------------------------===//
#include "../runtime/mapguard_abi.h"
#include "HookEmitter.h"
#include "LLVMCompat.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace mapguard {

namespace abi = __mapguard;

static Value *biasState(IRBuilder<> &B, Value *W) {
  return B.CreateAnd(W, B.getInt64(abi::kBiasStateMask));
}

Value *HookEmitter::bucketField(IRBuilder<> &B, Value *Token, unsigned Field) {
  Value *Line = B.CreateIntToPtr(
      B.CreateAnd(Token,
                  ConstantInt::get(IntPtrTy, ~uint64_t(abi::kBucketBytes - 1))),
      PtrTy);
  Type *BucketTy = StrictTable->getValueType()->getArrayElementType();
  return B.CreateStructGEP(BucketTy, Line, Field);
}

BasicBlock *HookEmitter::emitStrictClaim(IRBuilder<> &B, Value *Slot,
                                         Value *Seen, Value *Key, Value *Site,
                                         Value *SiteField, Value *Bucket,
                                         BasicBlock *Begun, BasicBlock *Slow) {
  // claim -> checked -> claimed -> (begun)
  //     \-> slow            \-> give.back -> slow
  BasicBlock *Checked = blockBefore(Begun, "mapguard.checked");
  BasicBlock *Claimed = blockBefore(Begun, "mapguard.claimed");
  BasicBlock *GiveBack = blockBefore(Begun, "mapguard.give.back");
  // The runtime's seq_cst CAS.
  auto *CAS = B.CreateAtomicCmpXchg(Slot, Seen, Key, MaybeAlign(8),
                                    AtomicOrdering::SequentiallyConsistent,
                                    AtomicOrdering::SequentiallyConsistent);
  B.CreateCondBr(B.CreateExtractValue(CAS, 1, "mapguard.won"), Checked, Slow,
                 Likely);
  // The bucket's count of writes away from home and its bias: if a write is
  // away, or another thread holds the bucket, the claim is given back and
  // the runtime asked.
  B.SetInsertPoint(Checked);
  LoadInst *Away =
      loadSlotWord(B, bucketWord(B, Bucket, BucketAwayField),
                   AtomicOrdering::SequentiallyConsistent, "mapguard.away");
  LoadInst *Bias =
      loadSlotWord(B, bucketWord(B, Bucket, BucketBiasField),
                   AtomicOrdering::SequentiallyConsistent, "mapguard.bias");
  // (A bucket held by this thread too: a nested write, or a map sharing
  // the home slot of one the thread writes; rare, and the runtime's.)
  Value *Taken =
      B.CreateAnd(Bias, B.getInt64(abi::kBiasHeldBit | abi::kBiasRevokingBit));
  MDBuilder MDB(Ctx);
  B.CreateCondBr(B.CreateICmpNE(B.CreateOr(Away, Taken), B.getInt64(0)),
                 GiveBack, Claimed, compat::unlikelyBranchWeights(MDB));
  B.SetInsertPoint(Claimed);
  storeSlotWord(B, Site, SiteField, AtomicOrdering::Release);
  B.CreateBr(Begun);
  // A compare-and-swap: the bucket's owner may have stored its own key over
  // the claim, and a revoker may have found that key already published.
  B.SetInsertPoint(GiveBack);
  B.CreateAtomicCmpXchg(Slot, Key, Seen, MaybeAlign(8),
                        AtomicOrdering::SequentiallyConsistent,
                        AtomicOrdering::SequentiallyConsistent);
  B.CreateBr(Slow);
  return Claimed;
}

BasicBlock *HookEmitter::emitBiasedClaim(IRBuilder<> &B, Value *Slot,
                                         Value *Key, Value *Site,
                                         Value *SiteField, Value *Bucket,
                                         Value *MyHeld, BasicBlock *Claim,
                                         BasicBlock *Slow, BasicBlock *Begun) {
  // own -> announce -> biased -> (begun)
  //   \-> unbiased -> claim | slow;  announce -> slow
  BasicBlock *Unbiased = blockBefore(Begun, "mapguard.unbiased");
  BasicBlock *Announce = blockBefore(Begun, "mapguard.announce");
  BasicBlock *Biased = blockBefore(Begun, "mapguard.biased");
  Value *BiasPtr = bucketWord(B, Bucket, BucketBiasField);
  LoadInst *Bias = loadSlotWord(B, BiasPtr, AtomicOrdering::Monotonic);
  // The thread's bucket, unless its marker holds an outer write.
  LoadInst *MarkerPtr = B.CreateLoad(PtrTy, B.CreateThreadLocalAddress(Marker),
                                     "mapguard.marker");
  MarkerPtr->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  LoadInst *Outer = loadSlotWord(B, MarkerPtr, AtomicOrdering::Monotonic);
  B.CreateCondBr(B.CreateAnd(B.CreateICmpEQ(biasState(B, Bias), MyHeld),
                             B.CreateICmpEQ(Outer, B.getInt64(0)),
                             "mapguard.mine"),
                 Announce, Unbiased, Likely);
  // Not (now) the thread's: a bucket that is never biased again claims with
  // the CAS; the runtime grants, revokes, waits or nests otherwise.
  B.SetInsertPoint(Unbiased);
  B.CreateCondBr(
      B.CreateICmpNE(B.CreateAnd(Bias, B.getInt64(abi::kBiasNeverBit)),
                     B.getInt64(0)),
      Claim, Slow, Likely);
  // Announce the write in the marker, then look at the bias again.
  B.SetInsertPoint(Announce);
  storeSlotWord(B, Site, B.CreateConstGEP1_64(B.getInt8Ty(), MarkerPtr, 8),
                AtomicOrdering::Monotonic);
  storeSlotWord(B, Key, MarkerPtr, AtomicOrdering::Release);
  B.CreateFence(AtomicOrdering::SequentiallyConsistent,
                SyncScope::SingleThread);
  LoadInst *Again = loadSlotWord(B, BiasPtr, AtomicOrdering::Acquire);
  B.CreateCondBr(B.CreateICmpEQ(biasState(B, Again), MyHeld), Biased, Slow,
                 Likely);
  // The site before the key, as every claim stores them.
  B.SetInsertPoint(Biased);
  storeSlotWord(B, Site, SiteField, AtomicOrdering::Monotonic);
  storeSlotWord(B, Key, Slot, AtomicOrdering::Release);
  B.CreateBr(Begun);
  return Biased;
}

void HookEmitter::emitStrictRelease(IRBuilder<> &B, Value *Slot, Value *Key,
                                    Value *Site) {
  // The site first, tagged as ended (its low bit), so that a reader that
  // sees the next writer's key does not take it for that writer's
  // (ReadOwnerSite waits for an untagged site), while a lookup loop that
  // finds this write's tombstone can still name it.
  storeSlotWord(
      B, B.CreateGEP(B.getInt8Ty(), Site, B.getInt64(abi::kEndedSiteBit)),
      B.CreateStructGEP(SlotTy, Slot, SlotSiteField),
      AtomicOrdering::Monotonic);
  storeSlotWord(B, B.CreateOr(Key, B.getInt64(abi::kTombBit)), Slot,
                AtomicOrdering::Release);
}

void HookEmitter::emitBiasedEnd(IRBuilder<> &B, const OpenWrite &W,
                                BasicBlock *Slow) {
  // After the release: if the claim was biased, the marker cleared, then the
  // bias looked at again; if it was taken back meanwhile, the runtime takes
  // back what the revoker may have published.
  Instruction *Here = &*B.GetInsertPoint();
  Value *IsBiased = B.CreateICmpNE(
      B.CreateAnd(W.Token, ConstantInt::get(IntPtrTy, abi::kBiasedTokenBit)),
      ConstantInt::get(IntPtrTy, 0), "mapguard.biased");
  Instruction *Then = SplitBlockAndInsertIfThen(IsBiased, Here, false);
  Then->getParent()->setName("mapguard.biased.release");
  B.SetInsertPoint(Then);
  LoadInst *MarkerPtr = B.CreateLoad(PtrTy, B.CreateThreadLocalAddress(Marker),
                                     "mapguard.marker");
  MarkerPtr->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  storeSlotWord(B, B.getInt64(0), MarkerPtr, AtomicOrdering::Monotonic);
  B.CreateFence(AtomicOrdering::SequentiallyConsistent,
                SyncScope::SingleThread);
  LoadInst *Bias = loadSlotWord(B, bucketField(B, W.Token, BucketBiasField),
                                AtomicOrdering::Acquire, "mapguard.bias");
  Value *MyHeld =
      B.CreateOr(B.CreateAnd(W.Key, B.getInt64(abi::kThreadIndexMask)),
                 B.getInt64(abi::kBiasHeldBit));
  Value *Lost = B.CreateICmpNE(biasState(B, Bias), MyHeld, "mapguard.lost");
  MDBuilder MDB(Ctx);
  B.CreateCondBr(Lost, Slow, Then->getSuccessor(0),
                 compat::unlikelyBranchWeights(MDB));
  Then->eraseFromParent();
}

} // namespace mapguard
