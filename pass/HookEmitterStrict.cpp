//===- HookEmitterStrict.cpp - Strict mode's inline claims and releases ---===//
//
// In a bucket biased to the writing thread, the claim with plain stores,
// inline at each write; every other claim in the module's claim function
// (internal, never inlined: __mapguard_strict_claim), which makes the
// compare-and-swap claim when the runtime need not see it. Each write thus
// carries the owner's path and one call, not every path (a module's
// compile time is most of what the others cost), and the owner's write
// runs as it did inline. runtime/bias.cpp has the protocol and why it misses no
// overlap; runtime/strict_table.cpp has the same paths in C++.
//
//   own tombstone (inline):  w = bucket->bias;
//     if ((w & kBiasStateMask) == BiasHeldBy(index) && *marker == 0) {
//       marker[1] = site; marker[0] = key; (compiler barrier)
//       if ((bucket->bias & kBiasStateMask) == BiasHeldBy(index))  // acquire
//         { slot->site = site; slot->key = key; token = slot | biased; }
//       else token = claim(map, site, key, seen, w);     // the runtime's
//     } else token = claim(map, site, key, seen, w);
//   another slot (inline):   token = claim(map, site, key, seen, 0);
//   claim(map, site, key, seen, w), the claim function:
//     if (seen == tomb) { if (w & kBiasNeverBit) <the compare-and-swap claim>
//                         else token = __mapguard_write_begin(map, site); }
//     else if (quiet) <the compare-and-swap claim>   // HookEmitter.h
//     else token = __mapguard_write_begin(map, site); // may grant, revoke
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

Value *HookEmitter::emitStrictBegin(IRBuilder<> &B, BasicBlock *Begun,
                                    const StrictHead &H) {
  //   head -> own.tomb -> announce -> biased -> (begun)
  //       \--------\------------\-> slow: the module's claim function
  BasicBlock *Head = Begun->getSinglePredecessor();
  BasicBlock *Own = blockBefore(Begun, "mapguard.own.tomb");
  BasicBlock *Slow = blockBefore(Begun, "mapguard.begin.slow");
  Head->getTerminator()->eraseFromParent();
  B.SetInsertPoint(Head);
  Value *SiteField = B.CreateStructGEP(SlotTy, H.Slot, SlotSiteField);
  Value *BiasedToken =
      B.CreateOr(B.CreatePtrToInt(H.Slot, IntPtrTy),
                 ConstantInt::get(IntPtrTy, abi::kBiasedTokenBit));
  Value *MyHeld =
      B.CreateOr(B.CreateAnd(H.Key, B.getInt64(abi::kThreadIndexMask)),
                 B.getInt64(abi::kBiasHeldBit), "mapguard.mine");
  B.CreateCondBr(B.CreateICmpEQ(H.Seen, H.OwnTomb, "mapguard.own"), Own, Slow,
                 Likely);
  B.SetInsertPoint(Own);
  Value *Bias = nullptr;
  BasicBlock *Biased = emitBiasedClaim(B, H.Slot, H.Key, H.Site, SiteField,
                                       H.Bucket, MyHeld, Slow, Begun, Bias);
  // Every other claim: the bias as the owner's path found it (unused when
  // the slot held something else), so that the claim function loads
  // nothing this path has loaded.
  B.SetInsertPoint(Slow);
  PHINode *BiasSeen = B.CreatePHI(B.getInt64Ty(), 3, "mapguard.bias.seen");
  for (BasicBlock *From : predecessors(Slow))
    BiasSeen->addIncoming(From == Head ? B.getInt64(0) : Bias, From);
  Value *SlowToken =
      B.CreateCall(claimFunction(), {H.Map, H.Site, H.Key, H.Seen, BiasSeen});
  B.CreateBr(Begun);
  B.SetInsertPoint(Begun, Begun->getFirstInsertionPt());
  PHINode *Token = B.CreatePHI(IntPtrTy, 2, "mapguard.token");
  Token->addIncoming(SlowToken, Slow);
  Token->addIncoming(BiasedToken, Biased);
  return Token;
}

Function *HookEmitter::claimFunction() {
  if (ClaimFunction)
    return ClaimFunction;
  Type *I64 = Type::getInt64Ty(Ctx);
  // (map, site, key, seen, bias) -> token. Internal, so each module has its
  // own; never inlined, so each write has one call of it.
  ClaimFunction = Function::createWithDefaultAttr(
      FunctionType::get(IntPtrTy, {PtrTy, PtrTy, I64, I64, I64}, false),
      GlobalValue::InternalLinkage, M.getDataLayout().getProgramAddressSpace(),
      "__mapguard_strict_claim", &M);
  ClaimFunction->addFnAttr(Attribute::NoInline);
  ClaimFunction->addFnAttr(Attribute::NoUnwind);
  Argument *Map = ClaimFunction->getArg(0), *Site = ClaimFunction->getArg(1),
           *Key = ClaimFunction->getArg(2), *Seen = ClaimFunction->getArg(3),
           *Bias = ClaimFunction->getArg(4);
  for (auto [Arg, Name] : {std::pair<Argument *, const char *>{Map, "map"},
                           {Site, "site"},
                           {Key, "key"},
                           {Seen, "seen"},
                           {Bias, "bias"}})
    Arg->setName(Name);
  // entry -> own.tomb -> claim -> (done)    never biased again
  //      \-> check ----/  \-> slow -> (done)  the quiet cases, or the runtime
  BasicBlock *Done = BasicBlock::Create(Ctx, "done", ClaimFunction);
  IRBuilder<> B(BasicBlock::Create(Ctx, "entry", ClaimFunction, Done));
  Value *Addr = B.CreatePtrToInt(Map, I64);
  Value *OwnTomb = B.CreateOr(Key, B.getInt64(abi::kTombBit));
  auto [Slot, Bucket] = mapSlot(B, hashProduct(B, Addr));
  Value *SiteField = B.CreateStructGEP(SlotTy, Slot, SlotSiteField);
  Value *SlotToken = B.CreatePtrToInt(Slot, IntPtrTy);
  BasicBlock *Own = blockBefore(Done, "own.tomb");
  BasicBlock *Check = blockBefore(Done, "check");
  BasicBlock *Claim = blockBefore(Done, "claim");
  BasicBlock *Slow = blockBefore(Done, "slow");
  B.CreateCondBr(B.CreateICmpEQ(Seen, OwnTomb), Own, Check);
  // The thread's own tombstone, not biased to it: a bucket that is never
  // biased again claims with the CAS; the runtime grants, revokes, waits or
  // nests otherwise.
  B.SetInsertPoint(Own);
  B.CreateCondBr(
      B.CreateICmpNE(B.CreateAnd(Bias, B.getInt64(abi::kBiasNeverBit)),
                     B.getInt64(0)),
      Claim, Slow, Likely);
  // Another free slot the runtime need not see (emitQuiet).
  B.SetInsertPoint(Check);
  Value *Allowed = B.CreateAnd(emitTrackable(B, Addr), emitNotStressed(B),
                               "mapguard.allowed");
  B.CreateCondBr(emitQuiet(B, Seen, OwnTomb, Bucket,
                           B.CreateTrunc(Key, B.getInt16Ty()), Allowed),
                 Claim, Slow, Likely);
  B.SetInsertPoint(Slow);
  Value *SlowToken = B.CreateCall(hook(Begin), {Map, Site});
  B.CreateBr(Done);
  B.SetInsertPoint(Claim);
  BasicBlock *Claimed =
      emitStrictClaim(B, Slot, Seen, Key, Site, SiteField, Bucket, Done, Slow);
  B.SetInsertPoint(Done);
  PHINode *Token = B.CreatePHI(IntPtrTy, 2);
  Token->addIncoming(SlotToken, Claimed);
  Token->addIncoming(SlowToken, Slow);
  B.CreateRet(Token);
  return ClaimFunction;
}

BasicBlock *HookEmitter::emitBiasedClaim(IRBuilder<> &B, Value *Slot,
                                         Value *Key, Value *Site,
                                         Value *SiteField, Value *Bucket,
                                         Value *MyHeld, BasicBlock *Slow,
                                         BasicBlock *Begun, Value *&Bias) {
  // own -> announce -> biased -> (begun)
  //   \-> slow;         \-> slow
  BasicBlock *Announce = blockBefore(Begun, "mapguard.announce");
  BasicBlock *Biased = blockBefore(Begun, "mapguard.biased");
  Value *BiasPtr = bucketWord(B, Bucket, BucketBiasField);
  Bias = loadSlotWord(B, BiasPtr, AtomicOrdering::Monotonic);
  // The thread's bucket, unless its marker holds an outer write.
  LoadInst *MarkerPtr = B.CreateLoad(PtrTy, B.CreateThreadLocalAddress(Marker),
                                     "mapguard.marker");
  MarkerPtr->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  LoadInst *Outer = loadSlotWord(B, MarkerPtr, AtomicOrdering::Monotonic);
  B.CreateCondBr(B.CreateAnd(B.CreateICmpEQ(biasState(B, Bias), MyHeld),
                             B.CreateICmpEQ(Outer, B.getInt64(0)),
                             "mapguard.mine"),
                 Announce, Slow, Likely);
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
