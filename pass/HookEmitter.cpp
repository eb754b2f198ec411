//===- HookEmitter.cpp - How a guarded write calls into the runtime -------===//
//
// The inline paths, in pseudo-code, are in HookEmitter.h.
//
// The check of a read and the loads of __mapguard_fast_inline are in
// HookEmitterReads.cpp.
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

#include <type_traits>

using namespace llvm;

namespace mapguard {

namespace abi = __mapguard;

// The IR types below, field by field, as mapguard_abi.h lays them out:
//   site:   { ptr, ptr, ptr, ptr, i32, i32 }
//   slot:   { i64 key, ptr site }
//   bucket: { [kSlotsPerBucket x slot], i64 away, i64 bias }
static_assert(sizeof(__mapguard_site) == 4 * sizeof(void *) + 8 &&
                  offsetof(__mapguard_site, line) == 4 * sizeof(void *),
              "SiteTy is { ptr, ptr, ptr, ptr, i32, i32 }");
static_assert(abi::kSlotKeyOffset == 0 && abi::kSlotSiteOffset == 8 &&
                  abi::kSlotBytes == 16,
              "SlotTy is { i64, ptr } on a 64-bit target");
static_assert(abi::kBucketAwayOffset ==
                      abi::kSlotsPerBucket * abi::kSlotBytes &&
                  abi::kBucketBiasOffset == abi::kBucketAwayOffset + 8 &&
                  abi::kBucketBytes == abi::kBucketAwayOffset + 16,
              "BucketTy is { [N x SlotTy], i64 away, i64 bias }");
// The hooks' types as hook() builds them: IntPtrTy for uintptr_t, PtrTy for
// pointers, i64 for uint64_t.
using BeginHook = uintptr_t(void *, const __mapguard_site *);
using EndHook = void(void *, const __mapguard_site *, uintptr_t);
using ReadHook = void(void *, const __mapguard_site *);
using WindowHook = void(void *, const __mapguard_site *, uint64_t);
static_assert(
    std::is_same_v<decltype(__mapguard_write_begin), BeginHook> &&
        std::is_same_v<decltype(__mapguard_write_begin_fast), BeginHook> &&
        std::is_same_v<decltype(__mapguard_write_end), EndHook> &&
        std::is_same_v<decltype(__mapguard_write_end_fast), EndHook> &&
        std::is_same_v<decltype(__mapguard_read), ReadHook> &&
        std::is_same_v<decltype(__mapguard_read_fast), ReadHook> &&
        std::is_same_v<decltype(__mapguard_iterate), ReadHook> &&
        std::is_same_v<decltype(__mapguard_iterate_fast), ReadHook> &&
        std::is_same_v<decltype(__mapguard_read_window), WindowHook> &&
        std::is_same_v<decltype(__mapguard_read_window_fast), WindowHook> &&
        std::is_same_v<decltype(__mapguard_iterate_window), WindowHook> &&
        std::is_same_v<decltype(__mapguard_iterate_window_fast), WindowHook> &&
        std::is_same_v<decltype(__mapguard_stress_tick), void()>,
    "hook() builds these function types");

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
    // Strict mode: buckets of kSlotsPerBucket slots, the bucket's count of
    // writes away from home and its bias: one cache line each.
    auto *BucketTy =
        StructType::get(Ctx, {ArrayType::get(SlotTy, abi::kSlotsPerBucket),
                              Type::getInt64Ty(Ctx), Type::getInt64Ty(Ctx)});
    StrictTable = cast<GlobalVariable>(
        M.getOrInsertGlobal(MAPGUARD_ABI_NAME(__mapguard_strict_table),
                            ArrayType::get(BucketTy, abi::kStrictBuckets)));
    // The thread's write marker, for claims in a bucket biased to it.
    Marker = cast<GlobalVariable>(
        M.getOrInsertGlobal(MAPGUARD_ABI_NAME(__mapguard_marker), PtrTy));
    Marker->setThreadLocalMode(GlobalValue::InitialExecTLSModel);
  } else {
    FastTable = cast<GlobalVariable>(
        M.getOrInsertGlobal(MAPGUARD_ABI_NAME(__mapguard_fast_table),
                            ArrayType::get(SlotTy, abi::kFastSlots)));
  }
  // Both modes' inline claims read the runtime's hold counters.
  if (Inline)
    MapHolds = cast<GlobalVariable>(M.getOrInsertGlobal(
        MAPGUARD_ABI_NAME(__mapguard_map_holds),
        ArrayType::get(Type::getInt8Ty(Ctx), abi::kMapHoldCounters)));
  // Both modes: fast mode's writes build keys from it, and a read on a
  // thread that has none yet goes to the runtime (its first read).
  ThreadIndex = cast<GlobalVariable>(M.getOrInsertGlobal(
      MAPGUARD_ABI_NAME(__mapguard_thread_index), Type::getInt16Ty(Ctx)));
  ThreadIndex->setThreadLocalMode(GlobalValue::InitialExecTLSModel);
  // Both modes: 0 under stress=1, which reads and loop windows check too.
  InlineAllowed = cast<GlobalVariable>(M.getOrInsertGlobal(
      MAPGUARD_ABI_NAME(__mapguard_fast_inline), Type::getInt8Ty(Ctx)));
  // A position-independent executable is linked with the runtime: its data
  // is in this module's DSO. A shared library reaches it through the GOT.
  if (M.getPIELevel() != PIELevel::Default ||
      M.getPICLevel() == PICLevel::NotPIC) {
    for (GlobalVariable *GV :
         {FastTable, StrictTable, MapHolds, ThreadIndex, InlineAllowed, Marker})
      if (GV)
        GV->setDSOLocal(true);
  }
  MDBuilder MDB(Ctx);
  Likely = compat::likelyBranchWeights(MDB);
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
      {MAPGUARD_ABI_NAME(__mapguard_write_begin),
       MAPGUARD_ABI_NAME(__mapguard_write_begin_fast)},
      {MAPGUARD_ABI_NAME(__mapguard_write_end),
       MAPGUARD_ABI_NAME(__mapguard_write_end_fast)},
      {MAPGUARD_ABI_NAME(__mapguard_read),
       MAPGUARD_ABI_NAME(__mapguard_read_fast)},
      {MAPGUARD_ABI_NAME(__mapguard_iterate),
       MAPGUARD_ABI_NAME(__mapguard_iterate_fast)},
      {MAPGUARD_ABI_NAME(__mapguard_stress_tick),
       MAPGUARD_ABI_NAME(__mapguard_stress_tick)},
      {MAPGUARD_ABI_NAME(__mapguard_read_window),
       MAPGUARD_ABI_NAME(__mapguard_read_window_fast)},
      {MAPGUARD_ABI_NAME(__mapguard_iterate_window),
       MAPGUARD_ABI_NAME(__mapguard_iterate_window_fast)}};
  FunctionCallee &Callee = Hooks[Which];
  if (Callee)
    return Callee;
  Type *Void = Type::getVoidTy(Ctx);
  FunctionType *Ty =
      Which == Begin ? FunctionType::get(IntPtrTy, {PtrTy, PtrTy}, false)
      : Which == End ? FunctionType::get(Void, {PtrTy, PtrTy, IntPtrTy}, false)
      : Which == StressTick ? FunctionType::get(Void, false)
      : Which == ReadWindow || Which == IterateWindow
          ? FunctionType::get(Void, {PtrTy, PtrTy, Type::getInt64Ty(Ctx)},
                              false)
          : FunctionType::get(Void, {PtrTy, PtrTy}, false);
  Callee = M.getOrInsertFunction(
      Names[Which][Fast], Ty,
      AttributeList().addFnAttribute(Ctx, Attribute::NoUnwind));
  return Callee;
}

/// The runtime's StrictBucketIndex and StrictHomeSlot: the map's bucket
/// (also the index of its hold counter) and its home slot there.
static std::pair<Value *, Value *> strictHome(IRBuilder<> &B, Value *Product) {
  Value *Bucket =
      B.CreateLShr(Product, 64 - abi::kStrictBucketBits, "mapguard.bucket");
  Value *Below = B.CreateAnd(
      B.CreateLShr(Product, 64 - abi::kStrictBucketBits - abi::kHomeHashBits),
      B.getInt64(abi::kHomeHashMask));
  Value *Home =
      B.CreateLShr(B.CreateMul(Below, B.getInt64(abi::kSlotsPerBucket)),
                   abi::kHomeHashBits, "mapguard.home");
  return {Bucket, Home};
}

std::pair<Value *, Value *> HookEmitter::mapSlot(IRBuilder<> &B,
                                                 Value *Product) {
  if (Fast)
    return {B.CreateInBoundsGEP(
                FastTable->getValueType(), FastTable,
                {B.getInt64(0), B.CreateLShr(Product, 64 - abi::kFastSlotBits)},
                "mapguard.slot"),
            nullptr};
  auto [Bucket, Home] = strictHome(B, Product);
  return {B.CreateInBoundsGEP(
              StrictTable->getValueType(), StrictTable,
              {B.getInt64(0), Bucket, B.getInt32(BucketSlotsField), Home},
              "mapguard.slot"),
          Bucket};
}

Value *HookEmitter::bucketWord(IRBuilder<> &B, Value *Bucket, unsigned Field) {
  return B.CreateInBoundsGEP(StrictTable->getValueType(), StrictTable,
                             {B.getInt64(0), Bucket, B.getInt32(Field)});
}

BasicBlock *HookEmitter::blockBefore(BasicBlock *Before, const char *Name) {
  return BasicBlock::Create(Ctx, Name, Before->getParent(), Before);
}

OpenWrite HookEmitter::emitBegin(Instruction *Before, Value *Map, Value *Site,
                                 const DebugLoc &DL) {
  IRBuilder<> B(Before);
  B.SetCurrentDebugLocation(DL);
  // No inline path: not a 64-bit target, or -mapguard-inline=0.
  if (!FastTable && !StrictTable)
    return {Map, B.CreateCall(hook(Begin), {Map, Site}, "mapguard.token"),
            nullptr};
  Type *I64 = B.getInt64Ty();
  Value *Addr = B.CreatePtrToInt(Map, I64, "mapguard.addr");
  // Tagged so that the table's stores do not keep it from being hoisted.
  LoadInst *IndexLoad =
      B.CreateLoad(B.getInt16Ty(), B.CreateThreadLocalAddress(ThreadIndex),
                   "mapguard.thread");
  IndexLoad->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  // An untrackable map's key has address 0, which no slot ever holds, so
  // its own tombstone matches nothing (and, the map being loop-invariant,
  // the select leaves the loop). A thread without an index (unregistered,
  // or any thread under stress=1) has index 0, which no slot holds either.
  Value *Trackable = emitTrackable(B, Addr);
  Value *KeyBase =
      B.CreateSelect(Trackable, B.CreateShl(Addr, abi::kThreadIndexBits),
                     B.getInt64(0), "mapguard.keybase");
  Value *Key =
      B.CreateOr(KeyBase, B.CreateZExt(IndexLoad, I64), "mapguard.key");
  Value *OwnTomb = B.CreateOr(Key, B.getInt64(abi::kTombBit));
  Value *Product = hashProduct(B, Addr);
  auto [Slot, Bucket] = mapSlot(B, Product);
  // The map's hold counter: hashed like a strict bucket (the same value).
  Value *HoldIndex =
      Bucket ? Bucket : B.CreateLShr(Product, 64 - abi::kMapHoldBits);
  Value *SlotToken = Fast ? B.CreatePtrToInt(Slot, IntPtrTy) : nullptr;
  LoadInst *Seen =
      loadSlotWord(B, Slot, AtomicOrdering::Monotonic, "mapguard.seen");

  BasicBlock *Head = Before->getParent();
  BasicBlock *Begun = SplitBlock(Head, Before);
  Begun->setName("mapguard.begun");
  if (!Fast)
    return {Map,
            emitStrictBegin(B, Begun,
                            {Map, Site, Key, OwnTomb, Slot, Bucket, Seen}),
            Key};

  //   head -> claim -> (begun)              the thread's own tombstone
  //       \-> check -> claim                 another free slot the runtime
  //                \-> slow                  need not see; else the runtime
  BasicBlock *Check = blockBefore(Begun, "mapguard.check");
  BasicBlock *Claim = blockBefore(Begun, "mapguard.claim");
  BasicBlock *Slow = blockBefore(Begun, "mapguard.begin.slow");
  Head->getTerminator()->eraseFromParent();
  B.SetInsertPoint(Head);
  B.CreateCondBr(B.CreateICmpEQ(Seen, OwnTomb, "mapguard.own"), Claim, Check,
                 Likely);
  // Not the thread's own tombstone. The runtime has nothing to do at this
  // claim either if the slot is free (0 or a tombstone: the sign bit) and
  // holds no tombstone of this map, or the map has spent its handoff holds
  // (runtime/holds.cpp: a map shared under a mutex, handed over at
  // nearly every write, spends them at once). A thread without an index
  // yet is registered by the runtime.
  B.SetInsertPoint(Check);
  B.CreateCondBr(
      emitQuiet(B, Seen, OwnTomb, HoldIndex, IndexLoad,
                B.CreateAnd(Trackable, emitNotStressed(B), "mapguard.allowed")),
      Claim, Slow, Likely);

  B.SetInsertPoint(Slow);
  Value *SlowToken = B.CreateCall(hook(Begin), {Map, Site});
  B.CreateBr(Begun);

  // The site before the key (in program order; TSO keeps it).
  B.SetInsertPoint(Claim);
  storeSlotWord(B, Site, B.CreateStructGEP(SlotTy, Slot, SlotSiteField),
                AtomicOrdering::Monotonic);
  storeSlotWord(B, Key, Slot, AtomicOrdering::Monotonic);
  B.CreateBr(Begun);

  B.SetInsertPoint(Begun, Begun->getFirstInsertionPt());
  PHINode *Token = B.CreatePHI(IntPtrTy, 2, "mapguard.token");
  Token->addIncoming(SlotToken, Claim);
  Token->addIncoming(SlowToken, Slow);
  return {Map, Token, Key};
}

/// Addr's hash product (abi::HashProduct), from which the slot, the bucket
/// and the hold counter are taken.
Value *HookEmitter::hashProduct(IRBuilder<> &B, Value *Addr) {
  return B.CreateMul(B.CreateLShr(Addr, abi::kMapAlignBits),
                     B.getInt64(abi::kHashMultiplier));
}

/// A trackable address: 0 < map < 2^47.
Value *HookEmitter::emitTrackable(IRBuilder<> &B, Value *Addr) {
  return B.CreateICmpULT(B.CreateSub(Addr, B.getInt64(1)),
                         B.getInt64(abi::kAddressLimit - 1),
                         "mapguard.trackable");
}

/// Whether a claim that did not find the thread's own tombstone may still
/// go without the runtime: the slot is free (0 or a tombstone: the sign bit)
/// and holds no tombstone of this map, or the map has spent its handoff
/// holds, and the thread has an index and inline claims are allowed.
Value *HookEmitter::emitQuiet(IRBuilder<> &B, Value *Seen, Value *OwnTomb,
                              Value *HoldIndex, Value *IndexLoad,
                              Value *Allowed) {
  Value *Free = B.CreateICmpSLE(Seen, B.getInt64(0));
  Value *ThisMap = B.CreateICmpEQ(
      B.CreateLShr(B.CreateXor(Seen, OwnTomb), abi::kThreadIndexBits),
      B.getInt64(0));
  LoadInst *Holds = B.CreateLoad(
      B.getInt8Ty(), B.CreateInBoundsGEP(MapHolds->getValueType(), MapHolds,
                                         {B.getInt64(0), HoldIndex}));
  Holds->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  Value *Spent = B.CreateICmpUGE(Holds, B.getInt8(abi::kHoldsPerMap));
  Value *Registered = B.CreateICmpNE(IndexLoad, B.getInt16(0));
  return B.CreateAnd(B.CreateAnd(Free, B.CreateOr(B.CreateNot(ThisMap), Spent)),
                     B.CreateAnd(Registered, Allowed), "mapguard.quiet");
}

void HookEmitter::emitEnd(BasicBlock::iterator Where, const OpenWrite &W,
                          Value *Site, const DebugLoc &DL, bool Unwinding) {
  IRBuilder<> B(Where->getParent(), Where);
  B.SetCurrentDebugLocation(DL);
  // No inline path, or a landing pad's end: the runtime's end hook, which
  // does nothing for token 0 and handles every kind of claim.
  if (!W.Key || Unwinding) {
    B.CreateCall(hook(End), {W.Map, Site, W.Token});
    return;
  }
  Instruction *Here = &*Where;
  // if (token) {
  //   fast:   if (token->key == key) token->key = tomb;
  //           else the runtime's end hook
  //   strict: the biased claim's end, if kBiasedTokenBit (emitBiasedEnd);
  //           else slot = token & ~kAwayTokenBit; away = the count of the
  //           bucket (token rounded down to kBucketBytes);
  //           if (away == 0 && slot->key == key)
  //             { slot->site = site | kEndedSiteBit; slot->key = tomb; }
  //           else the runtime's end hook
  // }
  // A strict write away from home (kAwayTokenBit) is in the count itself,
  // so it always takes the runtime's end.
  Value *Open = B.CreateICmpNE(W.Token, ConstantInt::get(IntPtrTy, 0));
  Instruction *OpenTerm = SplitBlockAndInsertIfThen(Open, Here, false, Likely);
  OpenTerm->getParent()->setName("mapguard.end");
  B.SetInsertPoint(OpenTerm);
  if (Fast) {
    Value *Slot = B.CreateIntToPtr(W.Token, PtrTy);
    Value *Usual =
        B.CreateICmpEQ(loadSlotWord(B, Slot, AtomicOrdering::Monotonic), W.Key,
                       "mapguard.still");
    Instruction *ThenTerm = nullptr, *ElseTerm = nullptr;
    SplitBlockAndInsertIfThenElse(Usual, OpenTerm, &ThenTerm, &ElseTerm,
                                  Likely);
    ThenTerm->getParent()->setName("mapguard.release");
    ElseTerm->getParent()->setName("mapguard.end.slow");
    // Fast mode leaves the site: the next writer stores its own before its
    // key.
    B.SetInsertPoint(ThenTerm);
    storeSlotWord(B, B.CreateOr(W.Key, B.getInt64(abi::kTombBit)), Slot,
                  AtomicOrdering::Monotonic);
    B.SetInsertPoint(ElseTerm);
    B.CreateCall(hook(End), {W.Map, Site, W.Token});
    return;
  }
  // Strict: one path for both claims. A biased token (kBiasedTokenBit) also
  // clears the thread's marker and looks at the bias again after releasing
  // (emitBiasedEnd); the count is 0 for it too, unless the thread has a
  // write away from home in the bucket (then the runtime ends it).
  Value *Slot = B.CreateIntToPtr(
      B.CreateAnd(W.Token,
                  ConstantInt::get(IntPtrTy, ~uint64_t(abi::kTokenBits))),
      PtrTy);
  LoadInst *Away =
      loadSlotWord(B, bucketField(B, W.Token, BucketAwayField),
                   AtomicOrdering::SequentiallyConsistent, "mapguard.away");
  LoadInst *Seen = loadSlotWord(B, Slot, AtomicOrdering::Monotonic);
  Value *Usual = B.CreateAnd(B.CreateICmpEQ(Away, B.getInt64(0)),
                             B.CreateICmpEQ(Seen, W.Key), "mapguard.usual");
  Instruction *ThenTerm = nullptr, *ElseTerm = nullptr;
  SplitBlockAndInsertIfThenElse(Usual, OpenTerm, &ThenTerm, &ElseTerm, Likely);
  ThenTerm->getParent()->setName("mapguard.release");
  ElseTerm->getParent()->setName("mapguard.end.slow");
  B.SetInsertPoint(ElseTerm);
  CallInst *SlowEnd = B.CreateCall(hook(End), {W.Map, Site, W.Token});
  B.SetInsertPoint(ThenTerm);
  emitStrictRelease(B, Slot, W.Key, Site);
  emitBiasedEnd(B, W, SlowEnd->getParent());
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
  // The token is the slot: { key, site }, with kAwayTokenBit set when the
  // write is away from its map's home slot, kBiasedTokenBit when biased.
  Value *Slot = B.CreateIntToPtr(
      B.CreateAnd(Token,
                  ConstantInt::get(IntPtrTy, ~uint64_t(abi::kTokenBits))),
      PtrTy);
  storeSlotWord(B, Site, B.CreateStructGEP(SlotTy, Slot, SlotSiteField),
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

} // namespace mapguard
