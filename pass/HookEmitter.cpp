//===- HookEmitter.cpp - How a guarded write calls into the runtime -------===//
//
// Both modes emit the common case of a write inline and call the runtime
// only otherwise. The inline paths mirror the runtime's tables
// (runtime/flag_table.cpp, runtime/mapguard_internal.h):
//
//   h     = (map >> 3) * 0x9E3779B97F4A7C15
//   key   = (map << 16) | __mapguard_thread_index        (a TLS load)
//   slot  = fast:   &__mapguard_fast_table[h >> 50]
//           strict: &__mapguard_strict_table[h >> 52].slots[home], where
//                   home = (((h >> 36) & 0xffff) * 3) >> 16
//   seen  = slot->key
//   inline = seen is free (0 or a tombstone: seen <= 0 signed)
//            && (seen is not a tombstone of this map
//                || seen == (key | 1 << 63)       // the thread's own
//                || __mapguard_map_holds[h >> 52] >= 8)  // holds spent
//            && thread index != 0 && 0 < map < 1 << 47
//            && __mapguard_fast_inline            // 0 under stress
//
//   fast begin:   if (inline) { slot->site = site; slot->key = key;
//                               token = slot; }
//                 else token = __mapguard_write_begin_fast(map, site);
//   fast end:     if (token) {
//                   if (token->key == key) token->key = key | 1 << 63;
//                   else __mapguard_write_end_fast(map, site, token);
//                 }
//   strict begin: if (inline && CAS(slot->key, seen, key)) {   // seq_cst
//                   slot->site = site;
//                   if (bucket->away == 0) token = slot;
//                   else { slot->site = 0; slot->key = seen;   // give back
//                          token = __mapguard_write_begin(map, site); }
//                 } else token = __mapguard_write_begin(map, site);
//   strict end:   if (token) {
//                   if (bucket(token)->away == 0 && (token & ~1)->key == key)
//                     { slot->site = 0; slot->key = key | 1 << 63; }
//                   else __mapguard_write_end(map, site, token);
//                 }
//
// The inline condition leaves to the runtime exactly the claims at which it
// has something to do besides claiming: a write in progress in the slot
// (nested, another map's, or a conflict), a handoff of the map from another
// thread that may still hold (NoteHandoff), a thread's first write, stress.
// A strict write at home whose bucket has no write away from home
// (bucket->away, seq_cst) has nothing else to look at; a write away from
// home (the token's low bit) is counted there itself, so its end always
// calls the runtime.
//
// Fast mode's stores are monotonic: on x86-64 the site still reaches memory
// before the key (TSO), and a release store would make the optimiser treat
// it as a barrier for the map's own accesses. All the loads and stores are
// atomic, plain moves on x86-64, as in the runtime.
//
//===----------------------------------------------------------------------===//
#include "HookEmitter.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace mapguard {

// The runtime's fast table geometry and key layout.
constexpr unsigned FastSlotBits = 14;
constexpr unsigned StrictBucketBits = 12;
constexpr unsigned StrictSlotsPerBucket = 3;
constexpr uint64_t HashMultiplier = 0x9E3779B97F4A7C15ull;
constexpr unsigned ThreadIndexBits = 16;
constexpr unsigned AddressBits = 47;
constexpr uint64_t TombBit = uint64_t(1) << 63;
// Strict mode: a write's end leaves its site in the slot with this bit set.
constexpr uint64_t EndedSiteBit = 1;
// The runtime's per-map hold counters (hashed like a bucket) and the count
// after which a map's handoffs no longer hold.
constexpr unsigned MapHoldBits = 12;
constexpr unsigned HoldsPerMap = 8;

HookEmitter::HookEmitter(Module &M, bool Fast, bool Inline)
    : M(M), Ctx(M.getContext()), Fast(Fast),
      IntPtrTy(M.getDataLayout().getIntPtrType(M.getContext())),
      PtrTy(PointerType::getUnqual(M.getContext())) {
  Type *I32 = Type::getInt32Ty(Ctx);
  SiteTy = StructType::getTypeByName(Ctx, "mapguard.site");
  if (!SiteTy)
    SiteTy = StructType::create(Ctx, {PtrTy, PtrTy, PtrTy, PtrTy, I32, I32},
                                "mapguard.site");
  if (IntPtrTy->getIntegerBitWidth() != 64)
    return; // The inline paths are written for 64-bit keys.

  SlotTy = StructType::get(Ctx, {Type::getInt64Ty(Ctx), PtrTy});
  if (!Inline) {
    // No table is read inline; loop windows still check for stress below.
  } else if (!Fast) {
    // Strict mode: 4096 buckets of 3 slots and the bucket's count of writes
    // away from home (and a spare word): one cache line.
    auto *BucketTy = StructType::get(
        Ctx, {ArrayType::get(SlotTy, StrictSlotsPerBucket),
              Type::getInt64Ty(Ctx), Type::getInt64Ty(Ctx)});
    StrictTable = cast<GlobalVariable>(M.getOrInsertGlobal(
        "__mapguard_strict_table",
        ArrayType::get(BucketTy, uint64_t(1) << StrictBucketBits)));
  } else {
    FastTable = cast<GlobalVariable>(M.getOrInsertGlobal(
        "__mapguard_fast_table",
        ArrayType::get(SlotTy, uint64_t(1) << FastSlotBits)));
  }
  // Both modes' inline claims read the runtime's hold counters.
  if (Inline)
    MapHolds = cast<GlobalVariable>(M.getOrInsertGlobal(
        "__mapguard_map_holds",
        ArrayType::get(Type::getInt8Ty(Ctx), uint64_t(1) << MapHoldBits)));
  // Both modes: fast mode's writes build keys from it, and a read on a
  // thread that has none yet goes to the runtime (its first read).
  ThreadIndex = cast<GlobalVariable>(M.getOrInsertGlobal(
      "__mapguard_thread_index", Type::getInt16Ty(Ctx)));
  ThreadIndex->setThreadLocalMode(GlobalValue::InitialExecTLSModel);
  // Both modes: 0 under stress=1, which reads and loop windows check too.
  InlineAllowed = cast<GlobalVariable>(
      M.getOrInsertGlobal("__mapguard_fast_inline", Type::getInt8Ty(Ctx)));
  // A position-independent executable is linked with the runtime: its data
  // is in this module's DSO. A shared library reaches it through the GOT.
  if (M.getPIELevel() != PIELevel::Default || M.getPICLevel() == PICLevel::NotPIC) {
    for (GlobalVariable *GV :
         {FastTable, StrictTable, MapHolds, ThreadIndex, InlineAllowed})
      if (GV)
        GV->setDSOLocal(true);
  }
  MDBuilder MDB(Ctx);
  Likely = MDB.createLikelyBranchWeights();
  // Type-based alias analysis: the table is never accessed through the
  // program's int or pointer types, so its loads and stores must not make
  // the optimiser reload the map's own fields around them. The type hangs
  // off clang's own root and "omnipotent char", as clang spells them.
  MDNode *Char = MDB.createTBAAScalarTypeNode(
      "omnipotent char", MDB.createTBAARoot("Simple C++ TBAA"));
  MDNode *SlotType = MDB.createTBAAScalarTypeNode("__mapguard_slot", Char);
  SlotAccess = MDB.createTBAAStructTagNode(SlotType, SlotType, 0);
  MDNode *IndexType =
      MDB.createTBAAScalarTypeNode("__mapguard_thread_index", Char);
  IndexAccess = MDB.createTBAAStructTagNode(IndexType, IndexType, 0);
}

FunctionCallee HookEmitter::hook(Hook Which) {
  // Declared on first use, so a module gets only the hooks it calls.
  static const char *const Names[][2] = {
      {"__mapguard_write_begin", "__mapguard_write_begin_fast"},
      {"__mapguard_write_end", "__mapguard_write_end_fast"},
      {"__mapguard_read", "__mapguard_read_fast"},
      {"__mapguard_iterate", "__mapguard_iterate_fast"},
      {"__mapguard_stress_tick", "__mapguard_stress_tick"},
      {"__mapguard_read_window", "__mapguard_read_window_fast"},
      {"__mapguard_iterate_window", "__mapguard_iterate_window_fast"}};
  FunctionCallee &Callee = Hooks[Which];
  if (Callee)
    return Callee;
  Type *Void = Type::getVoidTy(Ctx);
  FunctionType *Ty =
      Which == Begin ? FunctionType::get(IntPtrTy, {PtrTy, PtrTy}, false)
      : Which == End ? FunctionType::get(Void, {PtrTy, PtrTy, IntPtrTy}, false)
      : Which == StressTick ? FunctionType::get(Void, false)
      : Which == ReadWindow || Which == IterateWindow
          ? FunctionType::get(Void, {PtrTy, PtrTy, Type::getInt64Ty(Ctx)}, false)
                            : FunctionType::get(Void, {PtrTy, PtrTy}, false);
  Callee = M.getOrInsertFunction(
      Names[Which][Fast], Ty,
      AttributeList().addFnAttribute(Ctx, Attribute::NoUnwind));
  return Callee;
}

/// The runtime's StrictBucketIndex and StrictHomeSlot: the map's bucket
/// (also the index of its hold counter) and its home slot there.
static std::pair<Value *, Value *> strictHome(IRBuilder<> &B, Value *Product) {
  Value *Bucket = B.CreateLShr(Product, 64 - StrictBucketBits, "mapguard.bucket");
  Value *Below = B.CreateAnd(B.CreateLShr(Product, 64 - StrictBucketBits - 16),
                             B.getInt64(0xffff));
  Value *Home = B.CreateLShr(
      B.CreateMul(Below, B.getInt64(StrictSlotsPerBucket)), 16, "mapguard.home");
  return {Bucket, Home};
}

std::pair<Value *, Value *> HookEmitter::mapSlot(IRBuilder<> &B,
                                                 Value *Product) {
  if (Fast)
    return {B.CreateInBoundsGEP(
                FastTable->getValueType(), FastTable,
                {B.getInt64(0), B.CreateLShr(Product, 64 - FastSlotBits)},
                "mapguard.slot"),
            nullptr};
  auto [Bucket, Home] = strictHome(B, Product);
  return {B.CreateInBoundsGEP(StrictTable->getValueType(), StrictTable,
                             {B.getInt64(0), Bucket, B.getInt32(0), Home},
                             "mapguard.slot"),
          Bucket};
}

Value *HookEmitter::awayCount(IRBuilder<> &B, Value *Bucket) {
  return B.CreateInBoundsGEP(StrictTable->getValueType(), StrictTable,
                             {B.getInt64(0), Bucket, B.getInt32(1)});
}

OpenWrite HookEmitter::emitBegin(Instruction *Before, Value *Map,
                                 Value *Site, const DebugLoc &DL) {
  IRBuilder<> B(Before);
  B.SetCurrentDebugLocation(DL);
  // No inline path: not a 64-bit target, or -mapguard-inline=0.
  if (!FastTable && !StrictTable)
    return {Map, B.CreateCall(hook(Begin), {Map, Site}, "mapguard.token"),
            nullptr};
  Type *I64 = B.getInt64Ty();
  Value *Addr = B.CreatePtrToInt(Map, I64, "mapguard.addr");
  // Tagged so that the table's stores do not keep it from being hoisted.
  LoadInst *IndexLoad = B.CreateLoad(
      B.getInt16Ty(), B.CreateThreadLocalAddress(ThreadIndex), "mapguard.thread");
  IndexLoad->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  Value *Key = B.CreateOr(B.CreateShl(Addr, ThreadIndexBits),
                          B.CreateZExt(IndexLoad, I64), "mapguard.key");
  Value *OwnTomb = B.CreateOr(Key, B.getInt64(TombBit));
  Value *Product =
      B.CreateMul(B.CreateLShr(Addr, 3), B.getInt64(HashMultiplier));
  auto [Slot, Bucket] = mapSlot(B, Product);
  // The map's hold counter: hashed like a strict bucket (the same value).
  static_assert(MapHoldBits == StrictBucketBits, "a bucket's index");
  Value *HoldIndex =
      Bucket ? Bucket : B.CreateLShr(Product, 64 - MapHoldBits);
  Value *SlotToken = B.CreatePtrToInt(Slot, IntPtrTy);
  LoadInst *Seen =
      loadSlotWord(B, Slot, AtomicOrdering::Monotonic, "mapguard.seen");
  // A trackable address (0 < map < 2^47), and the runtime allows inline
  // claims (it does not under stress=1).
  Value *Allowed = B.CreateAnd(
      B.CreateICmpULT(B.CreateSub(Addr, B.getInt64(1)),
                      B.getInt64((uint64_t(1) << AddressBits) - 1)),
      emitNotStressed(B), "mapguard.allowed");

  //   head -> claim -> (begun)              the thread's own tombstone
  //       \-> check -> claim                 another free slot the runtime
  //                \-> slow                  need not see; else the runtime
  // Strict mode's claim is a CAS, and more blocks (below).
  BasicBlock *Head = Before->getParent();
  BasicBlock *Begun = SplitBlock(Head, Before);
  Begun->setName("mapguard.begun");
  Function *F = Head->getParent();
  auto NewBlock = [&](const char *Name) {
    return BasicBlock::Create(Ctx, Name, F, Begun);
  };
  BasicBlock *Check = NewBlock("mapguard.check");
  BasicBlock *Claim = NewBlock("mapguard.claim");
  BasicBlock *Slow = NewBlock("mapguard.begin.slow");
  Head->getTerminator()->eraseFromParent();
  B.SetInsertPoint(Head);
  B.CreateCondBr(B.CreateAnd(B.CreateICmpEQ(Seen, OwnTomb), Allowed,
                             "mapguard.own"),
                 Claim, Check, Likely);

  // Not the thread's own tombstone. The runtime has nothing to do at this
  // claim either if the slot is free (0 or a tombstone: the sign bit) and
  // holds no tombstone of this map, or the map has spent its handoff holds
  // (runtime/flag_table.cpp: a map shared under a mutex, handed over at
  // nearly every write, spends them at once). A thread without an index
  // yet is registered by the runtime.
  B.SetInsertPoint(Check);
  Value *Free = B.CreateICmpSLE(Seen, B.getInt64(0));
  Value *ThisMap = B.CreateICmpEQ(
      B.CreateLShr(B.CreateXor(Seen, OwnTomb), ThreadIndexBits), B.getInt64(0));
  LoadInst *Holds = B.CreateLoad(
      B.getInt8Ty(), B.CreateInBoundsGEP(MapHolds->getValueType(), MapHolds,
                                         {B.getInt64(0), HoldIndex}));
  Holds->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  Value *Spent = B.CreateICmpUGE(Holds, B.getInt8(HoldsPerMap));
  Value *Registered = B.CreateICmpNE(IndexLoad, B.getInt16(0));
  Value *Quiet = B.CreateAnd(
      B.CreateAnd(Free, B.CreateOr(B.CreateNot(ThisMap), Spent)),
      B.CreateAnd(Registered, Allowed), "mapguard.quiet");
  B.CreateCondBr(Quiet, Claim, Slow, Likely);

  B.SetInsertPoint(Slow);
  Value *SlowToken = B.CreateCall(hook(Begin), {Map, Site});
  B.CreateBr(Begun);

  B.SetInsertPoint(Claim);
  Value *SiteField = B.CreateStructGEP(SlotTy, Slot, 1);
  BasicBlock *Claimed = Claim;
  if (Fast) {
    // The site before the key (in program order; TSO keeps it).
    storeSlotWord(B, Site, SiteField, AtomicOrdering::Monotonic);
    storeSlotWord(B, Key, Slot, AtomicOrdering::Monotonic);
    B.CreateBr(Begun);
  } else {
    // claim -> claimed -> (begun)
    //     \-> slow               the CAS lost
    //   claimed -> give.back -> slow     a write away from home in the bucket
    Claimed = NewBlock("mapguard.claimed");
    BasicBlock *GiveBack = NewBlock("mapguard.give.back");
    // The runtime's seq_cst CAS.
    auto *CAS = B.CreateAtomicCmpXchg(Slot, Seen, Key, MaybeAlign(8),
                                      AtomicOrdering::SequentiallyConsistent,
                                      AtomicOrdering::SequentiallyConsistent);
    B.CreateCondBr(B.CreateExtractValue(CAS, 1, "mapguard.won"), Claimed, Slow,
                   Likely);
    // The site, then the bucket's count of writes away from home: if one is
    // in progress, the claim is given back and the runtime asked.
    B.SetInsertPoint(Claimed);
    storeSlotWord(B, Site, SiteField, AtomicOrdering::Release);
    LoadInst *Away = loadSlotWord(B, awayCount(B, Bucket),
                                  AtomicOrdering::SequentiallyConsistent,
                                  "mapguard.away");
    B.CreateCondBr(B.CreateICmpEQ(Away, B.getInt64(0)), Begun, GiveBack,
                   Likely);
    B.SetInsertPoint(GiveBack);
    storeSlotWord(B, ConstantPointerNull::get(PtrTy), SiteField,
                  AtomicOrdering::Monotonic);
    storeSlotWord(B, Seen, Slot, AtomicOrdering::Release);
    B.CreateBr(Slow);
  }

  B.SetInsertPoint(Begun, Begun->getFirstInsertionPt());
  PHINode *Token = B.CreatePHI(IntPtrTy, 2, "mapguard.token");
  Token->addIncoming(SlotToken, Claimed);
  Token->addIncoming(SlowToken, Slow);
  return {Map, Token, Key};
}

void HookEmitter::emitEnd(BasicBlock::iterator Where, const OpenWrite &W,
                          Value *Site, const DebugLoc &DL) {
  IRBuilder<> B(Where->getParent(), Where);
  B.SetCurrentDebugLocation(DL);
  if (!W.Key) {
    B.CreateCall(hook(End), {W.Map, Site, W.Token});
    return;
  }
  Instruction *Here = &*Where;
  // if (token) {
  //   fast:   if (token->key == key) token->key = tomb;
  //   strict: slot = token & ~1; away = the bucket's count (its line:
  //           token & ~63);
  //           if (away == 0 && slot->key == key) { slot->site = site | 1;
  //                                                slot->key = tomb; }
  //   else the runtime's end hook
  // }
  // A strict write away from home (the token's low bit) is in the count
  // itself, so it always takes the runtime's end.
  Value *Open = B.CreateICmpNE(W.Token, ConstantInt::get(IntPtrTy, 0));
  Instruction *OpenTerm = SplitBlockAndInsertIfThen(Open, Here, false, Likely);
  OpenTerm->getParent()->setName("mapguard.end");
  B.SetInsertPoint(OpenTerm);
  Value *Slot, *Usual;
  if (Fast) {
    Slot = B.CreateIntToPtr(W.Token, PtrTy);
    Usual = B.CreateICmpEQ(loadSlotWord(B, Slot, AtomicOrdering::Monotonic),
                           W.Key, "mapguard.still");
  } else {
    Slot = B.CreateIntToPtr(
        B.CreateAnd(W.Token, ConstantInt::get(IntPtrTy, ~uint64_t(1))), PtrTy);
    Value *Line = B.CreateIntToPtr(
        B.CreateAnd(W.Token, ConstantInt::get(IntPtrTy, ~uint64_t(63))), PtrTy);
    Type *BucketTy = StrictTable->getValueType()->getArrayElementType();
    LoadInst *Away =
        loadSlotWord(B, B.CreateStructGEP(BucketTy, Line, 1),
                     AtomicOrdering::SequentiallyConsistent, "mapguard.away");
    LoadInst *Seen = loadSlotWord(B, Slot, AtomicOrdering::Monotonic);
    Usual = B.CreateAnd(B.CreateICmpEQ(Away, B.getInt64(0)),
                        B.CreateICmpEQ(Seen, W.Key), "mapguard.usual");
  }
  Instruction *ThenTerm = nullptr, *ElseTerm = nullptr;
  SplitBlockAndInsertIfThenElse(Usual, OpenTerm, &ThenTerm, &ElseTerm, Likely);
  ThenTerm->getParent()->setName("mapguard.release");
  ElseTerm->getParent()->setName("mapguard.end.slow");
  B.SetInsertPoint(ThenTerm);
  // Strict: the site first, tagged as ended (its low bit), so that a reader
  // that sees the next writer's key does not take it for that writer's
  // (ReadOwnerSite waits for an untagged site), while a lookup loop that
  // finds this write's tombstone can still name it. Fast mode leaves it:
  // the next writer stores its own before its key.
  if (!Fast)
    storeSlotWord(B, B.CreateGEP(B.getInt8Ty(), Site, B.getInt64(EndedSiteBit)),
                  B.CreateStructGEP(SlotTy, Slot, 1), AtomicOrdering::Monotonic);
  storeSlotWord(B, B.CreateOr(W.Key, B.getInt64(TombBit)),
                Slot,
                Fast ? AtomicOrdering::Monotonic : AtomicOrdering::Release);
  B.SetInsertPoint(ElseTerm);
  B.CreateCall(hook(End), {W.Map, Site, W.Token});
}

void HookEmitter::emitSiteUpdate(Instruction *Before, Value *Token,
                                 Value *Site) {
  if (Fast || !SlotTy)
    return;
  IRBuilder<> B(Before);
  Value *Open = B.CreateICmpNE(Token, ConstantInt::get(IntPtrTy, 0));
  Instruction *Then = SplitBlockAndInsertIfThen(Open, Before, false, Likely);
  Then->getParent()->setName("mapguard.loop.site");
  B.SetInsertPoint(Then);
  // The token is the slot (runtime/flag_table.cpp): { key, site }, with the
  // low bit set when the write is away from its map's home slot.
  Value *Slot = B.CreateIntToPtr(
      B.CreateAnd(Token, ConstantInt::get(IntPtrTy, ~uint64_t(1))), PtrTy);
  storeSlotWord(B, Site, B.CreateStructGEP(SlotTy, Slot, 1),
                AtomicOrdering::Release);
}

LoadInst *HookEmitter::loadSlotWord(IRBuilder<> &B, Value *Ptr,
                                    AtomicOrdering Ordering,
                                    const Twine &Name) {
  LoadInst *Load = B.CreateAlignedLoad(B.getInt64Ty(), Ptr, Align(8), Name);
  Load->setAtomic(Ordering);
  Load->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
  return Load;
}

StoreInst *HookEmitter::storeSlotWord(IRBuilder<> &B, Value *Val, Value *Ptr,
                                      AtomicOrdering Ordering) {
  StoreInst *Store = B.CreateAlignedStore(Val, Ptr, Align(8));
  Store->setAtomic(Ordering);
  Store->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
  return Store;
}

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
  MDNode *Unlikely = MDBuilder(Ctx).createUnlikelyBranchWeights();
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
    *Wanted = B.CreateShl(Addr, ThreadIndexBits);
  Value *Product =
      B.CreateMul(B.CreateLShr(Addr, 3), B.getInt64(HashMultiplier));
  return mapSlot(B, Product);
}

Value *HookEmitter::emitReadSnapshot(IRBuilder<> &B, Value *Map) {
  assert(hasInlineChecks() && "a read window needs the inline paths");
  return loadSlotWord(B, slotOf(B, Map, nullptr).first,
                      AtomicOrdering::Monotonic, "mapguard.snapshot");
}

void HookEmitter::emitReadCheck(Instruction *Before, Value *Map,
                                Constant *Site, bool Iteration,
                                const DebugLoc &DL, Value *Snapshot) {
  FunctionCallee Hook = hook(Snapshot ? (Iteration ? IterateWindow : ReadWindow)
                                      : Iteration ? Iterate : Read);
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
    Away = B.CreateICmpNE(loadSlotWord(B, awayCount(B, Bucket),
                                       AtomicOrdering::Monotonic,
                                       "mapguard.away"),
                          B.getInt64(0));
  }
  Value *Key = loadSlotWord(B, Slot, AtomicOrdering::Monotonic);
  Value *Busy = B.CreateICmpEQ(
      B.CreateAnd(Key, B.getInt64(~uint64_t(0xffff))), Wanted);
  if (Away)
    Busy = B.CreateOr(Busy, Away);
  // A read window's end: any change to the slot since the loop's first read
  // may be a write that began and ended in between.
  if (Snapshot)
    Busy = B.CreateOr(Busy, B.CreateICmpNE(Key, Snapshot));
  // Under stress the runtime sees every read (it may make the reader wait),
  // and so does a thread's first read (before it has a thread index).
  Busy = B.CreateOr(Busy, B.CreateNot(emitNotStressed(B)));
  LoadInst *Index = B.CreateLoad(
      B.getInt16Ty(), B.CreateThreadLocalAddress(ThreadIndex), "mapguard.thread");
  Index->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  Busy = B.CreateOr(Busy, B.CreateICmpEQ(Index, B.getInt16(0)));
  MDNode *Unlikely = MDBuilder(Ctx).createUnlikelyBranchWeights();
  Instruction *Then = SplitBlockAndInsertIfThen(Busy, Before, false, Unlikely);
  Then->getParent()->setName("mapguard.read.busy");
  B.SetInsertPoint(Then);
  if (Snapshot)
    B.CreateCall(Hook, {Map, Site, Snapshot});
  else
    B.CreateCall(Hook, {Map, Site});
}

} // namespace mapguard
