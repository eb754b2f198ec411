//===-- mapguard_abi.h - The contract between the pass and the runtime ----===//
//
// Everything the code the MapGuard pass emits assumes about the runtime it is
// linked with: the hooks it calls, the data its inline paths read and write,
// and the numbers that place a map's write in that data. The pass
// (pass/HookEmitter.cpp, with LLVM's headers) and the runtime (without the
// C++ standard library) both include this header, so it is plain C++17 with
// <stddef.h> and <stdint.h> only.
//
// Each side checks what it builds from these facts: the runtime
// static_asserts its tables' layout (mapguard_internal.h), the pass the IR
// types it builds and the names it calls (HookEmitter.cpp), and
// test/e2e/abi_inline_claim.cpp checks that an inline claim takes the slot
// the runtime reads.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_ABI_H
#define MAPGUARD_ABI_H

#include <stddef.h>
#include <stdint.h>

//===----------------------------------------------------------------------===//
// Hooks
//===----------------------------------------------------------------------===//
//
// The pass emits one constant __mapguard_site per instrumented call and wraps
// the call as
//
//     token = __mapguard_write_begin(map, &site);
//     <the container call>
//     __mapguard_write_end(map, &site, token);   // on every way out
//
// (the *_fast pair in -mapguard-mode=fast), or emits the common case of both
// inline (see "Tables" below). The token is 0 when begin recorded nothing to
// undo (a nested write on the same thread, an untracked map), otherwise the
// slot the write took (with kAwayTokenBit in strict mode).

// What the report says about one instrumented call. The pass builds its IR
// type field by field: { ptr, ptr, ptr, ptr, i32, i32 }.
struct __mapguard_site {
  const char *file;      // source file, "" when unknown
  const char *function;  // enclosing function, demangled
  const char *container; // e.g. "std::unordered_map<std::string, int>"
  const char *operation; // e.g. "operator[]", "insert", "erase"
  uint32_t line;         // 0 when unknown (no debug info)
  uint32_t column;       // 0 when unknown
};

#define MAPGUARD_ABI extern "C" __attribute__((visibility("default")))

// Strict (default) mode: every overlapping pair of writes is reported.
MAPGUARD_ABI uintptr_t __mapguard_write_begin(void *map,
                                              const __mapguard_site *site);
MAPGUARD_ABI void __mapguard_write_end(void *map, const __mapguard_site *site,
                                       uintptr_t token);

// Fast mode: plain loads and stores, best effort, no false positives.
MAPGUARD_ABI uintptr_t __mapguard_write_begin_fast(void *map,
                                                   const __mapguard_site *site);
MAPGUARD_ABI void __mapguard_write_end_fast(void *map,
                                            const __mapguard_site *site,
                                            uintptr_t token);

// Reads (find, count, contains, at, equal_range, lower_bound, upper_bound)
// and the start of an iteration (begin, cbegin): one call before the
// operation, that reports if another thread is writing the map.
MAPGUARD_ABI void __mapguard_read(void *map, const __mapguard_site *site);
MAPGUARD_ABI void __mapguard_iterate(void *map, const __mapguard_site *site);
MAPGUARD_ABI void __mapguard_read_fast(void *map, const __mapguard_site *site);
MAPGUARD_ABI void __mapguard_iterate_fast(void *map,
                                          const __mapguard_site *site);

// The end of a loop's lookups of one map checked as one read window
// (pass/LoopWindows.h): snapshot is the key the map's slot held at the
// loop's first lookup. Reports a write by another thread in progress now,
// in progress then, or begun and ended in between.
MAPGUARD_ABI void __mapguard_read_window(void *map, const __mapguard_site *site,
                                         uint64_t snapshot);
MAPGUARD_ABI void __mapguard_read_window_fast(void *map,
                                              const __mapguard_site *site,
                                              uint64_t snapshot);
// The same where a loop over the map that begin() started ends: snapshot is
// the key the slot held just before begin().
MAPGUARD_ABI void __mapguard_iterate_window(void *map,
                                            const __mapguard_site *site,
                                            uint64_t snapshot);
MAPGUARD_ABI void __mapguard_iterate_window_fast(void *map,
                                                 const __mapguard_site *site,
                                                 uint64_t snapshot);

// Inside a loop guarded as one window (pass/LoopWindows.h), each write calls
// this while __mapguard_fast_inline is 0 (stress=1): a chance to sleep with
// the window open, as a guarded write does under stress.
MAPGUARD_ABI void __mapguard_stress_tick(void);

//===----------------------------------------------------------------------===//
// Keys
//===----------------------------------------------------------------------===//

namespace __mapguard {

// A slot's key says which map, which thread and whether the write is still
// going on, in one word that one atomic access reads or claims: the map's
// address (47 bits, all of x86-64 Linux user space) shifted over the writing
// thread's 16-bit index, and the top bit set once the write has ended (a
// tombstone). A map at address 0 or from 2^47 up has no key.
constexpr unsigned kAddressBits = 47;
constexpr unsigned kThreadIndexBits = 16;
constexpr uint64_t kThreadIndexMask = (uint64_t(1) << kThreadIndexBits) - 1;
constexpr uintptr_t kAddressLimit = uintptr_t(1) << kAddressBits;
constexpr uint64_t kTombBit = uint64_t(1) << 63;

constexpr uint64_t MakeKey(uintptr_t Addr, uint16_t ThreadIndex) {
  return (uint64_t(Addr) << kThreadIndexBits) | ThreadIndex;
}
constexpr uintptr_t KeyAddress(uint64_t Key) {
  return uintptr_t((Key & ~kTombBit) >> kThreadIndexBits);
}
constexpr uint16_t KeyThreadIndex(uint64_t Key) { return uint16_t(Key); }
// A write in progress: neither empty (0) nor a tombstone.
constexpr bool IsActiveKey(uint64_t Key) {
  return Key != 0 && !(Key & kTombBit);
}
// 0 < Addr < 2^47.
constexpr bool IsTrackable(uintptr_t Addr) {
  return Addr - 1 < kAddressLimit - 1;
}

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//
//
// A slot is { uint64_t key; const __mapguard_site *site; }, 16 bytes, each
// word read and written atomically (plain moves on x86-64).
//
// Strict mode: kStrictBuckets buckets, each one 64-byte cache line of
// kSlotsPerBucket slots, then `away`, the count of writes in progress in the
// bucket away from their map's home slot, then `bias`, the bucket's owner
// (see "Bias" below). A map's bucket and home slot come from its hash
// (StrictBucketIndex, StrictHomeSlot).
//
// Fast mode: kFastSlots direct-mapped slots (FastSlotIndex).
constexpr size_t kSlotBytes = 16;
constexpr size_t kSlotKeyOffset = 0;
constexpr size_t kSlotSiteOffset = 8;

constexpr unsigned kStrictBucketBits = 12;
constexpr size_t kStrictBuckets = size_t(1) << kStrictBucketBits;
constexpr unsigned kSlotsPerBucket = 3;
constexpr size_t kBucketBytes = 64;
constexpr size_t kBucketAwayOffset = kSlotsPerBucket * kSlotBytes;
constexpr size_t kBucketBiasOffset = kBucketAwayOffset + 8;

constexpr unsigned kFastSlotBits = 14;
constexpr size_t kFastSlots = size_t(1) << kFastSlotBits;

// Fibonacci hashing of the address without its low bits, always zero.
constexpr uint64_t kHashMultiplier = 0x9E3779B97F4A7C15ull;
constexpr unsigned kMapAlignBits = 3;
constexpr uint64_t HashProduct(uintptr_t Addr) {
  return (uint64_t(Addr) >> kMapAlignBits) * kHashMultiplier;
}
constexpr size_t HashAddress(uintptr_t Addr, unsigned Bits) {
  return size_t(HashProduct(Addr) >> (64 - Bits));
}

constexpr size_t StrictBucketIndex(uintptr_t Addr) {
  return HashAddress(Addr, kStrictBucketBits);
}
// A map's home slot in its strict bucket: the kHomeHashBits hash bits below
// the bucket's, scaled to 0..kSlotsPerBucket-1.
constexpr unsigned kHomeHashBits = 16;
constexpr uint64_t kHomeHashMask = (uint64_t(1) << kHomeHashBits) - 1;
constexpr size_t StrictHomeSlot(uintptr_t Addr) {
  return size_t(
      ((HashAddress(Addr, kStrictBucketBits + kHomeHashBits) & kHomeHashMask) *
       kSlotsPerBucket) >>
      kHomeHashBits);
}
constexpr size_t FastSlotIndex(uintptr_t Addr) {
  return HashAddress(Addr, kFastSlotBits);
}

// A strict token is its slot's address with this bit set when the write is
// away from its map's home slot (so it is counted in `away`); the bucket is
// the token rounded down to kBucketBytes. A fast token is the slot.
constexpr uintptr_t kAwayTokenBit = 1;
// A strict token with this bit set is a biased claim's (see "Bias").
constexpr uintptr_t kBiasedTokenBit = 2;
constexpr uintptr_t kTokenBits = kAwayTokenBit | kBiasedTokenBit;
// Strict mode: a write's end leaves its site in the slot with this bit set,
// so that the next writer's key is never read with this write's site.
constexpr uintptr_t kEndedSiteBit = 1;

// Handoff holds taken per map, kMapHoldCounters one-byte counters indexed
// like a strict bucket: once a map's counter reaches kHoldsPerMap, a handoff
// of the map no longer holds, and the inline claim need not ask the runtime.
constexpr unsigned kMapHoldBits = 12;
constexpr size_t kMapHoldCounters = size_t(1) << kMapHoldBits;
constexpr unsigned kHoldsPerMap = 8;
static_assert(kMapHoldBits == kStrictBucketBits,
              "the inline claim indexes the hold counters by bucket");

//===----------------------------------------------------------------------===//
// Bias (strict mode; runtime/bias.cpp has the protocol and its proof)
//===----------------------------------------------------------------------===//
//
// A bucket's `bias` word: the index of the thread that owns the bucket in
// its low 16 bits, with kBiasHeldBit while it does (its writes of maps whose
// home slot holds their own tombstone then claim with plain stores), or
// kBiasRevokingBit while another thread takes the bucket back from it;
// kBiasNeverBit once the bucket has changed owner too often (a map shared
// under a mutex): claims there are compare-and-swaps from then on. The bits
// above kBiasStateMask are the runtime's (bias.cpp).
constexpr uint64_t kBiasHeldBit = uint64_t(1) << 16;
constexpr uint64_t kBiasRevokingBit = uint64_t(1) << 17;
constexpr uint64_t kBiasNeverBit = uint64_t(1) << 18;
constexpr uint64_t kBiasStateMask =
    kThreadIndexMask | kBiasHeldBit | kBiasRevokingBit | kBiasNeverBit;
// What the bias word holds, under kBiasStateMask, while ThreadIndex owns it.
constexpr uint64_t BiasHeldBy(uint16_t ThreadIndex) {
  return ThreadIndex | kBiasHeldBit;
}

// The types of the exported tables, defined by the runtime
// (mapguard_internal.h) with the layout above.
struct Slot;
struct Bucket;
struct MapHoldCount;

} // namespace __mapguard

// The data the inline paths read and write.
MAPGUARD_ABI __mapguard::Bucket
    __mapguard_strict_table[__mapguard::kStrictBuckets];
MAPGUARD_ABI __mapguard::Slot __mapguard_fast_table[__mapguard::kFastSlots];
MAPGUARD_ABI __mapguard::MapHoldCount
    __mapguard_map_holds[__mapguard::kMapHoldCounters];
// The calling thread's index, 0 until the runtime registers the thread, and
// 0 under stress=1: the inline paths then find no slot of theirs and call
// the runtime.
MAPGUARD_ABI __thread uint16_t __mapguard_thread_index
    __attribute__((tls_model("initial-exec")));
// The calling thread's write marker (its own cache line, which a thread
// revoking its bias reads): the key of the biased write it is making, else
// 0, then that write's site. Set when the thread registers; null before.
MAPGUARD_ABI __thread uint64_t *__mapguard_marker
    __attribute__((tls_model("initial-exec")));
// 1 while the inline claims and checks may be used; 0 under stress=1, so
// that every write and read calls the runtime.
MAPGUARD_ABI uint8_t __mapguard_fast_inline;

// The name of a symbol declared above, as a string: a name the pass emits
// fails to compile unless this header declares it.
#define MAPGUARD_ABI_NAME(Symbol) ((void)sizeof(&(Symbol)), #Symbol)

#endif // MAPGUARD_ABI_H
