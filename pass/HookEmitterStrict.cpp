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
//       if (bucket->away == 0 && !blocked(bucket->bias)) // both seq_cst
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
// blocked(w): another thread holds the bucket or is taking it back. The
// give-back is a compare-and-swap: the bucket's owner may have stored its
// own key over the claim.
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
                                         Value *MyHeld, BasicBlock *Begun,
                                         BasicBlock *Slow) {
  Function *F = Begun->getParent();
  auto NewBlock = [&](const char *Name) {
    return BasicBlock::Create(Ctx, Name, F, Begun);
  };
  // claim -> checked -> claimed -> (begun)
  //     \-> slow            \-> give.back -> slow
  BasicBlock *Checked = NewBlock("mapguard.checked");
  BasicBlock *Claimed = NewBlock("mapguard.claimed");
  BasicBlock *GiveBack = NewBlock("mapguard.give.back");
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
  auto Field = [&](unsigned Index) {
    return B.CreateInBoundsGEP(StrictTable->getValueType(), StrictTable,
                               {B.getInt64(0), Bucket, B.getInt32(Index)});
  };
  LoadInst *Away =
      loadSlotWord(B, Field(BucketAwayField),
                   AtomicOrdering::SequentiallyConsistent, "mapguard.away");
  LoadInst *Bias =
      loadSlotWord(B, Field(BucketBiasField),
                   AtomicOrdering::SequentiallyConsistent, "mapguard.bias");
  Value *Taken = B.CreateICmpNE(
      B.CreateAnd(Bias, B.getInt64(abi::kBiasHeldBit | abi::kBiasRevokingBit)),
      B.getInt64(0));
  Value *Blocked = B.CreateAnd(
      Taken, B.CreateICmpNE(biasState(B, Bias), MyHeld), "mapguard.blocked");
  MDBuilder MDB(Ctx);
  B.CreateCondBr(B.CreateOr(B.CreateICmpNE(Away, B.getInt64(0)), Blocked),
                 GiveBack, Claimed, compat::unlikelyBranchWeights(MDB));
  B.SetInsertPoint(Claimed);
  storeSlotWord(B, Site, SiteField, AtomicOrdering::Release);
  B.CreateBr(Begun);
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
  Function *F = Begun->getParent();
  auto NewBlock = [&](const char *Name) {
    return BasicBlock::Create(Ctx, Name, F, Begun);
  };
  // own -> mine -> announce -> biased -> (begun)
  //   \-> unbiased -> claim | slow;  mine, announce -> slow
  BasicBlock *Mine = NewBlock("mapguard.bias.mine");
  BasicBlock *Unbiased = NewBlock("mapguard.unbiased");
  BasicBlock *Announce = NewBlock("mapguard.announce");
  BasicBlock *Biased = NewBlock("mapguard.biased");
  Value *BiasPtr =
      B.CreateInBoundsGEP(StrictTable->getValueType(), StrictTable,
                          {B.getInt64(0), Bucket, B.getInt32(BucketBiasField)});
  LoadInst *Bias = loadSlotWord(B, BiasPtr, AtomicOrdering::Monotonic);
  B.CreateCondBr(B.CreateICmpEQ(biasState(B, Bias), MyHeld), Mine, Unbiased,
                 Likely);
  // Not the thread's: a bucket that is never biased again claims with the
  // CAS; the runtime grants, revokes or waits otherwise.
  B.SetInsertPoint(Unbiased);
  B.CreateCondBr(
      B.CreateICmpNE(B.CreateAnd(Bias, B.getInt64(abi::kBiasNeverBit)),
                     B.getInt64(0)),
      Claim, Slow, Likely);
  // The thread's: unless its marker holds an outer write, announce the
  // write there, then look at the bias again.
  B.SetInsertPoint(Mine);
  LoadInst *MarkerPtr = B.CreateLoad(PtrTy, B.CreateThreadLocalAddress(Marker),
                                     "mapguard.marker");
  MarkerPtr->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  LoadInst *Outer = loadSlotWord(B, MarkerPtr, AtomicOrdering::Monotonic);
  B.CreateCondBr(B.CreateICmpEQ(Outer, B.getInt64(0)), Announce, Slow, Likely);
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
                                Value *Site) {
  Instruction *Here = &*B.GetInsertPoint();
  Value *Slot = B.CreateIntToPtr(
      B.CreateAnd(W.Token,
                  ConstantInt::get(IntPtrTy, ~uint64_t(abi::kTokenBits))),
      PtrTy);
  Value *Still =
      B.CreateICmpEQ(loadSlotWord(B, Slot, AtomicOrdering::Monotonic), W.Key,
                     "mapguard.still");
  Here->getParent()->setName("mapguard.end.biased");
  Instruction *ThenTerm = nullptr, *ElseTerm = nullptr;
  SplitBlockAndInsertIfThenElse(Still, Here, &ThenTerm, &ElseTerm, Likely);
  ThenTerm->getParent()->setName("mapguard.biased.release");
  ElseTerm->getParent()->setName("mapguard.biased.end.slow");
  B.SetInsertPoint(ElseTerm);
  B.CreateCall(hook(End), {W.Map, Site, W.Token});
  // The tombstone, then the marker cleared, then the bias looked at again:
  // if it was taken back meanwhile, the runtime takes back what the
  // revoker may have published.
  B.SetInsertPoint(ThenTerm);
  emitStrictRelease(B, Slot, W.Key, Site);
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
  Instruction *LostTerm = SplitBlockAndInsertIfThen(
      Lost, ThenTerm, false, compat::unlikelyBranchWeights(MDB));
  LostTerm->getParent()->setName("mapguard.bias.lost");
  B.SetInsertPoint(LostTerm);
  B.CreateCall(hook(End), {W.Map, Site, W.Token});
}

} // namespace mapguard
