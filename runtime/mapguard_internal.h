//===-- mapguard_internal.h - MapGuard runtime internals --------*- C++ -*-===//
//
// What the runtime's three parts share, and what its unit tests reach into:
//
//   flag_table.cpp  thread identity and the two flag tables: what happens at
//                   run time when two writers meet
//   report.cpp      the "concurrent map writes" report, halt or count
//   options.cpp     MAPGUARD_OPTIONS and startup
//
// Nothing here is part of the ABI (that is mapguard_abi.h): every name lives
// in namespace __mapguard and has hidden visibility, so a program linking the
// runtime exports only the four hooks. The header is plain C++17 without the
// standard library's containers or strings: the runtime is linked into C
// programs too and must need nothing from libstdc++.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_INTERNAL_H
#define MAPGUARD_INTERNAL_H

#include "mapguard_abi.h"

#include <stddef.h>
#include <stdint.h>

namespace __mapguard {

typedef __mapguard_site Site;

//===----------------------------------------------------------------------===//
// Flag table geometry (flag_table.cpp)
//===----------------------------------------------------------------------===//

// A map's address fits in 47 bits in x86-64 Linux user space, which leaves
// 16 bits of a 64-bit word for the writing thread and the top bit for a
// tombstone: one word says which map, which thread and whether the write is
// still going on, so a slot is read and claimed with one atomic access.
constexpr unsigned kAddressBits = 47;
constexpr unsigned kThreadIndexBits = 16;
constexpr uintptr_t kAddressLimit = uintptr_t(1) << kAddressBits;
// A slot whose write has ended keeps its last writer's key with
// this bit set: free for anyone, and a memory of who wrote the map last.
constexpr uint64_t kTombBit = uint64_t(1) << 63;

constexpr unsigned kStrictBucketBits = 12; // 4096 buckets
constexpr unsigned kSlotsPerBucket = 3;    // and a count: one 64-byte line
constexpr unsigned kFastSlotBits = 14;     // 16384 direct-mapped slots
// 1 while fast mode's inline claim may be used (pass/HookEmitter.cpp reads
// it); 0 under stress, so that every write calls the runtime.
extern "C" uint8_t __mapguard_fast_inline;

// Handoff holds are rate limited: a burst of this many, then one per
// kHoldCostFactor hold lengths (so at most 1/kHoldCostFactor of the time).
constexpr unsigned kHoldBurst = 16;
constexpr unsigned kHoldCostFactor = 50;
// After the bucket refuses a hold, a thread lets this many handoffs go by
// before it asks again: asking reads the clock (about 30 ns here), and a map
// shared under a mutex changes writer at nearly every write.
constexpr unsigned kHandoffsBetweenHoldAsks = 64;
// A map's handoffs hold at most this many times (counted per hash of the
// map, in a table of 2^kMapHoldBits bytes): after that the map is being
// handed over correctly, as a mutex-shared map is at every lock handoff.
constexpr unsigned kHoldsPerMap = 8;
constexpr unsigned kMapHoldBits = 12;
// A writer that finds its strict bucket full yields and retries this many
// times before it gives up and leaves the write untracked.
constexpr unsigned kMaxClaimRetries = 64;

inline uint64_t MakeKey(uintptr_t Addr, uint16_t ThreadIndex) {
  return (uint64_t(Addr) << kThreadIndexBits) | ThreadIndex;
}
inline uintptr_t KeyAddress(uint64_t Key) {
  return uintptr_t((Key & ~kTombBit) >> kThreadIndexBits);
}
inline bool IsActiveKey(uint64_t Key) { return Key != 0 && !(Key & kTombBit); }
inline uint16_t KeyThreadIndex(uint64_t Key) { return uint16_t(Key); }

// Strict mode: when a write ends, its slot keeps the write's site with this
// bit set (sites are aligned), so that a lookup loop that finds the write's
// tombstone at its end can name it; a writer that claims the slot next
// stores its own site, which is untagged.
constexpr uintptr_t kEndedSiteBit = 1;

// Fibonacci hashing; the low 3 bits of a map's address are always zero.
inline size_t HashAddress(uintptr_t Addr, unsigned Bits) {
  return size_t(((uint64_t(Addr) >> 3) * 0x9E3779B97F4A7C15ull) >> (64 - Bits));
}
inline size_t StrictBucketIndex(uintptr_t Addr) {
  return HashAddress(Addr, kStrictBucketBits);
}
// A map's home slot in its strict bucket: the 16 hash bits below the
// bucket's, scaled to 0..kSlotsPerBucket-1.
inline size_t StrictHomeSlot(uintptr_t Addr) {
  return size_t(((HashAddress(Addr, kStrictBucketBits + 16) & 0xffff) *
                 kSlotsPerBucket) >> 16);
}
// One number per home slot of the whole strict table: maps with equal
// numbers share a home slot (tests place maps by it).
inline size_t StrictHomeNumber(uintptr_t Addr) {
  return StrictBucketIndex(Addr) * kSlotsPerBucket + StrictHomeSlot(Addr);
}
inline size_t FastSlotIndex(uintptr_t Addr) {
  return HashAddress(Addr, kFastSlotBits);
}

// The calling thread's 16-bit index, registering the thread on first use.
uint16_t CurrentThreadIndex();
// The kernel thread id recorded for an index (0 if none).
int32_t ThreadTid(uint16_t ThreadIndex);
// Into Name (at least 17 bytes): the name the thread of an index had when it
// registered ("" if none).
void RegisteredThreadName(uint16_t ThreadIndex, char *Name);

// Step 1 of the strict begin hook alone: claim a free slot of Addr's bucket
// for the calling thread, without looking for other writers after.
// Returns the token, or 0 if the bucket is full. Tests use it to stand for a
// writer whose first scan ran before another writer's claim.
uintptr_t StrictClaim(uintptr_t Addr, const Site *S);
// The fast-mode store alone: overwrite Addr's slot with the calling thread's
// key, as a writer does that read the slot empty just before another writer
// filled it. Returns the token.
uintptr_t FastClaim(uintptr_t Addr, const Site *S);
// The key word a read window's snapshot loads (pass/HookEmitter.cpp,
// emitReadSnapshot): Addr's fast slot, or its strict home slot (tests).
uint64_t SlotKeyForTesting(uintptr_t Addr, bool Fast);

// How many handoff holds were taken; forgetting every map's last writer and
// refilling the hold budget (tests).
uint64_t HandoffHoldCount();
void ResetHandoffHistory();
// Slots currently held (a scan, not a snapshot; for tests and diagnostics).
size_t StrictTableOccupancy();
size_t FastTableOccupancy();
// The strict buckets' overflow counts, summed (tests).
uint64_t StrictOverflowCount();
// Writes left untracked because their strict bucket stayed full.
uint64_t UntrackedWriteCount();

//===----------------------------------------------------------------------===//
// Options (options.cpp)
//===----------------------------------------------------------------------===//

constexpr size_t kMaxLogPath = 4000; // leaves room for ".<pid>" in PATH_MAX

struct Options {
  bool halt_on_error;
  int exitcode;
  int verbosity;
  int handoff_hold_us; // see HoldAfterHandoff in flag_table.cpp; 0 = off
  bool stress;         // random delays inside guarded windows (tests)
  char log_path[kMaxLogPath + 1]; // "stderr", "stdout" or a path prefix
};

// The effective options. Constant-initialised to the defaults, so the hooks
// may run before the runtime's constructor has parsed MAPGUARD_OPTIONS.
extern Options g_options;

void SetDefaultOptions(Options *O);
// Parses Text ("key=value:key=value") into *O. An unknown key prints one
// warning line to DiagFd and is skipped. A malformed entry prints one error
// line to DiagFd and returns false (the entries before it are applied).
bool ParseOptions(const char *Text, Options *O, int DiagFd);
// Prints "==<pid>==MapGuard: options key=value ..." to Fd.
void PrintOptions(const Options &O, int Fd);
// Startup: parses Text into g_options, or prints the error and _exit(1)s.
void InitOptionsOrDie(const char *Text);

//===----------------------------------------------------------------------===//
// Report (report.cpp)
//===----------------------------------------------------------------------===//

struct ConflictWriter {
  const Site *site; // null: the site could not be read ("<unknown site>")
  int32_t tid;
  bool is_current; // the thread running the report (names it by prctl)
  // Its thread's index (0: unknown), whose registered name stands in once
  // the thread has exited.
  uint16_t thread_index = 0;
  // A write that began and ended during the current thread's loop of
  // lookups (found at the end of a read window): "wrote it during these
  // reads", not "was writing it".
  bool ended = false;
};

// What the second thread was doing when it met the writer: Go's three
// messages.
enum class ConflictKind { Writes, ReadWrite, IterationWrite };

struct Conflict {
  uintptr_t map;
  const char *container; // from the current thread's site
  ConflictWriter second; // started writing while `first` was writing
  ConflictWriter first;
  // Writes, unless a read or an iteration check found the writer.
  ConflictKind kind = ConflictKind::Writes;
};

// Formats the report for C and writes it to Fd. No lock, no dedupe, no halt.
void PrintConflictReport(const Conflict &C, int Fd);
// Reports C: under the report lock, to the log; then abort() if
// halt_on_error, else count it (each unordered pair of sites once).
void ReportConflict(const Conflict &C);
// Reports printed so far (halt_on_error=0).
uint64_t ReportCount();
// Conflicts found so far, including those not printed again because their
// pair of sites had been reported already.
uint64_t ConflictCount();
// The end of exit (options.cpp calls it after every other exit handler and
// destructor): verbosity output, and with reports pending the summary lines
// and _exit(exitcode).
void ReportAtExit();
// The report lock, and its reset in a forked child.
void LockReports();
void UnlockReports();
void ResetReportLockAfterFork();

// The file descriptor for reports under g_options.log_path (stderr, after a
// warning the first time, if the file cannot be opened); CloseLogFd after.
int OpenLogFd();
void CloseLogFd(int Fd);

// write(2) all of Buf (retrying on EINTR and short writes).
void WriteAll(int Fd, const char *Buf, size_t Len);

// A fixed buffer that writes itself to an fd when full and on Flush().
class Output {
public:
  Output(int OutFd, char *Buffer, size_t Capacity)
      : Fd(OutFd), Buf(Buffer), Cap(Capacity) {}
  Output(const Output &) = delete;
  Output &operator=(const Output &) = delete;

  Output &str(const char *S);
  Output &str(const char *S, size_t Len);
  Output &dec(uint64_t V);
  Output &hex(uint64_t V);
  Output &pid(); // "==<pid>=="
  void flush();

private:
  int Fd;
  char *Buf;
  size_t Cap;
  size_t Len = 0;
};

} // namespace __mapguard

#endif // MAPGUARD_INTERNAL_H
