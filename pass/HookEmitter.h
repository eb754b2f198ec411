//===- HookEmitter.h - How a guarded write calls into the runtime ---------===//
//
// Emits the begin and end of one guarded write, and the check of a read.
// Both modes emit the common case inline — a write claims and releases its
// map's slot (strict: with a compare-and-swap), a read loads the slots —
// and call the runtime's hooks only otherwise. -mapguard-inline=0 calls the
// hooks every time. The inline paths use the runtime's tables as
// runtime/mapguard_abi.h lays them out (the runtime's side:
// runtime/strict_table.cpp, runtime/fast_table.cpp):
//
//   h     = (map >> kMapAlignBits) * kHashMultiplier
//   key   = (IsTrackable(map) ? map << kThreadIndexBits : 0)
//           | __mapguard_thread_index  (TLS load; 0 unregistered or stressed)
//   tomb  = key | kTombBit
//   slot  = fast:   &__mapguard_fast_table[h >> (64 - kFastSlotBits)]
//           strict: &__mapguard_strict_table[bucket].slots[home], where
//                   bucket = h >> (64 - kStrictBucketBits) and home is
//                   StrictHomeSlot(map) computed from h
//   seen  = slot->key
//   inline = seen == tomb                          // the thread's own
//            || (seen is free (0 or a tombstone: seen <= 0 signed)
//                && (seen is not a tombstone of this map
//                    || __mapguard_map_holds[bucket] >= kHoldsPerMap) // spent
//                && thread index != 0 && IsTrackable(map)
//                && __mapguard_fast_inline)       // 0 under stress
//
// The first test alone decides the common case: no slot ever holds a key
// with address 0 (an untrackable map's) or thread index 0 (the index of a
// thread the runtime has not registered, and of every thread under
// stress=1), so such a key's tombstone matches nothing.
//
//   fast begin:   if (inline) { slot->site = site; slot->key = key;
//                               token = slot; }
//                 else token = __mapguard_write_begin_fast(map, site);
//   fast end:     if (token) {
//                   if (token->key == key) token->key = tomb;
//                   else __mapguard_write_end_fast(map, site, token);
//                 }
//   strict begin: if (seen == tomb && the bucket is biased to the thread)
//                   <plain stores: HookEmitterStrict.cpp; token has
//                    kBiasedTokenBit>
//                 else token = <the module's claim function>:
//                   if (inline && CAS(slot->key, seen, key)) { // seq_cst
//                     if (bucket->away == 0 && no other thread holds the
//                         bucket's bias) { slot->site = site; token = slot; }
//                     else { CAS(slot->key, key, seen);         // give back
//                            token = __mapguard_write_begin(map, site); }
//                   } else token = __mapguard_write_begin(map, site);
//   strict end:   if (token & kBiasedTokenBit) <HookEmitterStrict.cpp>
//                 else if (token) {
//                   slot = token & ~kAwayTokenBit;
//                   if (bucket(token)->away == 0 && slot->key == key)
//                     { slot->site = site | kEndedSiteBit; slot->key = tomb; }
//                   else __mapguard_write_end(map, site, token);
//                 }
//
// The inline condition leaves to the runtime exactly the claims at which it
// has something to do besides claiming: a write in progress in the slot
// (nested, another map's, or a conflict), a handoff of the map from another
// thread that may still hold (NoteHandoff), a thread's first write, stress.
// A strict write at home whose bucket has no write away from home
// (bucket->away, seq_cst) has nothing else to look at; a write away from
// home (kAwayTokenBit in its token) is counted there itself, so its end
// always calls the runtime.
//
// Fast mode's stores are monotonic: on x86-64 the site still reaches memory
// before the key (TSO), and a release store would make the optimiser treat
// it as a barrier for the map's own accesses. All the loads and stores are
// atomic, plain moves on x86-64, as in the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_HOOKEMITTER_H
#define MAPGUARD_HOOKEMITTER_H

#include "llvm/IR/BasicBlock.h"
#include "llvm/IR/DebugLoc.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

#include <utility>

namespace mapguard {

/// A write begun on one map: what its end needs.
struct OpenWrite {
  llvm::Value *Map;
  llvm::Value *Token; // from the begin hook; 0 = nothing to undo
  llvm::Value *Key;   // fast mode: the (map, thread) key; null in strict
};

class HookEmitter {
public:
  /// Inline: emit the common case of each check inline; else every begin,
  /// end and read calls the runtime.
  HookEmitter(llvm::Module &M, bool Fast, bool Inline = true);

  /// The IR type of a __mapguard_site (runtime/mapguard_abi.h).
  llvm::StructType *siteType() const { return SiteTy; }

  /// Begins a write of Map right before Before (which may end up in another
  /// block: the inline path adds control flow above it).
  OpenWrite emitBegin(llvm::Instruction *Before, llvm::Value *Map,
                      llvm::Value *Site, const llvm::DebugLoc &DL);
  /// Ends W at Where. Unwinding: in a landing pad, a cold path, so the
  /// runtime's end hook is called rather than the release emitted inline.
  void emitEnd(llvm::BasicBlock::iterator Where, const OpenWrite &W,
               llvm::Value *Site, const llvm::DebugLoc &DL,
               bool Unwinding = false);

  /// Checks, right before Before, that no other thread is writing Map: a
  /// lookup, or (Iteration) the start of an iteration. Inline: the map's
  /// slot (fast), or its home slot and its bucket's count of writes away
  /// from home (strict), are loaded, and the runtime is called only when
  /// they show a write in progress to this map (or may).
  /// Snapshot: the end of a loop's read window (MapGuard.cpp,
  /// emitReadWindow), given the slot's key from emitReadSnapshot at the
  /// loop's first read; the runtime is also called when the key changed
  /// since, and reports a write by another thread that began and ended
  /// during the loop.
  void emitReadCheck(llvm::Instruction *Before, llvm::Value *Map,
                     llvm::Constant *Site, bool Iteration,
                     const llvm::DebugLoc &DL, llvm::Value *Snapshot = nullptr);
  /// The key in Map's slot (strict: its home slot), loaded at B's position:
  /// what a read window compares at its end. Only with the inline paths.
  llvm::Value *emitReadSnapshot(llvm::IRBuilder<> &B, llvm::Value *Map);
  /// Whether checks are emitted inline (a table to snapshot exists).
  bool hasInlineChecks() const { return FastTable || StrictTable; }

  /// Inside a loop guarded as one window, at a write other than the one
  /// that opened it: strict mode points the window's slot at this write's
  /// Site, so that a report names the write the loop is at, not the first.
  /// (Only the slot's owner writes a slot while its key is in it, in strict
  /// mode. Fast mode's slot may be stored over by a racing writer, whose
  /// own site must not be replaced, so fast mode leaves it.)
  void emitSiteUpdate(llvm::Instruction *Before, llvm::Value *Token,
                      llvm::Value *Site);

  /// Whether the runtime is under stress=1 (its __mapguard_fast_inline is
  /// 0), loaded at B's position: an i1.
  llvm::Value *emitStressed(llvm::IRBuilder<> &B);
  /// Inside a loop guarded as one window: when Stressed (from emitStressed,
  /// loaded once per call of the function) each write of the loop calls the
  /// runtime, which may sleep with the window open.
  void emitStressTick(llvm::Instruction *Before, llvm::Value *Stressed,
                      const llvm::DebugLoc &DL);

private:
  llvm::Module &M;
  llvm::LLVMContext &Ctx;
  bool Fast;
  llvm::Type *IntPtrTy;
  llvm::PointerType *PtrTy;
  llvm::StructType *SiteTy;
  enum Hook {
    Begin,
    End,
    Read,
    Iterate,
    StressTick,
    ReadWindow,
    IterateWindow
  };
  llvm::FunctionCallee hook(Hook Which);
  llvm::FunctionCallee Hooks[7];
  /// A slot's address from Map, with (strict) its bucket's index.
  std::pair<llvm::Value *, llvm::Value *>
  slotOf(llvm::IRBuilder<> &B, llvm::Value *Map, llvm::Value **Wanted);
  /// The map's slot: fast mode's, or strict mode's home slot and its
  /// bucket's index (null in fast mode). Product: (map >> 3) times the
  /// runtime's hash multiplier.
  std::pair<llvm::Value *, llvm::Value *> mapSlot(llvm::IRBuilder<> &B,
                                                  llvm::Value *Product);
  /// Addr's hash product, Product above (abi::HashProduct).
  llvm::Value *hashProduct(llvm::IRBuilder<> &B, llvm::Value *Addr);
  /// &StrictTable[Bucket].<Field>: the bucket's count of writes away from
  /// home (BucketAwayField) or its bias (BucketBiasField).
  llvm::Value *bucketWord(llvm::IRBuilder<> &B, llvm::Value *Bucket,
                          unsigned Field);
  /// A new block of the inline paths, placed right before Before.
  llvm::BasicBlock *blockBefore(llvm::BasicBlock *Before, const char *Name);
  /// An atomic load (i64) or store of a word of the runtime's tables,
  /// tagged for type-based alias analysis (SlotAccess).
  llvm::LoadInst *loadSlotWord(llvm::IRBuilder<> &B, llvm::Value *Ptr,
                               llvm::AtomicOrdering Ordering,
                               const llvm::Twine &Name = "");
  llvm::StoreInst *storeSlotWord(llvm::IRBuilder<> &B, llvm::Value *Val,
                                 llvm::Value *Ptr,
                                 llvm::AtomicOrdering Ordering);
  /// 1 while the runtime is not under stress (__mapguard_fast_inline).
  llvm::Value *emitNotStressed(llvm::IRBuilder<> &B);
  /// 0 < map < 2^47 (IsTrackable).
  llvm::Value *emitTrackable(llvm::IRBuilder<> &B, llvm::Value *Addr);
  llvm::Value *emitQuiet(llvm::IRBuilder<> &B, llvm::Value *Seen,
                         llvm::Value *OwnTomb, llvm::Value *HoldIndex,
                         llvm::Value *IndexLoad, llvm::Value *Allowed);
  // Strict mode's claims and releases (HookEmitterStrict.cpp).
  // The IR fields of a slot and a bucket (mapguard_abi.h's layout).
  static constexpr unsigned SlotSiteField = 1;
  static constexpr unsigned BucketSlotsField = 0;
  static constexpr unsigned BucketAwayField = 1;
  static constexpr unsigned BucketBiasField = 2;
  /// What a write's head computed (emitBegin), for strict mode's claims.
  struct StrictHead {
    llvm::Value *Map, *Site, *Key, *OwnTomb, *Slot, *Bucket, *Seen;
  };
  /// Strict mode's begin, after the head (Begun's predecessor): the claim
  /// of the thread's own tombstone in a bucket biased to it inline, every
  /// other claim a call of the module's claim function. Returns the token.
  llvm::Value *emitStrictBegin(llvm::IRBuilder<> &B, llvm::BasicBlock *Begun,
                               const StrictHead &H);
  /// The module's claim function (internal, created on first use): the
  /// compare-and-swap claim when the runtime need not see it, else the
  /// runtime's begin hook.
  llvm::Function *claimFunction();
  llvm::Function *ClaimFunction = nullptr;
  /// The compare-and-swap claim, from B's block: returns the block that
  /// reaches Begun with the claim made.
  llvm::BasicBlock *emitStrictClaim(llvm::IRBuilder<> &B, llvm::Value *Slot,
                                    llvm::Value *Seen, llvm::Value *Key,
                                    llvm::Value *Site, llvm::Value *SiteField,
                                    llvm::Value *Bucket,
                                    llvm::BasicBlock *Begun,
                                    llvm::BasicBlock *Slow);
  /// The claim of the thread's own tombstone, from B's block: with plain
  /// stores if the bucket is biased to the thread, else to Slow. Returns
  /// the block that reaches Begun with the biased claim made, and (Bias)
  /// the bias word as first loaded. MyHeld: the bias word's state while
  /// the bucket is the thread's (BiasHeldBy).
  llvm::BasicBlock *emitBiasedClaim(llvm::IRBuilder<> &B, llvm::Value *Slot,
                                    llvm::Value *Key, llvm::Value *Site,
                                    llvm::Value *SiteField, llvm::Value *Bucket,
                                    llvm::Value *MyHeld, llvm::BasicBlock *Slow,
                                    llvm::BasicBlock *Begun,
                                    llvm::Value *&Bias);
  /// After a strict release at B's position (before a branch): a biased
  /// write's end (to Slow, the runtime's end, if its bias was lost).
  void emitBiasedEnd(llvm::IRBuilder<> &B, const OpenWrite &W,
                     llvm::BasicBlock *Slow);
  /// Stores a strict write's ended site, then its tombstone, into Slot.
  void emitStrictRelease(llvm::IRBuilder<> &B, llvm::Value *Slot,
                         llvm::Value *Key, llvm::Value *Site);
  /// A field of the bucket that holds the slot Token names.
  llvm::Value *bucketField(llvm::IRBuilder<> &B, llvm::Value *Token,
                           unsigned Field);
  // Fast mode's inline path.
  llvm::StructType *SlotTy = nullptr;
  llvm::GlobalVariable *FastTable = nullptr;
  llvm::GlobalVariable *StrictTable = nullptr;
  llvm::GlobalVariable *MapHolds = nullptr; // __mapguard_map_holds
  llvm::GlobalVariable *ThreadIndex = nullptr;
  llvm::GlobalVariable *InlineAllowed = nullptr; // __mapguard_fast_inline
  llvm::GlobalVariable *Marker = nullptr;        // __mapguard_marker (TLS)
  llvm::MDNode *Likely = nullptr;
  llvm::MDNode *SlotAccess = nullptr;  // TBAA tags: the table's accesses,
  llvm::MDNode *IndexAccess = nullptr; // and the thread index's
};

} // namespace mapguard

#endif // MAPGUARD_HOOKEMITTER_H
