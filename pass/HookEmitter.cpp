//===- HookEmitter.cpp - How a guarded write calls into the runtime -------===//
//
// Fast mode's inline path mirrors the runtime's fast table
// (runtime/flag_table.cpp, runtime/mapguard_internal.h):
//
//   slot  = &__mapguard_fast_table[((map >> 3) * 0x9E3779B97F4A7C15) >> 50]
//   key   = (map << 16) | __mapguard_thread_index        (a TLS load)
//   begin: if (slot->key == (key | 1 << 63) && map < 1 << 47 &&
//              __mapguard_fast_inline) {                 // 0 under stress
//            slot->site = site; slot->key = key;          // claim
//            token = slot;
//          } else token = __mapguard_write_begin_fast(map, site);
//   end:   if (token) {
//            if (token->key == key) token->key = key | 1 << 63;  // release
//            else __mapguard_write_end_fast(map, site, token);
//          }
//
// A slot holding the thread's own tombstone for the map (its last write
// there ended, and nobody has written there since) is the steady state of a
// thread writing its own map. The stores are monotonic: on x86-64 the site
// still reaches memory before the key (TSO), and a release store would make
// the optimiser treat it as a barrier for the map's own accesses. Every
// other case — first write, another
// thread's write or tombstone, another map's, a nested write — goes to the
// runtime. The loads and stores are atomic monotonic, plain moves on
// x86-64, as in the runtime.
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

HookEmitter::HookEmitter(Module &M, bool Fast)
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
  if (!Fast) {
    // Strict mode: only the read check is inline; 4096 buckets of 3 slots
    // and the bucket's overflow count (and a spare word): one cache line.
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
         {FastTable, StrictTable, ThreadIndex, InlineAllowed})
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
      {"__mapguard_stress_tick", "__mapguard_stress_tick"}};
  FunctionCallee &Callee = Hooks[Which];
  if (Callee)
    return Callee;
  Type *Void = Type::getVoidTy(Ctx);
  FunctionType *Ty =
      Which == Begin ? FunctionType::get(IntPtrTy, {PtrTy, PtrTy}, false)
      : Which == End ? FunctionType::get(Void, {PtrTy, PtrTy, IntPtrTy}, false)
      : Which == StressTick ? FunctionType::get(Void, false)
                            : FunctionType::get(Void, {PtrTy, PtrTy}, false);
  Callee = M.getOrInsertFunction(
      Names[Which][Fast], Ty,
      AttributeList().addFnAttribute(Ctx, Attribute::NoUnwind));
  return Callee;
}

/// &Table[((Addr >> 3) * HashMultiplier) >> (64 - Bits)]: the runtime's
/// HashAddress (runtime/mapguard_internal.h), a slot or a bucket.
static Value *tableEntry(IRBuilder<> &B, GlobalVariable *Table, Value *Addr,
                         unsigned Bits) {
  Value *Hash = B.CreateLShr(
      B.CreateMul(B.CreateLShr(Addr, 3), B.getInt64(HashMultiplier)),
      64 - Bits);
  return B.CreateInBoundsGEP(Table->getValueType(), Table,
                             {B.getInt64(0), Hash}, "mapguard.slot");
}

OpenWrite HookEmitter::emitBegin(Instruction *Before, Value *Map,
                                 Value *Site, const DebugLoc &DL) {
  if (!FastTable) {
    IRBuilder<> B(Before);
    B.SetCurrentDebugLocation(DL);
    return {Map, B.CreateCall(hook(Begin), {Map, Site}, "mapguard.token"),
            nullptr};
  }
  IRBuilder<> B(Before);
  B.SetCurrentDebugLocation(DL);
  Type *I64 = B.getInt64Ty();
  Value *Addr = B.CreatePtrToInt(Map, I64, "mapguard.addr");
  // Tagged so that the table's stores do not keep it from being hoisted.
  LoadInst *IndexLoad = B.CreateLoad(
      B.getInt16Ty(), B.CreateThreadLocalAddress(ThreadIndex), "mapguard.thread");
  IndexLoad->setMetadata(LLVMContext::MD_tbaa, IndexAccess);
  Value *Index = B.CreateZExt(IndexLoad, I64);
  Value *Key = B.CreateOr(B.CreateShl(Addr, ThreadIndexBits), Index,
                          "mapguard.key");
  Value *Slot = tableEntry(B, FastTable, Addr, FastSlotBits);
  LoadInst *Seen = B.CreateAlignedLoad(I64, Slot, Align(8), "mapguard.seen");
  Seen->setAtomic(AtomicOrdering::Monotonic);
  Seen->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
  // Own tombstone, and a trackable address: (seen ^ tomb) | (addr >> 47) == 0,
  // and the runtime allows the inline claim (it does not under stress=1).
  Value *Mine = B.CreateAnd(
      B.CreateICmpEQ(
          B.CreateOr(B.CreateXor(Seen, B.CreateOr(Key, B.getInt64(TombBit))),
                     B.CreateLShr(Addr, AddressBits)),
          B.getInt64(0)),
      emitNotStressed(B), "mapguard.mine");

  Instruction *ThenTerm = nullptr, *ElseTerm = nullptr;
  SplitBlockAndInsertIfThenElse(Mine, Before, &ThenTerm, &ElseTerm, Likely);
  ThenTerm->getParent()->setName("mapguard.claim");
  ElseTerm->getParent()->setName("mapguard.begin.slow");

  B.SetInsertPoint(ThenTerm);
  // The site before the key (in program order; TSO keeps it).
  StoreInst *SiteStore = B.CreateAlignedStore(
      Site, B.CreateStructGEP(SlotTy, Slot, 1), Align(8));
  SiteStore->setAtomic(AtomicOrdering::Monotonic);
  SiteStore->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
  StoreInst *KeyStore = B.CreateAlignedStore(Key, Slot, Align(8));
  KeyStore->setAtomic(AtomicOrdering::Monotonic);
  KeyStore->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
  Value *FastToken = B.CreatePtrToInt(Slot, IntPtrTy);

  B.SetInsertPoint(ElseTerm);
  Value *SlowToken = B.CreateCall(hook(Begin), {Map, Site});

  B.SetInsertPoint(Before);
  PHINode *Token = B.CreatePHI(IntPtrTy, 2, "mapguard.token");
  Token->addIncoming(FastToken, ThenTerm->getParent());
  Token->addIncoming(SlowToken, ElseTerm->getParent());
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
  // if (token) { if (token->key == key) release; else slow end; }
  Value *Open = B.CreateICmpNE(W.Token, ConstantInt::get(IntPtrTy, 0));
  Instruction *OpenTerm = SplitBlockAndInsertIfThen(Open, Here, false, Likely);
  OpenTerm->getParent()->setName("mapguard.end");
  B.SetInsertPoint(OpenTerm);
  Value *Slot = B.CreateIntToPtr(W.Token, PtrTy);
  LoadInst *Seen = B.CreateAlignedLoad(B.getInt64Ty(), Slot, Align(8));
  Seen->setAtomic(AtomicOrdering::Monotonic);
  Seen->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
  Value *Still = B.CreateICmpEQ(Seen, W.Key, "mapguard.still");
  Instruction *ThenTerm = nullptr, *ElseTerm = nullptr;
  SplitBlockAndInsertIfThenElse(Still, OpenTerm, &ThenTerm, &ElseTerm, Likely);
  ThenTerm->getParent()->setName("mapguard.release");
  ElseTerm->getParent()->setName("mapguard.end.slow");
  B.SetInsertPoint(ThenTerm);
  StoreInst *Release = B.CreateAlignedStore(
      B.CreateOr(W.Key, B.getInt64(TombBit)), Slot, Align(8));
  Release->setAtomic(AtomicOrdering::Monotonic);
  Release->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
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
  StoreInst *Store = B.CreateAlignedStore(
      Site, B.CreateStructGEP(SlotTy, Slot, 1), Align(8));
  Store->setAtomic(AtomicOrdering::Release);
  Store->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
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

void HookEmitter::emitReadCheck(Instruction *Before, Value *Map,
                                Constant *Site, bool Iteration,
                                const DebugLoc &DL) {
  FunctionCallee Hook = hook(Iteration ? Iterate : Read);
  IRBuilder<> B(Before);
  B.SetCurrentDebugLocation(DL);
  GlobalVariable *Table = Fast ? FastTable : StrictTable;
  if (!Table) {
    B.CreateCall(Hook, {Map, Site});
    return;
  }
  // A slot holds a write in progress to this map, by any thread, when
  // (key & ~0xffff) == map << 16 (a tombstone has bit 63 set, an empty slot
  // is 0, and map << 16 is neither). Whose write it is, the runtime decides.
  Type *I64 = B.getInt64Ty();
  Value *Addr = B.CreatePtrToInt(Map, I64, "mapguard.addr");
  Value *Wanted = B.CreateShl(Addr, ThreadIndexBits);
  Value *First =
      tableEntry(B, Table, Addr, Fast ? FastSlotBits : StrictBucketBits);
  Value *Busy = nullptr;
  for (unsigned I = 0, E = Fast ? 1 : StrictSlotsPerBucket; I != E; ++I) {
    Value *Slot =
        I ? B.CreateInBoundsGEP(Table->getValueType()->getArrayElementType(),
                                First, {B.getInt64(0), B.getInt32(0),
                                        B.getInt64(I)})
          : First;
    LoadInst *Key = B.CreateAlignedLoad(I64, Slot, Align(8));
    Key->setAtomic(AtomicOrdering::Monotonic);
    Key->setMetadata(LLVMContext::MD_tbaa, SlotAccess);
    Value *Hit = B.CreateICmpEQ(
        B.CreateAnd(Key, B.getInt64(~uint64_t(0xffff))), Wanted);
    Busy = Busy ? B.CreateOr(Busy, Hit) : Hit;
  }
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
  B.CreateCall(Hook, {Map, Site});
}

} // namespace mapguard
